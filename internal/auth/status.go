package auth

import (
	"context"
	"time"
)

// StatusInfo describes the current sign-in for `provctl auth status`. It
// never contains a token.
type StatusInfo struct {
	Mode          Mode      `json:"mode"`
	Account       string    `json:"account,omitempty"` // user name; empty for app-only
	Tenant        string    `json:"tenant,omitempty"`
	Cloud         string    `json:"cloud"`
	ClientID      string    `json:"clientId,omitempty"`
	AuthorityHost string    `json:"authorityHost"`
	ExpiresOn     time.Time `json:"expiresOn,omitzero"` // of the current access token
	Scopes        []string  `json:"scopes"`
	CacheFile     string    `json:"cacheFile,omitempty"` // device-code mode only
	Sources       *Sources  `json:"sources,omitempty"`   // app-only modes: where the values came from
}

// Status reports the sign-in the current configuration selects, getting
// (and if needed silently refreshing) a token to prove it works. Not being
// signed in is an *Error.
func Status(ctx context.Context, cfg Config) (*StatusInfo, error) {
	src, err := newSource(cfg, nil)
	if err != nil {
		return nil, err
	}
	info, err := src.status(ctx)
	if err != nil {
		return nil, err
	}
	if info.Scopes == nil {
		info.Scopes = []string{}
	}
	return info, nil
}

// AccessToken returns a token for other tools (`provctl auth token`), by
// the same rules as NewTokenSource.
func AccessToken(ctx context.Context, cfg Config, scopes []string) (string, error) {
	src, err := newSource(cfg, scopes)
	if err != nil {
		return "", err
	}
	return src.Token(ctx, false)
}
