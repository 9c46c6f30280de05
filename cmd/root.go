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
	f := NewFactory(output.System(), os.Getenv)
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
	if isCommandLineErr(err) {
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
  $ provctl provision run --sp Box --user adele@contoso.test
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
		f.guardStderr()
		f.boundCommand(cmd)
		// cobra checks these after this hook, with plain errors: check
		// them first so that they are usage errors.
		if err := cmd.ValidateRequiredFlags(); err != nil {
			return commandLineErr(err)
		}
		return commandLineErr(cmd.ValidateFlagGroups())
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return commandLineErr(err) })
	root.SetOut(f.Streams.Out)
	root.SetErr(f.Streams.ErrOut)

	pf := root.PersistentFlags()
	pf.StringVarP(&f.Output, "output", "o", "", "output format: table, json, jsonl or yaml (default table; PROVCTL_OUTPUT)")
	pf.StringVar(&f.JQ, "jq", "", "filter JSON output with a jq expression")
	pf.BoolVar(&f.NoColor, "no-color", false, "disable color (also NO_COLOR)")
	pf.BoolVar(&f.NoHeaders, "no-headers", false, "leave the header row out of tables")
	pf.BoolVar(&f.Debug, "debug", false, "trace HTTP on stderr (secrets redacted)")
	pf.StringVar(&f.APIVersion, "api-version", "", "Graph API version: beta or v1.0 (default beta)")
	pf.StringVar(&f.Cloud, "cloud", "", "cloud: global, usgov, usgovdod or china (PROVCTL_CLOUD)")
	pf.StringVar(&f.Tenant, "tenant", "", "tenant id or domain (PROVCTL_TENANT, default organizations)")
	pf.StringVar(&f.ConfigFile, "config", "", "config file (default <config dir>/config.yaml)")
	pf.String("command-timeout", "", "give up on a command without --wait after this long (default 2m; PROVCTL_COMMAND_TIMEOUT)")
	pf.Bool("refresh", false, "resolve names from Graph again instead of the resolution cache (PROVCTL_RESOLVE_CACHE_TTL)")
	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion("table", "json", "jsonl", "yaml"))
	_ = root.RegisterFlagCompletionFunc("api-version", fixedCompletion("beta", "v1.0"))
	_ = root.RegisterFlagCompletionFunc("cloud", fixedCompletion("global", "usgov", "usgovdod", "china"))

	root.AddCommand(
		NewCmdProvision(f),
		NewCmdSP(f),
		NewCmdJob(f),
		NewCmdLogin(f, nil),
		NewCmdLogout(f, nil),
		NewCmdAuth(f),
		NewCmdConfig(f),
		NewCmdDoctor(f, nil),
		NewCmdEmulator(f, nil),
		NewCmdVersion(f, nil),
		newHelpTopic("exit-codes", "What provctl's exit codes mean", exitCodesHelp()),
		newHelpTopic("environment", "Environment variables provctl reads", environmentHelp()),
	)
	typeUsageErrors(root)
	registerDynamicCompletion(root, f)
	return root
}

// typeUsageErrors makes every positional-argument error of the tree a
// command-line usage error (exit 2), cobra's own commands (completion, help)
// included: the root rejects unknown commands itself, and each Args
// validator's plain error is wrapped.
func typeUsageErrors(root *cobra.Command) {
	root.Args = rootArgs
	if root.SuggestionsMinimumDistance <= 0 {
		root.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor does not apply
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	keepUnknownHelpTopic(root)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if args := c.Args; args != nil {
			c.Args = func(cmd *cobra.Command, a []string) error { return commandLineErr(args(cmd, a)) }
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// rootArgs rejects an unknown command, with cobra's words and suggestions.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := ""
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = "\n\nDid you mean this?\n"
		for _, name := range s {
			hint += fmt.Sprintf("\t%v\n", name)
		}
	}
	return commandLineErr(fmt.Errorf("unknown command %q for %q%s", args[0], cmd.CommandPath(), hint))
}

// keepUnknownHelpTopic keeps `provctl help NOPE` saying "Unknown help
// topic": with root.Args set, cobra's help command finds the root for it.
func keepUnknownHelpTopic(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() != "help" || c.Run == nil {
			continue
		}
		run := c.Run
		c.Run = func(cmd *cobra.Command, args []string) {
			if target, rest, _ := root.Find(args); target == root && len(rest) > 0 {
				cmd.Printf("Unknown help topic %#q\n", args)
				cobra.CheckErr(root.Usage())
				return
			}
			run(cmd, args)
		}
	}
}

// groupCommand is a command that only holds subcommands: an unknown
// subcommand is a usage error (exit 2), never help with exit 0.
func groupCommand(c *cobra.Command) *cobra.Command {
	c.Args = cobra.ArbitraryArgs
	c.FParseErrWhitelist.UnknownFlags = true
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return commandLineErr(fmt.Errorf("unknown command %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath()))
		}
		return cmd.Help()
	}
	return c
}

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
