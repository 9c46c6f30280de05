// Command provctl triggers and reports Microsoft Entra ID provisioning on demand.
package main

import (
	"os"

	"github.com/provctl/provctl/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}
