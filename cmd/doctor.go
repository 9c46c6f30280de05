package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// DoctorOptions are the inputs of `doctor`. Everything the checks need is
// resolved by RunE; a setting that cannot be resolved is not an error here
// but the first failed line of the checklist.
type DoctorOptions struct {
	SP string // --sp: also ask the synchronization API about this service principal

	Settings    Settings
	SettingsErr error  // why the settings could not be resolved
	ConfigFile  string // the config file read or looked for ("" without a config folder)
	ConfigGiven bool   // ConfigFile is --config's, which must exist
	Getenv      func(string) string
	Auth        auth.Config
	AuthErr     error // why no sign-in configuration could be made
	// NewHTTP returns a new HTTP client, configured as every command's
	// (CA file, proxy, TLS), with no connection made yet: each probe
	// must show its own lookup, connection and handshake.
	NewHTTP func() (*http.Client, error)
	// Proxy is the transport's proxy choice (http.ProxyFromEnvironment).
	Proxy func(*http.Request) (*url.URL, error)
	// Graph is the Graph API signed in with the given (verified) tokens.
	Graph func(tokens auth.TokenSource) (provision.GraphAPI, error)
	Now   func() time.Time

	// SignInBound bounds the sign-in check in all (0: 15 s).
	SignInBound time.Duration

	Runner  doctor.Runner
	Streams *output.Streams
	Printer *output.Printer
}

// NewCmdDoctor builds `doctor`.
func NewCmdDoctor(f *Factory, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{}
	c := &cobra.Command{
		Use:   "doctor [--sp SP]",
		Short: "Check settings, network, clock, sign-in and permissions, naming the fix",
		Long: `Check, in order, everything a command needs, and say for each line ok,
warning, failed or skipped, with the fix:

  - the config file and the settings in effect, and where each came from
    (flag, environment variable, config file or default);
  - the CA certificates trusted (PROVCTL_CA_FILE, else the system's roots)
    and the proxy in effect (HTTPS_PROXY, NO_PROXY);
  - the authority and Graph: name lookup, TCP connection, TLS handshake
    (and which CA verified it) and an HTTPS answer;
  - this machine's clock against the server's (warning past 2 minutes,
    failed past 5, where tokens break);
  - the sign-in: its mode, a new token from the authority now (as
    "provctl auth status" gets it), the token's audience and lifetime, and
    its scopes (delegated) or roles (app-only) against what each command
    needs; the token itself is never shown;
  - that Graph accepts the token, and with --sp that the synchronization
    API answers for that service principal (its jobs).

The authority and tenant checked are those the sign-in uses: for app-only
sign-in, AZURE_AUTHORITY_HOST and AZURE_TENANT_ID win over the config file
and the defaults, as they do for the sign-in itself.

A check that needs another that did not pass is skipped, naming it: fix the
first failed line first. Each check is bounded (5 s; the sign-in 15 s in
all, of which a refresh of "provctl login" has 5 s to answer and up to 10 s
more to be saved), and all of them together by a minute. On a terminal,
stderr shows which check is running.

The checklist is the command's data: on stdout, as lines or with -o json
as an array of {check, status, detail, fix} (fix null when there is
nothing to fix). Exits 0 when no line failed (warnings allowed), 1 when one
did, 2 for bad flags, 130 when interrupted.`,
		Example: `  $ provctl doctor
  $ provctl doctor --sp Box
  $ provctl doctor -o json --jq '.[] | select(.status == "failed")'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("sp") {
				if err := validateRefs(opts.SP, ""); err != nil {
					return err
				}
			}
			var err error
			if opts.Printer, err = doctorPrinter(f, cmd); err != nil {
				return err
			}
			opts.Streams, opts.Getenv, opts.Now = f.Streams, f.Getenv, time.Now
			opts.ConfigFile, opts.ConfigGiven = doctorConfigFile(f), f.ConfigFile != ""
			opts.Settings, opts.SettingsErr = f.Settings(cmd)
			if opts.SettingsErr == nil {
				opts.Auth, opts.AuthErr = f.AuthConfig(cmd)
			}
			caFile := opts.Settings.CAFile
			var trace io.Writer
			if f.Debug {
				trace = output.SafeWriter{W: f.Streams.ErrOut}
			}
			opts.NewHTTP = func() (*http.Client, error) { return graph.NewHTTPClient(caFile, trace) }
			opts.Proxy = http.ProxyFromEnvironment
			opts.Graph = func(tokens auth.TokenSource) (provision.GraphAPI, error) {
				return f.graphWith(cmd, tokens, scopeSyncRead)
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return doctorRun(runContext(cmd), opts)
		},
	}
	c.Flags().StringVar(&opts.SP, "sp", "", "also check the synchronization API for this service principal (object id, appId or display name)")
	return c
}

// doctorPrinter is the command's printer. With settings that cannot be
// resolved (a bad config file) the checklist must still be printed, so
// the format then comes from -o alone.
func doctorPrinter(f *Factory, cmd *cobra.Command) (*output.Printer, error) {
	if _, err := f.Settings(cmd); err == nil {
		return f.Printer(cmd)
	}
	name := f.Output
	if name == "" {
		name = string(output.Table)
	}
	format, err := output.ParseFormat(name)
	if err != nil {
		return nil, usageErr(err)
	}
	if f.NoColor {
		f.Streams.DisableColor()
	}
	p, err := output.NewPrinter(f.Streams, format, f.JQ)
	if err != nil {
		return nil, usageErr(err)
	}
	return p, nil
}

// doctorConfigFile is the config file the settings read: --config, else
// config.yaml in the config folder ("" when there is no folder).
func doctorConfigFile(f *Factory) string {
	if f.ConfigFile != "" {
		return f.ConfigFile
	}
	dir, err := configDir(f.Getenv)
	if err != nil || dir == "" {
		return ""
	}
	return filepath.Join(dir, "config.yaml")
}

// doctorRun runs the checklist, prints it and exits 1 when a line failed.
func doctorRun(ctx context.Context, opts *DoctorOptions) error {
	runner := opts.Runner
	progress := startDoctorProgress(opts.Streams)
	defer progress.stop()
	if progress != nil {
		runner.Started = progress.started
		opts.Auth.Warn = progress.warn(opts.Auth.Warn)
	}
	results, err := runner.Run(ctx, doctorChecks(opts, &doctorState{}))
	progress.stop()
	if err != nil {
		return err // interrupted: the checklist is incomplete
	}
	if err := opts.Printer.PrintContext(ctx, results, doctorView(results)); err != nil {
		return err
	}
	if n := doctor.Count(results)[doctor.Failed]; n > 0 {
		return &exitError{Code: ExitError, Err: fmt.Errorf("%d of %d checks failed; each says how to fix it", n, len(results))}
	}
	return nil
}
