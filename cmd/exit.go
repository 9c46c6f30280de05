package cmd

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/provision"
)

// Exit codes: a contract. Their meanings are in the table in facts.go, from
// which docs/exit-codes.md and `provctl help exit-codes` are made.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitFailed      = 3
	ExitAuth        = 4
	ExitPending     = 5
	ExitSkipped     = 6
	ExitInterrupted = 130
)

// exitError carries an exit code; Silent ones have already said everything
// (e.g. the outcome was printed) and print no extra message.
type exitError struct {
	Code   int
	Err    error
	Silent bool
	// CommandLine marks a usage error in the command line itself (an
	// unknown command or flag, a missing required flag, a bad flag value):
	// the report adds "Run with --help for usage.".
	CommandLine bool
}

func (e *exitError) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}
func (e *exitError) Unwrap() error { return e.Err }

// usageErr marks bad input detected before anything was sent.
func usageErr(err error) error { return &exitError{Code: ExitUsage, Err: err} }

// commandLineErr marks an error in the command line's shape (cobra's flag,
// argument and required-flag errors, unknown commands) as a usage error whose
// report points at --help. An error that already carries an exit code keeps it.
func commandLineErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{Code: ExitUsage, Err: err, CommandLine: true}
}

// requireFlags marks flags as required, as cobra's MarkFlagRequired does
// (help and completion know), and checks them before RunE so that a missing
// one is a command-line usage error whether or not the command runs under
// the root (tests run commands alone).
func requireFlags(c *cobra.Command, names ...string) {
	for _, n := range names {
		_ = c.MarkFlagRequired(n)
	}
	pre := c.PreRunE
	c.PreRunE = func(cmd *cobra.Command, args []string) error {
		if err := cmd.ValidateRequiredFlags(); err != nil {
			return commandLineErr(err)
		}
		if pre != nil {
			return pre(cmd, args)
		}
		return nil
	}
}

// isCommandLineErr reports whether err is a command-line usage error.
func isCommandLineErr(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.Code == ExitUsage && ee.CommandLine
}

// outcomeExit maps a printed outcome state to its exit code.
func outcomeExit(s provision.State) error {
	switch s {
	case provision.StateSuccess, provision.StateWarning:
		return nil
	case provision.StateFailure:
		return &exitError{Code: ExitFailed, Silent: true}
	case provision.StateSkipped:
		return &exitError{Code: ExitSkipped, Silent: true}
	}
	return &exitError{Code: ExitPending, Silent: true}
}

// exitCode is the one place that turns an error into an exit code.
func exitCode(err error) int {
	var ee *exitError
	var ae *auth.Error
	var setting *auth.SettingError
	var ge *graph.Error
	var ue *provision.UsageError
	var amb *provision.AmbiguousError
	var inv *graph.InvalidIDError
	var local *graph.LocalError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &setting):
		// A file a setting names that cannot work here (an unreadable
		// certificate): nothing was sent, signing in again would not help.
		return ExitUsage
	case errors.As(err, &ae):
		return ExitAuth
	case errors.As(err, &ue), errors.As(err, &amb), errors.As(err, &inv):
		return ExitUsage
	case errors.As(err, &local):
		// A setting provctl cannot send (a token with a line break, port
		// 99999): nothing was sent, and only fixing the setting helps.
		return ExitUsage
	case errors.As(err, &ge):
		if ge.StatusCode == http.StatusUnauthorized || ge.StatusCode == http.StatusForbidden {
			return ExitAuth
		}
		return ExitError
	case errors.As(err, new(*graph.NetworkError)), errors.As(err, new(*graph.DecodeError)):
		return ExitError
	}
	return ExitError
}

// reportContext is what the error report needs to name a fix: the
// permissions the command asked for, the sign-in mode (which says where the
// token came from) and where each setting came from.
type reportContext struct {
	scopes   []string
	mode     auth.Mode // "" when unknown
	settings Settings  // zero when settings were not resolved
}

// reportContext is gathered after the command ran.
func (f *Factory) reportContext() reportContext {
	rc := reportContext{scopes: f.scopes, settings: f.settings}
	if f.Getenv != nil {
		rc.mode = auth.SelectMode(auth.Config{Env: f.Getenv})
	}
	return rc
}

// errorLine is the text of the final "error:" line: the error, with the
// setting named when the error is about one, and credentials masked
// whatever layer the text came from.
func errorLine(err error, rc reportContext) string {
	msg := err.Error()
	var local *graph.LocalError
	if errors.As(err, &local) && local.Kind == graph.LocalToken {
		msg = tokenSource(rc.mode) + ": " + msg
	}
	return graph.RedactCredentials(msg)
}

// tokenSource names where the token came from in each sign-in mode.
func tokenSource(mode auth.Mode) string {
	switch mode {
	case auth.ModeStatic:
		return "PROVCTL_ACCESS_TOKEN"
	case auth.ModeDeviceCode:
		return "the signed-in token (provctl login)"
	case "":
		return "the access token's source"
	}
	return "the app-only token (" + string(mode) + " sign-in)"
}

// errorHint adds the fix to errors whose message alone does not name it.
// The error line itself keeps Graph's code, message and request-id: for a
// 401, "Access token is empty." and "Lifetime validation failed" call for
// different fixes, so the hint never replaces them.
func errorHint(err error, rc reportContext) string {
	var refused *graph.TokenRefusedError
	if errors.As(err, &refused) && refused.Refresh != nil {
		// The token source knows the fix (sign in again, replace
		// PROVCTL_ACCESS_TOKEN, …).
		return refused.Refresh.Error()
	}
	var local *graph.LocalError
	if errors.As(err, &local) {
		if local.Kind == graph.LocalToken {
			if rc.mode == auth.ModeStatic {
				return "remove the line break from PROVCTL_ACCESS_TOKEN (e.g. export PROVCTL_ACCESS_TOKEN=\"$(… | tr -d '\\r\\n')\")"
			}
			return "sign in again (`provctl login`, or check the app-only credentials)"
		}
		return "check the port of the Graph URL (" + rc.settings.Source("graph-url") + ") and of HTTPS_PROXY"
	}
	var ge *graph.Error
	if errors.As(err, &ge) {
		switch ge.StatusCode {
		case http.StatusUnauthorized:
			return unauthorizedHint(rc)
		case http.StatusForbidden:
			need := "Synchronization.Read.All (reads), Synchronization.ReadWrite.All (run, start, pause, restart), AuditLog.Read.All and Directory.Read.All (logs)"
			if len(rc.scopes) > 0 {
				need = strings.Join(rc.scopes, ", ")
			}
			return "the signed-in identity lacks a permission or role. This command needs the Graph permissions " + need +
				" (application permissions for app-only sign-in, with admin consent); a signed-in user also needs the Application Administrator or Cloud Application Administrator role"
		}
	}
	if errors.Is(err, provision.ErrWaitTimeout) {
		return "raise --timeout, or poll again later"
	}
	return networkHint(err, rc)
}

// networkHint names the settings behind a connection that failed before
// Graph could answer: an untrusted certificate, nothing listening, or a
// name that does not resolve.
func networkHint(err error, rc reportContext) string {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var dns *net.DNSError
	graphURL := rc.settings.Source("graph-url")
	switch {
	case errors.As(err, &unknownCA):
		return "the server's certificate is not signed by a CA this machine trusts: behind a TLS-inspecting proxy, or with the emulator, set PROVCTL_CA_FILE to its CA certificate (PEM), e.g. the emulator's ca.pem"
	case errors.As(err, &hostname):
		return "the server's certificate is for another name: check the Graph URL (" + graphURL + ") and --cloud"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing answers at that address: check the Graph URL (" + graphURL + ") and --cloud; is the emulator running? (a proxy: HTTPS_PROXY, NO_PROXY)"
	case errors.As(err, &dns):
		return "the host name does not resolve: check the Graph URL (" + graphURL + "), --cloud, and HTTPS_PROXY"
	}
	return ""
}

// unauthorizedHint blames the token's actual source: only a static token
// came from PROVCTL_ACCESS_TOKEN.
func unauthorizedHint(rc reportContext) string {
	switch rc.mode {
	case auth.ModeStatic:
		return "the token in PROVCTL_ACCESS_TOKEN was refused: get a fresh one, or unset it and run `provctl login`"
	case auth.ModeDeviceCode:
		return "the token was refused: run `provctl login` again"
	case auth.ModeSecret, auth.ModeCertificate, auth.ModeFederated:
		return "the app-only token was refused: check that PROVCTL_TENANT, PROVCTL_CLIENT_ID and the Graph URL (" +
			rc.settings.Source("graph-url") + ") name the same tenant and cloud"
	}
	return "the token was refused: run `provctl login` again, or check PROVCTL_ACCESS_TOKEN"
}

// ExitCodeOf is the exit code provctl gives for err (for tests and tools
// that run the command tree in-process).
func ExitCodeOf(err error) int { return exitCode(err) }
