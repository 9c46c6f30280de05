// Package auth supplies access tokens for Microsoft Graph: a static token,
// MSAL public-client (device code) sign-in with a persistent cache, or
// app-only sign-in (secret, certificate, federated assertion).
//
// Nothing in this package prints, logs or returns tokens, secrets, device
// codes or client assertions; errors from the authority are rebuilt from the
// OAuth error fields and scrubbed (see errors.go).
package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Config is everything auth needs, resolved by cmd from flags, environment
// and config file. Env is consulted for secrets that never come from flags.
//
// For silent (device-code mode) tokens, Tenant and ClientID that are empty
// or the defaults ("organizations", DefaultClientID) mean "not given": the
// tenant and client id remembered by `provctl login` are used. Empty AuthorityHost/GraphURL are
// taken from Cloud (default global).
type Config struct {
	Tenant        string // tenant id or domain; default "organizations"
	ClientID      string // app (client) id; default DefaultClientID
	AuthorityHost string // e.g. https://login.microsoftonline.com
	GraphURL      string // e.g. https://graph.microsoft.com (scope resource)
	Cloud         string // cloud name, informational
	ConfigDir     string // holds the token cache and account.json
	HTTPClient    *http.Client
	Env           func(string) string // os.Getenv in production; nil = empty environment
	Warn          func(msg string)    // optional: non-fatal problems (cache, permissions) for stderr; msg has no "warning:" prefix
	// Origin says where cmd got a setting (key "tenant", "client-id" or
	// "authority-host"): "--tenant", "PROVCTL_TENANT", "tenant in config
	// file …", or "" for a default. nil: not known (see appidentity.go).
	Origin func(key string) string
	// ManagedIdentity selects managed identity sign-in when no credential
	// variable is set: "system", or a user-assigned identity's client id
	// (setting managed-identity, PROVCTL_MANAGED_IDENTITY; managedidentity.go).
	ManagedIdentity string

	files *fileHooks // tests only: failing cache writes (tests run as root)
}

// DefaultClientID is the public "Microsoft Graph Command Line Tools" app.
const DefaultClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// defaultTenant lets any work or school account sign in.
const defaultTenant = "organizations"

// ErrNotSignedIn means no usable credentials were found. Every "run
// `provctl login`" error of this package matches it with errors.Is.
var ErrNotSignedIn = errors.New("not signed in: run `provctl login`, or set PROVCTL_ACCESS_TOKEN (see `provctl help environment`)")

// Error is an authentication failure; cmd maps it to exit code 4.
type Error struct {
	Err error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// TokenSource returns bearer tokens; it satisfies graph.TokenSource.
type TokenSource interface {
	// Token returns an access token. refresh=true means Graph refused the
	// last token (401): bypass the cached token once and get a fresh one,
	// silently.
	Token(ctx context.Context, refresh bool) (string, error)
}

// NewTokenSource picks the sign-in mode (design.md §7) for the given
// delegated scopes (short names like "Synchronization.Read.All"; nil means
// DefaultScopes). App-only modes always ask for <GraphURL>/.default. It does
// no I/O against the authority: failures surface from Token.
func NewTokenSource(cfg Config, scopes []string) (TokenSource, error) {
	return newSource(cfg, scopes)
}

// source is a TokenSource that can also describe itself for `auth status`.
type source interface {
	TokenSource
	// status gets a token and describes the sign-in; fresh asks the
	// authority for a new token even when a cached one is still valid.
	status(ctx context.Context, fresh bool) (*StatusInfo, error)
	// cached describes the sign-in without any request.
	cached(ctx context.Context) (*StatusInfo, error)
}

func newSource(cfg Config, scopes []string) (source, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	switch mode := SelectMode(cfg); mode {
	case ModeStatic:
		return newStaticSource(cfg), nil
	case ModeFederated, ModeGitHubOIDC, ModeCertificate, ModeSecret:
		return newAppSource(cfg, mode)
	case ModeManagedIdentity:
		return newManagedIdentitySource(cfg)
	default:
		return newPublicSource(cfg, scopes), nil
	}
}

// resolve fills defaults that do not depend on the cache: the hosts from
// the cloud, a non-nil Env, and trailing slashes trimmed.
func (c Config) resolve() (Config, error) {
	if c.Env == nil {
		c.Env = func(string) string { return "" }
	}
	if c.AuthorityHost == "" || c.GraphURL == "" {
		cloud, err := LookupCloud(c.Cloud)
		if err != nil {
			return c, err
		}
		if c.AuthorityHost == "" {
			c.AuthorityHost = cloud.AuthorityHost
		}
		if c.GraphURL == "" {
			c.GraphURL = cloud.GraphURL
		}
	}
	c.AuthorityHost = strings.TrimRight(c.AuthorityHost, "/")
	c.GraphURL = strings.TrimRight(c.GraphURL, "/")
	// The cloud is named by its hosts: overridden ones (emulator, proxy)
	// are "custom", so status never claims "global" for them.
	c.Cloud = cloudName(c.AuthorityHost, c.GraphURL)
	return c, nil
}

// env reads a variable with surrounding whitespace removed.
func (c Config) env(name string) string {
	if c.Env == nil {
		return ""
	}
	return strings.TrimSpace(c.Env(name))
}

// warn reports a non-fatal problem, if anyone listens.
func (c Config) warn(msg string) {
	if c.Warn != nil {
		c.Warn(msg)
	}
}
