package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// modeVariables name the variable that selects each non-interactive mode.
var modeVariables = map[auth.Mode]string{
	auth.ModeStatic:      "PROVCTL_ACCESS_TOKEN",
	auth.ModeFederated:   "AZURE_FEDERATED_TOKEN_FILE",
	auth.ModeCertificate: "PROVCTL_CLIENT_CERTIFICATE",
	auth.ModeSecret:      "PROVCTL_CLIENT_SECRET",
}

// LoginOptions are the inputs of `login`.
type LoginOptions struct {
	Scopes   []string
	Timeout  time.Duration
	Browser  bool   // --browser: authorization code with PKCE on a loopback redirect
	Identity string // --identity: "system" or a user-assigned identity's client id ("" off)

	Config  auth.Config
	Streams *output.Streams
	Setting identitySetting        // where the managed-identity setting lives
	OpenURL func(url string) error // --browser's opener (BROWSER, else the system's)
}

// NewCmdLogin builds `login`.
func NewCmdLogin(f *Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{}
	var clientID string
	var identity bool
	c := &cobra.Command{
		Use:   "login [--browser | --identity] [--tenant T] [--client-id ID] [--cloud C] [--scope S]... [--timeout D]",
		Short: "Sign in (device code, browser or managed identity)",
		Long: `Sign in as a user with the device-code flow: provctl prints a code and a URL on
stderr; open the URL in any browser, enter the code and sign in. The sign-in
is cached (<config dir>/msal_token_cache.json, 0600) and later commands get
tokens from it silently until it expires or is revoked; they never prompt.

--browser signs in in a browser instead (authorization code with PKCE; the
browser comes back to provctl on http://localhost). provctl starts the
browser BROWSER names (commands separated by ":", %s for the URL), else the
system's; when none starts, it prints the URL on stderr to open by hand. The
sign-in lands in the same cache.

By default provctl asks for every permission it uses (Synchronization.ReadWrite.All,
AuditLog.Read.All, Directory.Read.All); --scope asks for only the given ones.
--tenant and --client-id given here apply to later commands too.

--identity signs in as the managed identity of the Azure resource provctl
runs on (VM, App Service, Functions, Container Apps, AKS): the
system-assigned one, or with --client-id a user-assigned one. provctl gets a
token to prove it works, then writes managed-identity to the config file so
later commands use the identity (as "az login --identity" does); its tokens
stay in memory. "provctl logout", or a user's "provctl login", forgets it.

Scripts and CI do not need login: set PROVCTL_ACCESS_TOKEN, PROVCTL_CLIENT_SECRET,
PROVCTL_CLIENT_CERTIFICATE, AZURE_FEDERATED_TOKEN_FILE or PROVCTL_MANAGED_IDENTITY
instead (see "provctl help environment").`,
		Example: `  $ provctl login
  $ provctl login --browser
  $ provctl login --tenant contoso.onmicrosoft.com --scope Synchronization.Read.All   # real tenant only
  $ provctl login --cloud usgov --timeout 5m   # real tenant only
  $ provctl login --identity
  $ provctl login --identity --client-id a4c6e8f0-2b4d-4c6e-9f1a-3b5d7f9a1c2e   # user-assigned`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Timeout < 0 {
				return usageErr(fmt.Errorf("--timeout must not be negative, got %s", opts.Timeout))
			}
			if identity {
				id, err := identityFlag(clientID)
				if err != nil {
					return err
				}
				opts.Identity = id
			}
			var err error
			if opts.Config, err = f.AuthConfig(cmd); err != nil {
				return err
			}
			if opts.Setting, err = f.identitySetting(cmd); err != nil {
				return err
			}
			opts.Streams = f.Streams
			opts.OpenURL = auth.OpenBrowser(f.Getenv, nil, f.Streams.ErrOut)
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return loginRun(runContext(cmd), opts)
		},
	}
	// Read by the settings (flag > PROVCTL_CLIENT_ID > config file); with
	// --identity, the user-assigned identity instead.
	c.Flags().StringVar(&clientID, "client-id", "", "app (client) id of a public client app registration (PROVCTL_CLIENT_ID); with --identity, of a user-assigned managed identity")
	c.Flags().StringSliceVar(&opts.Scopes, "scope", nil, "delegated Graph permission to ask for, e.g. Synchronization.Read.All (repeatable)")
	durationFlag(c.Flags(), &opts.Timeout, "timeout", 0, "give up after this long (default: when the code expires; 15m with --browser, 2m with --identity)")
	c.Flags().BoolVar(&opts.Browser, "browser", false, "sign in in a browser (authorization code with PKCE) instead of with a device code")
	c.Flags().BoolVar(&identity, "identity", false, "sign in as this Azure resource's managed identity (user-assigned: with --client-id)")
	c.MarkFlagsMutuallyExclusive("browser", "identity")
	c.MarkFlagsMutuallyExclusive("identity", "scope")
	return c
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	if opts.Identity != "" {
		return identityLoginRun(ctx, opts)
	}
	warnOtherMode(opts)
	var acct *auth.Account
	var err error
	if opts.Browser {
		acct, err = auth.LoginBrowser(ctx, opts.Config, opts.Scopes, opts.OpenURL, browserPrompt(ctx, opts.Streams))
	} else {
		acct, err = auth.Login(ctx, opts.Config, opts.Scopes, func(dc auth.DeviceCode) {
			msg := dc.Message
			if msg == "" {
				msg = fmt.Sprintf("To sign in, open %s and enter the code %s.", dc.VerificationURL, dc.UserCode)
			}
			fmt.Fprintln(opts.Streams.ErrOut, output.Sanitize(msg))
			if !dc.ExpiresOn.IsZero() {
				wait, why := time.Until(dc.ExpiresOn), "the code expires"
				if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
					wait, why = time.Until(deadline), "--timeout ends the wait"
				}
				fmt.Fprintf(opts.Streams.ErrOut, "Waiting for sign-in (%s in %s; Ctrl-C to cancel)...\n", why, durationText(wait))
			}
		})
	}
	if err != nil {
		return err
	}
	who := acct.Username
	if who == "" {
		who = acct.HomeAccountID
	}
	tenant := acct.TenantID
	if tenant == "" {
		tenant = acct.Tenant
	}
	fmt.Fprintf(opts.Streams.ErrOut, "Signed in as %s (tenant %s).\n", output.Sanitize(who), output.Sanitize(tenant))
	forgetIdentity(opts.Setting, opts.Streams, "Later commands use this sign-in, not the managed identity")
	return nil
}

// LogoutOptions are the inputs of `logout`.
type LogoutOptions struct {
	Config  auth.Config
	Streams *output.Streams
	Setting identitySetting // a managed identity `login --identity` chose is forgotten too
}

// NewCmdLogout builds `logout`.
func NewCmdLogout(f *Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{}
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget cached accounts and tokens",
		Long: `Remove every cached account and token from the token cache and forget the
signed-in account. Works offline; running it twice is fine. It does not
revoke the refresh token at Entra ID (an admin can, with "Revoke sessions").`,
		Example: `  $ provctl logout`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Config, err = f.AuthConfig(cmd); err != nil {
				return err
			}
			if opts.Setting, err = f.identitySetting(cmd); err != nil {
				return err
			}
			opts.Streams = f.Streams
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return logoutRun(runContext(cmd), opts)
		},
	}
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	if err := auth.Logout(ctx, opts.Config); err != nil {
		return err
	}
	fmt.Fprintln(opts.Streams.ErrOut, "Signed out: cached accounts and tokens removed.")
	forgetIdentity(opts.Setting, opts.Streams, "Later commands no longer sign in as the managed identity")
	cfg := opts.Config
	if opts.Setting.inConfigFile() {
		cfg.ManagedIdentity = ""
	}
	if mode := auth.SelectMode(cfg); mode != auth.ModeDeviceCode {
		opts.Streams.Warnf("%s is still set: commands keep using %s sign-in", modeVariable(mode), mode)
	}
	return nil
}

// NewCmdAuth builds the `auth` command group.
func NewCmdAuth(f *Factory) *cobra.Command {
	c := groupCommand(&cobra.Command{Use: "auth", Short: "Inspect the sign-in and get tokens",
		Example: "  $ provctl auth status\n  $ provctl auth token | other-tool --token-stdin"})
	c.AddCommand(NewCmdAuthStatus(f, nil), NewCmdAuthToken(f, nil))
	return c
}

// AuthStatusOptions are the inputs of `auth status`.
type AuthStatusOptions struct {
	Offline bool // --offline: describe what is stored, send nothing

	// AuthorityBound and GraphBound bound each side of the check, so that
	// a silent one is named rather than the whole command timing out.
	AuthorityBound time.Duration
	GraphBound     time.Duration

	Config  auth.Config
	Streams *output.Streams
	Printer *output.Printer
	// Graph is the Graph API signed in with the given (verified) tokens.
	Graph func(tokens auth.TokenSource) (provision.GraphAPI, error)
}

// authStatusBound is each side's bound: the authority's (a refresh's grace
// included) and Graph's.
const authStatusBound = 20 * time.Second

// NewCmdAuthStatus builds `auth status`.
func NewCmdAuthStatus(f *Factory, runF func(context.Context, *AuthStatusOptions) error) *cobra.Command {
	opts := &AuthStatusOptions{}
	c := &cobra.Command{
		Use:   "status [--offline]",
		Short: "Check the sign-in with the authority and Graph: mode, account, tenant, expiry",
		Long: `Show the sign-in the current settings select: mode (static, federated,
github-oidc, certificate, secret, managed-identity or device-code), account,
tenant, cloud, client id, authority, when the access token expires and its
scopes, and check that it works, as a command would use it:

  - the authority is asked for a new token now, silently: the refresh token
    of "provctl login" is redeemed even while a cached access token is still
    valid (a revoked sign-in is only found by using it), and app-only modes
    present their credential;
  - Graph is asked for its own service principal: any answer but 401 means
    it accepts the token (no permission beyond the commands' own is needed).

Each side has 20 s (a refresh of "provctl login" 10 s to answer and 10 s
more to be saved); one that does not answer in time is named. The token is
never shown. "check" in JSON says how each part went: ok, failed or
skipped (a static token has no authority to ask).

Exits 0 when the sign-in works, 4 when it does not (not signed in, expired,
revoked, refused), with the fix: run "provctl login", or check the variable
that selects an app-only mode. A network failure, or Graph failing
(5xx) or not answering, exits 1.

--offline describes what is stored (account, cached token expiry, scopes)
without any request; it cannot tell a revoked sign-in from a good one.`,
		Example: `  $ provctl auth status
  $ provctl auth status --offline
  $ provctl auth status -o json --jq .check`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Config, err = f.AuthConfig(cmd); err != nil {
				return err
			}
			opts.Streams = f.Streams
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			opts.Graph = func(tokens auth.TokenSource) (provision.GraphAPI, error) {
				return f.graphWith(cmd, tokens, scopeSyncRead)
			}
			opts.AuthorityBound, opts.GraphBound = authStatusBound, authStatusBound
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return authStatusRun(runContext(cmd), opts)
		},
	}
	c.Flags().BoolVar(&opts.Offline, "offline", false, "describe the stored sign-in without any request (cannot tell a revoked one)")
	return c
}

// authStatus is the data of `auth status`: the sign-in (every key always
// there, null when unknown) and how it was checked.
type authStatus struct {
	auth.StatusJSON
	Check authStatusCheck `json:"check"`
}

// authStatusCheck says how each part of the check went: ok, failed or
// skipped, and in words why a part failed (for the table; the error on
// stderr says it in full).
type authStatusCheck struct {
	Authority string `json:"authority"` // a new token from the authority, now
	Graph     string `json:"graph"`     // Graph accepted the token
	forbidden bool   // Graph accepted it but refused to list service principals

	authorityWhy string // "the authority (https://…) did not answer within 10s"
	graphWhy     string // "did not accept the token", "failed: …"
}

func authStatusRun(ctx context.Context, opts *AuthStatusOptions) error {
	if opts.Offline {
		info, err := auth.CachedStatus(ctx, opts.Config)
		if err != nil {
			return err
		}
		return printAuthStatus(ctx, opts, info, authStatusCheck{Authority: checkSkipped, Graph: checkSkipped})
	}
	info, tokens, err := verifyWithin(ctx, opts.Config, boundOr(opts.AuthorityBound))
	if err != nil {
		// Show what is remembered and that the check failed; the error
		// (stderr) names the fix.
		check := authStatusCheck{Authority: checkFailed, Graph: checkSkipped}
		var timeout *answerTimeoutError
		if errors.As(err, &timeout) {
			check.authorityWhy = timeout.who + " did not answer within " + durationText(timeout.within)
		} else if !tokenRefused(err) {
			check.authorityWhy = "the sign-in could not be checked (the error says why)"
		}
		printCachedOnFailure(ctx, opts, check)
		return err
	}
	check := authStatusCheck{Authority: checkOK, Graph: checkOK}
	if info.Mode == auth.ModeStatic {
		check.Authority = checkSkipped
	}
	g, err := opts.Graph(tokens)
	if err != nil {
		return err
	}
	probe, err := probeGraphWithin(ctx, g, boundOr(opts.GraphBound))
	if err != nil {
		check.Graph = checkFailed
		check.graphWhy = graphFailure(err)
		if perr := printAuthStatus(ctx, opts, info, check); perr != nil {
			return perr
		}
		var timeout *answerTimeoutError
		if !tokenRefused(err) && !errors.As(err, &timeout) && ctx.Err() == nil {
			err = fmt.Errorf("asking Graph failed, so the token was not checked: %w", err)
		}
		return err
	}
	check.forbidden = probe.Forbidden
	return printAuthStatus(ctx, opts, info, check)
}

func boundOr(d time.Duration) time.Duration {
	if d <= 0 {
		return authStatusBound
	}
	return d
}

// probeGraphWithin is probeGraph bounded: a Graph that does not answer
// is named, with the bound, instead of the command's own timeout.
func probeGraphWithin(ctx context.Context, g provision.GraphAPI, bound time.Duration) (graphProbe, error) {
	gctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	probe, err := probeGraph(gctx, g)
	if err != nil && !errors.Is(ctx.Err(), context.Canceled) && errors.Is(gctx.Err(), context.DeadlineExceeded) {
		return probe, &answerTimeoutError{who: "Graph (GET servicePrincipals)", within: bound,
			what: "try again; check the network (HTTPS_PROXY, NO_PROXY) and the Graph URL (PROVCTL_GRAPH_URL, --cloud)"}
	}
	return probe, err
}

// graphFailure says in words why Graph's part of the check failed: only a
// 401 is a verdict on the token; a 5xx or silence says nothing about it.
func graphFailure(err error) string {
	var timeout *answerTimeoutError
	var ge *graph.Error
	switch {
	case errors.As(err, &timeout):
		return "Graph did not answer within " + durationText(timeout.within) + ": the token was not checked"
	case tokenRefused(err):
		return "Graph did not accept the token"
	case errors.As(err, &ge):
		text := fmt.Sprintf("Graph failed (HTTP %d", ge.StatusCode)
		if ge.RequestID != "" {
			text += ", request-id " + ge.RequestID
		}
		return text + "): the token was not checked"
	}
	return "Graph could not be asked: the token was not checked"
}

// printCachedOnFailure prints the stored view with a failed check, when
// there is one (a sign-in that was never made has none).
func printCachedOnFailure(ctx context.Context, opts *AuthStatusOptions, check authStatusCheck) {
	cfg := opts.Config
	cfg.Warn = nil // Verify already warned about the same files
	if info, err := auth.CachedStatus(ctx, cfg); err == nil {
		_ = printAuthStatus(ctx, opts, info, check)
	}
}

func printAuthStatus(ctx context.Context, opts *AuthStatusOptions, info *auth.StatusInfo, check authStatusCheck) error {
	return opts.Printer.PrintContext(ctx, authStatus{info.JSON(), check}, authStatusView{info: info, check: check, now: time.Now()})
}

// authStatusView shows StatusInfo as "Name: value" lines. The lines a
// person looks for (Token expires) are always there, "unknown" with the
// reason when the value is.
type authStatusView struct {
	info  *auth.StatusInfo
	check authStatusCheck
	now   time.Time
}

func (v authStatusView) View() []output.Section {
	i := v.info
	s := output.Section{}
	add := func(name, val string, style output.Style) {
		if val != "" {
			s.Fields = append(s.Fields, output.Field{Name: name, Value: output.Cell{Text: val, Style: style}})
		}
	}
	add("Mode", string(i.Mode), output.Bold)
	add("Account", i.Account, output.Plain)
	add("Tenant", i.Tenant, output.Plain)
	add("Cloud", i.Cloud, output.Plain)
	add("Client ID", i.ClientID, output.Muted)
	add("Authority", i.AuthorityHost, output.Muted)
	add("Set by", i.Sources.Text(), output.Muted)
	if i.ExpiresOn.IsZero() {
		add("Token expires", "unknown: "+unknownExpiry(i.Mode, v.check), output.Muted)
	} else {
		at := i.ExpiresOn.Local().Truncate(time.Second).Format(time.RFC3339)
		left := i.ExpiresOn.Sub(v.now)
		text, style := fmt.Sprintf("%s (in %s)", at, durationText(left)), output.Success
		if left <= 0 {
			text, style = fmt.Sprintf("%s (expired)", at), output.Failure
		} else if left < 10*time.Minute {
			style = output.Warning
		}
		add("Token expires", text, style)
	}
	add("Scopes", strings.Join(i.Scopes, " "), output.Plain)
	add("Cache", i.CacheFile, output.Muted)
	text, style := v.check.text(i.Mode)
	add("Checked", text, style)
	return []output.Section{s}
}

// unknownExpiry says why the token's expiry is not known.
func unknownExpiry(mode auth.Mode, check authStatusCheck) string {
	switch {
	case mode == auth.ModeStatic:
		return "PROVCTL_ACCESS_TOKEN is not a JWT with an expiry (exp)"
	case mode == auth.ModeDeviceCode:
		return "no access token is cached; the next command gets one with the refresh token"
	case check.Authority == checkSkipped:
		return "app-only tokens are kept in memory only (run without --offline)"
	}
	return "no token was issued"
}

// text says in words how the sign-in was checked.
func (c authStatusCheck) text(mode auth.Mode) (string, output.Style) {
	issuer := "the authority"
	if mode == auth.ModeManagedIdentity {
		issuer = "the managed identity endpoint"
	}
	switch {
	case c.Authority == checkSkipped && c.Graph == checkSkipped:
		return "not checked (--offline): what is stored, which a revoked sign-in still shows", output.Muted
	case c.Authority == checkFailed && c.authorityWhy != "":
		return c.authorityWhy, output.Failure
	case c.Authority == checkFailed:
		return issuer + " did not issue a new token", output.Failure
	case c.Graph == checkFailed && c.graphWhy != "":
		return c.graphWhy, output.Failure
	case c.Graph == checkFailed:
		return "Graph did not accept the token", output.Failure
	}
	text := issuer + " issued a new token just now; Graph accepted it"
	if c.Authority == checkSkipped {
		text = "Graph accepted the token (a static token has no authority to ask)"
	}
	if c.forbidden {
		return text + ", but refused this sign-in to read service principals (see provctl doctor)", output.Warning
	}
	return text, output.Success
}

// durationText is a short, human duration: 30s, 4m30s, 45m, 2h05m, 3d
// (doctor's wording, so the two commands say a time the same way).
func durationText(d time.Duration) string { return doctor.HumanDuration(d) }

// AuthTokenOptions are the inputs of `auth token`.
type AuthTokenOptions struct {
	Scopes []string

	Config  auth.Config
	Streams *output.Streams
}

// NewCmdAuthToken builds `auth token`.
func NewCmdAuthToken(f *Factory, runF func(context.Context, *AuthTokenOptions) error) *cobra.Command {
	opts := &AuthTokenOptions{}
	c := &cobra.Command{
		Use:   "token [--scope S]...",
		Short: "Print an access token for Microsoft Graph",
		Long: `Print an access token for Microsoft Graph on stdout, for other tools such as
curl. It is a secret: whoever has it can act as you until it expires. The
token comes from the same sign-in as every other command (silent; never a
prompt). App-only modes always return a token for <graph>/.default.`,
		Example: `  $ curl -H "Authorization: Bearer $(provctl auth token)" https://graph.microsoft.com/v1.0/me`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Config, err = f.AuthConfig(cmd); err != nil {
				return err
			}
			opts.Streams = f.Streams
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return authTokenRun(runContext(cmd), opts)
		},
	}
	c.Flags().StringSliceVar(&opts.Scopes, "scope", nil, "delegated Graph permission the token must carry (default: those of the login)")
	return c
}

func authTokenRun(ctx context.Context, opts *AuthTokenOptions) error {
	tok, err := auth.AccessToken(ctx, opts.Config, opts.Scopes)
	if err != nil {
		return err
	}
	if opts.Streams.StdoutTTY {
		opts.Streams.Warnf("this access token is a secret: do not paste it into chats, tickets or logs")
	}
	_, err = fmt.Fprintln(opts.Streams.Out, tok)
	return err
}
