package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/emulator"
)

// EmulatorOptions are the inputs of `provctl emulator`.
type EmulatorOptions struct {
	emulator.Options
	Quiet bool

	Stderr io.Writer // the banner and, unless Quiet, the request log
}

// NewCmdEmulator builds `provctl emulator`: a local Microsoft Graph and
// Entra ID for trying provctl and testing scripts offline. It runs until
// interrupted, so its run function watches SIGINT/SIGTERM itself.
func NewCmdEmulator(f *Factory, runF func(context.Context, *EmulatorOptions) error) *cobra.Command {
	opts := &EmulatorOptions{}
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Run a local Microsoft Graph and Entra ID for trying and testing offline",
		Long: `Run an in-memory Microsoft Graph and Entra ID over TLS on this machine.

It serves what provctl uses: sign-in (device code, refresh, client secret,
certificate and federated credentials), service principals, synchronization
jobs and their schema, job start/pause/restart, provisionOnDemand, the
apply. outcome resource and provisioning logs. It is seeded with a tenant
(Contoso) whose Box job succeeds, Salesforce Sandbox job is quarantined and
Slack job skips, so every command has something real to act on.

--env-file writes the variables that point provctl at the emulator (Graph URL,
authority, tenant, CA file, a ready token and an app registration); source it
in another shell. Device codes are approved on the page at /devicelogin, or
automatically with --auto-approve. Tests steer it through /_emulator/ (faults,
outcomes, token expiry): see docs/emulator.md.

It runs until interrupted (Ctrl-C or SIGTERM).`,
		Example: `  $ provctl emulator --env-file /tmp/emu.env
  $ . /tmp/emu.env && PROVCTL_ACCESS_TOKEN=$PROVCTL_EMULATOR_TOKEN provctl sp list
  $ provctl emulator --addr 127.0.0.1:0 --env-file /tmp/emu.env --auto-approve 2s
  $ provctl emulator --tenant-file ./tenant.json --token-lifetime 5m
  $ provctl emulator --profile real --log-lag 3s
  $ provctl emulator --rate-limit 5/1s --tenant-file bench/testdata/tenant-bulk.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := emulator.CheckProfile(opts.Profile); err != nil {
				return usageErr(fmt.Errorf("--profile: %w", err))
			}
			if opts.LogLag < 0 {
				return usageErr(fmt.Errorf("--log-lag %s is negative", opts.LogLag))
			}
			if _, _, err := emulator.ParseRateLimit(opts.RateLimit); err != nil {
				return usageErr(fmt.Errorf("--rate-limit: %w", err))
			}
			// An explicit --log-lag 0 means none, even for the real profile.
			opts.LogLagSet = cmd.Flags().Changed("log-lag")
			opts.Stderr = f.Streams.ErrOut
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return emulatorRun(runContext(cmd), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8443", "address to listen on (port 0 picks a free port)")
	fl.StringVar(&opts.EnvFile, "env-file", "", "write export lines for a shell to this file (mode 0600)")
	fl.StringVar(&opts.TenantFile, "tenant-file", "", "JSON tenant seed replacing the built-in tenant")
	fl.DurationVar(&opts.AutoApprove, "auto-approve", 0, "approve device codes automatically after this delay (0: use /devicelogin)")
	fl.DurationVar(&opts.TokenLifetime, "token-lifetime", time.Hour, "lifetime of access tokens")
	fl.StringVar(&opts.Dir, "dir", "", "directory for ca.pem and the app certificate (default: the env file's directory, else a temporary one)")
	fl.StringVar(&opts.Profile, "profile", emulator.ProfileSeed, "behaviour to imitate: seed (the apply. resource answers, logs appear at once) or real (apply. answers 400, on-demand log entries appear after --log-lag)")
	fl.DurationVar(&opts.LogLag, "log-lag", 0, "delay before an on-demand run's provisioning-log entries are listed (default: none for seed, 20s for real)")
	fl.StringVar(&opts.RateLimit, "rate-limit", emulator.DefaultRateLimit, "provisionOnDemand calls admitted per job: N/D for N calls in any window D (1-1000 per 100ms-1h), or off")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not log each request on stderr")
	return cmd
}

// emulatorRun serves until ctx ends or SIGINT/SIGTERM arrives, then closes.
func emulatorRun(ctx context.Context, opts *EmulatorOptions) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	stderr := opts.Stderr
	if !opts.Quiet {
		opts.Log = stderr
	}
	srv, err := emulator.Start(opts.Options)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "provctl emulator: Microsoft Graph and Entra ID at %s\n", srv.URL())
	fmt.Fprintf(stderr, "  CA certificate: %s\n", srv.CAFile())
	if opts.EnvFile != "" {
		fmt.Fprintf(stderr, "  environment:    source %s\n", opts.EnvFile)
	} else {
		fmt.Fprintln(stderr, "  environment:    run with --env-file F, then source F")
	}
	if opts.AutoApprove > 0 {
		fmt.Fprintf(stderr, "  sign-in:        device codes are approved after %s\n", opts.AutoApprove)
	} else {
		fmt.Fprintf(stderr, "  sign-in:        approve device codes at %s/devicelogin\n", srv.URL())
	}
	fmt.Fprintln(stderr, "Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintln(stderr, "provctl emulator: stopping")
	return srv.Close()
}
