package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cached describes the remembered sign-in from account.json and the token
// cache file alone, without MSAL and without any request: `auth status
// --offline`. It reads the cached access token's expiry and scopes, never
// its value, and requires a refresh token for the account (without one no
// command can get a token silently).
func (s *publicSource) cached(ctx context.Context) (*StatusInfo, error) {
	acct, clientID, tenant, err := s.remembered()
	if err != nil {
		return nil, err
	}
	data, found, err := s.cache.read(ctx)
	switch {
	case err == nil && !found:
		return nil, notSignedIn(msgSignInExpired)
	case err == nil && len(strings.TrimSpace(string(data))) == 0:
		err = errEmpty
	}
	var doc cacheDocument
	if err == nil {
		if jerr := json.Unmarshal(data, &doc); jerr != nil {
			err = errNotJSON
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, notSignedIn(fmt.Sprintf("the token cache at %s is unreadable (%s): run `provctl login` to sign in again", s.cache.path, describeFileError(err)))
	}
	if !doc.hasRefreshToken(acct) {
		return nil, notSignedIn(msgSignInExpired)
	}
	info := &StatusInfo{
		Mode:          ModeDeviceCode,
		Account:       acct.Username,
		Tenant:        firstNonEmpty(acct.TenantID, tenant),
		Cloud:         s.cfg.Cloud,
		ClientID:      clientID,
		AuthorityHost: s.cfg.AuthorityHost,
		Scopes:        withoutOIDC(acct.Scopes),
		CacheFile:     s.cache.path,
	}
	if at, ok := doc.latestAccessToken(acct, clientID); ok {
		info.ExpiresOn = at.expiresOn
		info.Scopes = withoutOIDC(strings.Fields(at.Target))
	}
	return info, nil
}

// cacheDocument is the part of MSAL's cache file the offline status reads:
// which account holds which tokens until when. The token values ("secret")
// are not decoded.
type cacheDocument struct {
	AccessToken  map[string]cachedCredential `json:"AccessToken"`
	RefreshToken map[string]cachedCredential `json:"RefreshToken"`
}

// cachedCredential is one token entry of MSAL's cache format.
type cachedCredential struct {
	HomeAccountID string `json:"home_account_id"`
	Environment   string `json:"environment"`
	ClientID      string `json:"client_id"`
	Target        string `json:"target"`
	ExpiresOn     string `json:"expires_on"` // Unix seconds, as a string

	expiresOn time.Time
}

// belongs reports whether the entry is the remembered account's.
func (c cachedCredential) belongs(acct *Account) bool {
	return c.HomeAccountID == acct.HomeAccountID &&
		(acct.Environment == "" || strings.EqualFold(c.Environment, acct.Environment))
}

// hasRefreshToken reports whether the account has a refresh token. Family
// refresh tokens may carry another app's client id, so any of the
// account's counts.
func (d cacheDocument) hasRefreshToken(acct *Account) bool {
	for _, rt := range d.RefreshToken {
		if rt.belongs(acct) {
			return true
		}
	}
	return false
}

// latestAccessToken is the account's access token for the client that
// expires last.
func (d cacheDocument) latestAccessToken(acct *Account, clientID string) (cachedCredential, bool) {
	var best cachedCredential
	found := false
	for _, at := range d.AccessToken {
		if !at.belongs(acct) || !strings.EqualFold(at.ClientID, clientID) {
			continue
		}
		secs, err := strconv.ParseInt(at.ExpiresOn, 10, 64)
		if err != nil {
			continue
		}
		at.expiresOn = time.Unix(secs, 0)
		if !found || at.expiresOn.After(best.expiresOn) {
			best, found = at, true
		}
	}
	return best, found
}
