package auth

import (
	"context"
	"encoding/json"
	"time"
)

// StatusInfo describes the current sign-in for `provctl auth status`. It
// never contains a token. Its JSON is StatusJSON: every field always
// there, null when unknown.
type StatusInfo struct {
	Mode          Mode
	Account       string // user name; empty for app-only
	Tenant        string
	Cloud         string
	ClientID      string
	AuthorityHost string
	ExpiresOn     time.Time // of the current access token; zero when unknown
	Scopes        []string
	CacheFile     string   // device-code mode only
	Sources       *Sources // app-only modes: where the values came from
}

// StatusJSON is the JSON of StatusInfo, a contract (docs/auth.md): the same
// keys in every mode, online or --offline, a value that is not known (an
// app's account, the expiry of a token that is not a JWT, a cache file
// outside device-code mode) null; times RFC 3339 in UTC at whole seconds.
type StatusJSON struct {
	Mode          Mode         `json:"mode"`
	Account       *string      `json:"account"`
	Tenant        *string      `json:"tenant"`
	Cloud         string       `json:"cloud"`
	ClientID      *string      `json:"clientId"`
	AuthorityHost string       `json:"authorityHost"`
	ExpiresOn     *string      `json:"expiresOn"`
	Scopes        []string     `json:"scopes"`
	CacheFile     *string      `json:"cacheFile"`
	Sources       *SourcesJSON `json:"sources"`
}

// SourcesJSON is Sources with every key present: null where the value is
// the default.
type SourcesJSON struct {
	ClientID      *string `json:"clientId"`
	Tenant        *string `json:"tenant"`
	Credential    *string `json:"credential"`
	AuthorityHost *string `json:"authorityHost"`
}

// JSON is the stable form of i.
func (i *StatusInfo) JSON() StatusJSON {
	j := StatusJSON{
		Mode:          i.Mode,
		Account:       nullable(i.Account),
		Tenant:        nullable(i.Tenant),
		Cloud:         i.Cloud,
		ClientID:      nullable(i.ClientID),
		AuthorityHost: i.AuthorityHost,
		Scopes:        i.Scopes,
		CacheFile:     nullable(i.CacheFile),
	}
	if !i.ExpiresOn.IsZero() {
		j.ExpiresOn = nullable(StatusTime(i.ExpiresOn))
	}
	if j.Scopes == nil {
		j.Scopes = []string{}
	}
	if s := i.Sources; s != nil {
		j.Sources = &SourcesJSON{ClientID: nullable(s.ClientID), Tenant: nullable(s.Tenant),
			Credential: nullable(s.Credential), AuthorityHost: nullable(s.AuthorityHost)}
	}
	return j
}

// MarshalJSON writes StatusJSON.
func (i *StatusInfo) MarshalJSON() ([]byte, error) { return json.Marshal(i.JSON()) }

// StatusTime is how status shows a time: RFC 3339 in UTC at whole seconds,
// whether it came from the authority's answer (which has nanoseconds) or
// from the cache file (whole seconds).
func StatusTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
