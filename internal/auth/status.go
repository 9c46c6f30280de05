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

// Verify checks the sign-in the current configuration selects with the
// authority: it asks for a new access token now, silently, as a command
// would when its token runs out — redeeming the refresh token even while
// a cached access token is still valid, because a revoked sign-in is only
// found by using it. App-only modes present their credential (or ask the
// managed identity endpoint). A static token has no authority to ask: it
// is described from its claims. The returned TokenSource hands out the
// token just obtained without another request. Not being signed in, or a
// sign-in the authority refused, is an *Error.
func Verify(ctx context.Context, cfg Config) (*StatusInfo, TokenSource, error) {
	src, err := newSource(cfg, nil)
	if err != nil {
		return nil, nil, err
	}
	info, err := src.status(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	if info.Scopes == nil {
		info.Scopes = []string{}
	}
	return info, src, nil
}

// Status is Verify without the token source.
func Status(ctx context.Context, cfg Config) (*StatusInfo, error) {
	info, _, err := Verify(ctx, cfg)
	return info, err
}

// CachedStatus describes the sign-in from what is stored and configured,
// sending no request (`auth status --offline`): the cached access token's
// expiry and scopes for a signed-in user, the settings for app-only modes,
// the claims of a static token. It cannot tell a revoked sign-in from a
// good one. Not being signed in is an *Error.
func CachedStatus(ctx context.Context, cfg Config) (*StatusInfo, error) {
	src, err := newSource(cfg, nil)
	if err != nil {
		return nil, err
	}
	info, err := src.cached(ctx)
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
