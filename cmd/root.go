// Package cmd is provctl's command line: one file per command group, each
// command an Options struct, a constructor and a run function.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
)

// Execute runs provctl with os.Args and returns the process exit code.
func Execute() int {
	ctx, stop := signalContext()
	defer stop()
	go func() {
		// After the first Ctrl-C, restore the default handling so a second
		// one ends a command that does not stop by itself.
		<-ctx.Done()
		stop()
	}()
	f := &Factory{Streams: output.System(), Getenv: os.Getenv}
	root := NewCmdRoot(f)
	err := root.ExecuteContext(ctx)
	if f.stopTimeout != nil {
		f.stopTimeout()
	}
	if err == nil {
		return ExitOK
	}
	err = f.commandTimedOut(err)
	if ctx.Err() != nil {
		return reportInterrupted(f.Streams, err)
	}
	if output.IsBrokenPipe(err) {
		return ExitOK // the reader went away (| head): end quietly
	}
	return report(f.Streams, err, f.reportContext())
}

// reportInterrupted says once that Ctrl-C ended the command, and whether
// a request it sent may still have been applied.
func reportInterrupted(s *output.Streams, err error) int {
	var applied *graph.MaybeAppliedError
	if errors.As(err, &applied) {
		s.Errorf("interrupted: %s", applied.Note())
	} else {
		s.Errorf("interrupted")
	}
	return ExitInterrupted
}

// reportError prints err (unless silent) and returns its exit code.
func reportError(s *output.Streams, err error, scopes []string) int {
	return report(s, err, reportContext{scopes: scopes})
}

// report prints err (unless silent) with a hint naming the fix, and
// returns its exit code.
func report(s *output.Streams, err error, rc reportContext) int {
	code := exitCode(err)
	var ee *exitError
	if errors.As(err, &ee) && ee.Silent {
		return code
	}
	s.Errorf("%s", errorLine(err, rc))
	if hint := errorHint(err, rc); hint != "" {
		fmt.Fprintf(output.SafeWriter{W: s.ErrOut}, "hint: %s\n", graph.RedactCredentials(hint))
	}
	if isCobraUsage(err) {
		fmt.Fprintln(s.ErrOut, "Run with --help for usage.")
	}
	return code
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "provctl",
		Short: "Trigger and report Microsoft Entra ID provisioning on demand",
		Long: `provctl triggers provisioning on demand for one user or group in an Entra ID
enterprise app (Box, Salesforce, Slack, any SCIM app) and reports the outcome:
whether the account was created or updated in the target app, and if not,
which step failed and why.

Data goes to stdout (table, JSON or YAML); messages and progress go to stderr.
Exit codes mean one thing each: see "provctl help exit-codes".`,
		Example: `  $ provctl login
  $ provctl provision run --sp Box --user adele@contoso.com
  $ provctl provision poll --sp Box --job BoxOutDelta --wait -o json
  $ provctl emulator --env-file /tmp/emu.env &   # offline Graph + Entra ID`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := rejectEmptyFlags(cmd); err != nil {
			return err
		}
		f.boundCommand(cmd)
		return nil
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	root.SetOut(f.Streams.Out)
	root.SetErr(f.Streams.ErrOut)

	pf := root.PersistentFlags()
	pf.StringVarP(&f.Output, "output", "o", "", "output format: table, json or yaml (default table; PROVCTL_OUTPUT)")
	pf.StringVar(&f.JQ, "jq", "", "filter JSON output with a jq expression")
	pf.BoolVar(&f.NoColor, "no-color", false, "disable color (also NO_COLOR)")
	pf.BoolVar(&f.Debug, "debug", false, "trace HTTP on stderr (secrets redacted)")
	pf.StringVar(&f.APIVersion, "api-version", "", "Graph API version: beta or v1.0 (default beta)")
	pf.StringVar(&f.Cloud, "cloud", "", "cloud: global, usgov, usgovdod or china (PROVCTL_CLOUD)")
	pf.StringVar(&f.Tenant, "tenant", "", "tenant id or domain (PROVCTL_TENANT, default organizations)")
	pf.StringVar(&f.ConfigFile, "config", "", "config file (default <config dir>/config.yaml)")
	pf.String("command-timeout", "", "give up on a command without --wait after this long (default 2m; PROVCTL_COMMAND_TIMEOUT)")
	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion("table", "json", "yaml"))
	_ = root.RegisterFlagCompletionFunc("api-version", fixedCompletion("beta", "v1.0"))
	_ = root.RegisterFlagCompletionFunc("cloud", fixedCompletion("global", "usgov", "usgovdod", "china"))

	root.AddCommand(
		NewCmdProvision(f),
		NewCmdEmulator(),
		NewCmdVersion(f),
		newHelpTopic("exit-codes", "What provctl's exit codes mean", exitCodesHelp()),
		newHelpTopic("environment", "Environment variables provctl reads", environmentHelp()),
	)
	for _, add := range extraCommands {
		root.AddCommand(add(f))
	}
	return root
}

// groupCommand is a command that only holds subcommands: an unknown
// subcommand is a usage error (exit 2), never help with exit 0.
func groupCommand(c *cobra.Command) *cobra.Command {
	c.Args = cobra.ArbitraryArgs
	c.FParseErrWhitelist.UnknownFlags = true
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErr(fmt.Errorf("unknown command %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath()))
		}
		return cmd.Help()
	}
	return c
}

// extraCommands lets command groups in other files register themselves.
var extraCommands []func(*Factory) *cobra.Command

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// runContext is the command's context (cancelled on Ctrl-C).
func runContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
