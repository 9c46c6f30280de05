package cmd

import "github.com/spf13/cobra"

// newHelpTopic is a non-runnable command shown under "Additional help topics".
func newHelpTopic(name, short, long string) *cobra.Command {
	return &cobra.Command{Use: name, Short: short, Long: long}
}

// environmentHelp is the text of `provctl help environment`; the variables
// come from the table in facts.go.
func environmentHelp() string {
	return `provctl reads these environment variables (a flag wins over a variable,
a variable over the config file, the config file over the default):

` + environmentHelpRows() + `

The config file <config dir>/config.yaml takes keys named like the flags, e.g.
  tenant: contoso.test
  output: json
"provctl config list" shows each setting in effect and where it comes from;
"provctl config set KEY VALUE" checks a value and keeps it in the file.`
}
