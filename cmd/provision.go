package cmd

import "github.com/spf13/cobra"

// NewCmdProvision builds the `provision` command group.
func NewCmdProvision(f *Factory) *cobra.Command {
	c := groupCommand(&cobra.Command{
		Use:   "provision",
		Short: "Provision a user or group on demand and report the outcome",
		Long: `Provision one user or group on demand into an enterprise app, and read the
outcome: did the account get created or updated in the target app, and if
not, which step failed and why.`,
		Example: `  $ provctl provision run --sp Box --user adele@contoso.test
  $ provctl provision poll --sp Box --wait
  $ provctl provision logs --sp Box --since 24h`,
	})
	c.AddCommand(NewCmdPoll(f, nil), NewCmdRun(f, nil), NewCmdLogs(f, nil))
	return c
}
