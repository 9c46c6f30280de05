package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// ownTimeout lists the commands bounded by something of their own: login
// by its --timeout, the emulator by Ctrl-C, and local ones that send nothing.
var ownTimeout = map[string]bool{"login": true, "emulator": true, "completion": true, "version": true, "help": true, "__complete": true}

// boundCommand gives the command a deadline of --command-timeout, unless it
// waits with --wait (then --timeout bounds it) or is bounded otherwise.
func (f *Factory) boundCommand(cmd *cobra.Command) {
	if ownTimeout[cmd.Name()] {
		return
	}
	if wait := cmd.Flags().Lookup("wait"); wait != nil && wait.Value.String() == "true" {
		return
	}
	if follow := cmd.Flags().Lookup("follow"); follow != nil && follow.Value.String() == "true" {
		return // logs --follow: until Ctrl-C or its --timeout; each request is bounded
	}
	if bulkRun(cmd) {
		return // bounded once its users are known (BulkOptions.budget)
	}
	s, err := f.Settings(cmd)
	if err != nil {
		return // the command reports bad settings itself
	}
	ctx, cancel := context.WithTimeout(runContext(cmd), s.CommandTimeout)
	f.stopTimeout = cancel
	f.commandTimeout = s.CommandTimeout
	cmd.SetContext(ctx)
}

// commandTimedOut explains an error caused by --command-timeout.
func (f *Factory) commandTimedOut(err error) error {
	if f.commandTimeout == 0 || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("the command did not finish within %s (--command-timeout, PROVCTL_COMMAND_TIMEOUT): %w", f.commandTimeout, err)
}

// bulkRun reports whether cmd is a `provision run` over a list of users,
// which bounds itself by the time its pacing needs.
func bulkRun(cmd *cobra.Command) bool {
	if cmd.Name() != "run" || cmd.Parent() == nil || cmd.Parent().Name() != "provision" {
		return false
	}
	for _, name := range []string{"from", "members-of", "results", "resume", "dry-run"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return true
		}
	}
	users, err := cmd.Flags().GetStringArray("user")
	return err == nil && len(users) > 1
}
