package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// rejectEmptyFlags refuses a flag given with an empty value: `--job ""`
// (say, from an unset variable in a script) must not read as "not given"
// and act on the only job.
func rejectEmptyFlags(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if err != nil {
			return
		}
		switch fl.Value.Type() {
		case "string":
			if strings.TrimSpace(fl.Value.String()) == "" {
				err = usageErr(fmt.Errorf("--%s is empty: give a value or leave the flag out", fl.Name))
			}
		case "stringArray", "stringSlice":
			if sv, ok := fl.Value.(pflag.SliceValue); ok {
				for _, v := range sv.GetSlice() {
					if strings.TrimSpace(v) == "" {
						err = usageErr(fmt.Errorf("--%s is empty: give a value or leave the flag out", fl.Name))
						return
					}
				}
			}
		}
	})
	return err
}
