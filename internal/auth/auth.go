// Package auth supplies access tokens for Microsoft Graph: a static token,
// MSAL public-client (device code) sign-in with a persistent cache, or
// app-only sign-in (secret, certificate, federated assertion).
package auth

import (
	"context"
	"errors"
	"net/http"
)

// Config is everything auth needs, resolved by cmd from flags, environment
// and config file. Env is consulted for secrets that never come from flags.
type Config struct {
	Tenant        string // tenant id or domain; default "organizations"
	ClientID      string // app (client) id; default DefaultClientID
	AuthorityHost string // e.g. https://login.microsoftonline.com
	GraphURL      string // e.g. https://graph.microsoft.com (for the app-only .default scope)
	Cloud         string // cloud name, informational
	ConfigDir     string // holds the token cache
	HTTPClient    *http.Client
	Env           func(string) string // os.Getenv in production
}

// DefaultClientID is the public "Microsoft Graph Command Line Tools" app.
const DefaultClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// ErrNotSignedIn means no usable credentials were found.
var ErrNotSignedIn = errors.New("not signed in: run `provctl login`, or set PROVCTL_ACCESS_TOKEN (see `provctl help environment`)")

// Error is an authentication failure; cmd maps it to exit code 4.
type Error struct {
	Err error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// TokenSource returns bearer tokens; it satisfies graph.TokenSource.
type TokenSource interface {
	Token(ctx context.Context, refresh bool) (string, error)
}

// NewTokenSource picks the sign-in mode (design.md §7) for the given scopes.
func NewTokenSource(cfg Config, scopes []string) (TokenSource, error) {
	if tok := cfg.Env("PROVCTL_ACCESS_TOKEN"); tok != "" {
		return staticToken(tok), nil
	}
	return nil, &Error{Err: ErrNotSignedIn}
}

type staticToken string

func (s staticToken) Token(ctx context.Context, refresh bool) (string, error) {
	if refresh {
		return "", &Error{Err: errors.New("the token in PROVCTL_ACCESS_TOKEN was refused: get a fresh one, or unset it and run `provctl login`")}
	}
	return string(s), nil
}
