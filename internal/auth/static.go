package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// staticSource hands out PROVCTL_ACCESS_TOKEN as is: no MSAL, no cache.
type staticSource struct {
	cfg   Config
	token string
}

func newStaticSource(cfg Config) *staticSource {
	return &staticSource{cfg: cfg, token: cfg.env(envAccessToken)}
}

// Token returns the token; there is nothing to refresh it with, so a
// refresh request means Graph refused it.
func (s *staticSource) Token(_ context.Context, refresh bool) (string, error) {
	if refresh {
		return "", &Error{Err: errors.New("the token in PROVCTL_ACCESS_TOKEN was refused: get a fresh one, or unset it and run `provctl login`")}
	}
	return s.token, nil
}

// status is cached: a static token has no authority to ask (Graph alone
// can say whether it still works).
func (s *staticSource) status(ctx context.Context, _ bool) (*StatusInfo, error) {
	return s.cached(ctx)
}

// cached reports what the token says about itself when it is a JWT
// (expiry, user, tenant, scopes); the signature is not checked, the values
// are informational only.
func (s *staticSource) cached(context.Context) (*StatusInfo, error) {
	c := jwtClaims(s.token)
	info := &StatusInfo{
		Mode:          ModeStatic,
		Account:       firstNonEmpty(c.PreferredUsername, c.UPN, c.UniqueName),
		Tenant:        c.TenantID,
		Cloud:         s.cfg.Cloud,
		ClientID:      firstNonEmpty(c.AppID, c.AZP),
		AuthorityHost: s.cfg.AuthorityHost,
		Scopes:        strings.Fields(c.Scope),
	}
	if len(info.Scopes) == 0 {
		info.Scopes = c.Roles
	}
	if c.Exp > 0 {
		info.ExpiresOn = time.Unix(c.Exp, 0)
		if time.Now().After(info.ExpiresOn) {
			return nil, &Error{Err: fmt.Errorf("the token in PROVCTL_ACCESS_TOKEN expired at %s: get a fresh one, or unset it and run `provctl login`", info.ExpiresOn.UTC().Format(time.RFC3339))}
		}
	}
	return info, nil
}

// claims are the JWT payload fields status shows.
type claims struct {
	Exp               int64    `json:"exp"`
	PreferredUsername string   `json:"preferred_username"`
	UPN               string   `json:"upn"`
	UniqueName        string   `json:"unique_name"`
	TenantID          string   `json:"tid"`
	AppID             string   `json:"appid"`
	AZP               string   `json:"azp"`
	Scope             string   `json:"scp"`
	Roles             []string `json:"roles"`
}

// jwtClaims decodes the payload of a JWT; zero claims for anything else.
func jwtClaims(token string) claims {
	var c claims
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return c
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c
	}
	_ = json.Unmarshal(payload, &c)
	return c
}
