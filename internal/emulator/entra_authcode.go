package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// authCodeLifetime is how long an authorization code can be redeemed
// (Entra's codes live about ten minutes).
const authCodeLifetime = 10 * time.Minute

// secretAuthCode and secretCodeVerifier are secretRecord kinds.
const (
	secretAuthCode     = "authorization_code"
	secretCodeVerifier = "code_verifier"
)

// authCode is one code issued by /authorize: what it was asked with, and
// whom it signs in.
type authCode struct {
	clientID    string
	redirectURI string
	challenge   string // PKCE S256 code_challenge
	nonce       string // echoed in the ID token
	scopes      []string
	user        *tenant.User
	expires     time.Time
	used        bool
}

// authCodes holds the codes issued; the zero value is ready to use.
type authCodes struct {
	mu    sync.Mutex
	codes map[string]*authCode
}

func (a *authCodes) add(c *authCode) string {
	code := "emu." + randomToken(48)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.codes == nil {
		a.codes = map[string]*authCode{}
	}
	for k, old := range a.codes { // forget codes long expired
		if time.Since(old.expires) > time.Hour {
			delete(a.codes, k)
		}
	}
	a.codes[code] = c
	return code
}

// redeem marks a code used and returns it with whether it had been used
// before; nil for a code never issued.
func (a *authCodes) redeem(code string) (c authCode, found, usedBefore bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.codes[code]
	if p == nil {
		return authCode{}, false, false
	}
	usedBefore = p.used
	p.used = true
	return *p, true, usedBefore
}

// authorizationCodeGrant redeems a code from /authorize: one use, before
// it expires, by the client it was issued to, with the same redirect_uri
// and a code_verifier whose S256 hash is the code_challenge.
func (e *entraReq) authorizationCodeGrant() {
	code, clientID := e.formValue("code"), e.formValue("client_id")
	verifier, redirect := e.formValue("code_verifier"), e.formValue("redirect_uri")
	e.s.secrets.add(secretAuthCode, code)
	e.s.secrets.add(secretCodeVerifier, verifier)
	if code == "" {
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.")
		return
	}
	c, found, used := e.s.codes.redeem(code)
	switch {
	case !found:
		e.fail(http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.")
	case used:
		e.fail(http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !e.s.clock.now().Before(c.expires):
		e.fail(http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	case c.clientID != clientID:
		e.fail(http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid. The code was issued to a different client.")
	case c.redirectURI != redirect:
		e.fail(http.StatusBadRequest, "invalid_grant", 500112, fmt.Sprintf(
			"The reply address '%s' does not match the reply address '%s' provided when requesting Authorization code.", redirect, c.redirectURI))
	case verifier == "":
		e.fail(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'code_verifier'.")
	case subtle.ConstantTimeCompare([]byte(pkceS256(verifier)), []byte(c.challenge)) != 1:
		e.fail(http.StatusBadRequest, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.")
	default:
		scopes := c.scopes
		if asked := strings.Fields(e.formValue("scope")); len(asked) > 0 {
			scopes = asked
		}
		var claims map[string]any
		if c.nonce != "" {
			claims = map[string]any{"nonce": c.nonce}
		}
		e.issueUserTokens(c.user, clientID, scopes, claims)
	}
}

// pkceS256 is the S256 code challenge of a verifier (RFC 7636).
func pkceS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
