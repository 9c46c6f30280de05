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
