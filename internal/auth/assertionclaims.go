package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// assertionClaims are the claims of a federated assertion that Entra ID
// matches against the app's federated credentials. They are not secret
// (GitHub documents them: repo:OWNER/REPO:ref:refs/heads/BRANCH), so an
// error may show them; the assertion itself never.
type assertionClaims struct {
	Issuer   string
	Subject  string
	Audience string
}

// readAssertionClaims decodes (does not verify) a JWT's payload; nil when
// it is not a JWT.
func readAssertionClaims(jwt string) *assertionClaims {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var c struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Aud any    `json:"aud"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return nil
	}
	aud, _ := c.Aud.(string)
	if list, ok := c.Aud.([]any); ok && len(list) > 0 {
		aud, _ = list[0].(string)
	}
	return &assertionClaims{Issuer: clip(c.Iss), Subject: clip(c.Sub), Audience: clip(aud)}
}

// clip keeps a claim printable in one line of an error.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// federatedCredentialCodes are Entra's answers when no federated
// credential of the app matches the assertion (AADSTS70021 and the
// issuer, audience and subject variants).
var federatedCredentialCodes = []int{70021, 700211, 700212, 700213}

// federatedHint completes a refused federated sign-in with the fix: the
// federated credential the app registration needs for this token.
func federatedHint(o oauthError, clientID string, c *assertionClaims) string {
	matched := false
	for _, code := range federatedCredentialCodes {
		matched = matched || o.hasCode(code)
	}
	if !matched {
		return ""
	}
	if c == nil {
		return fmt.Sprintf("; the app registration %s has no federated credential that matches the token: check its issuer, subject and audience", clientID)
	}
	return fmt.Sprintf("; the app registration %s has no federated credential for this token: add one (Certificates & secrets > Federated credentials) with issuer %s, subject %s and audience %s",
		clientID, orUnknown(c.Issuer), orUnknown(c.Subject), orUnknown(c.Audience))
}

func orUnknown(s string) string {
	if s == "" {
		return "(none in the token)"
	}
	return s
}
