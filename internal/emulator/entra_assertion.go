package emulator

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// assertionError is why a client assertion was refused (an AADSTS code).
type assertionError struct {
	aadsts int
	msg    string
}

// verifyClientAssertion checks a client_assertion: either a certificate
// assertion signed by the app's registered certificate (iss = sub =
// client_id, PS256 or RS256, matched by x5t#S256 or x5t), or a federated
// token from an issuer the app trusts (the emulator's stand-in issuer).
func (s *Server) verifyClientAssertion(assertion, clientID, tenant string) *assertionError {
	t, err := parseJWT(assertion)
	if err != nil {
		return &assertionError{50027, "JWT token is invalid or malformed."}
	}
	if t.str("iss") == clientID {
		return s.verifyCertificateAssertion(t, clientID, tenant)
	}
	return s.verifyFederatedAssertion(t)
}

func (s *Server) verifyCertificateAssertion(t *jwt, clientID, tenant string) *assertionError {
	if !s.thumbprintMatches(t) {
		return &assertionError{700027, "The certificate with the identifier used to sign the client assertion is not registered on application " + clientID + "."}
	}
	if !t.verify(s.pki.appCert.PublicKey) {
		return &assertionError{700027, "Client assertion failed signature validation."}
	}
	if t.str("sub") != clientID {
		return &assertionError{700021, "Client assertion application identifier doesn't match 'client_id' parameter."}
	}
	if aud := t.str("aud"); !s.validAssertionAudience(aud, tenant) {
		return &assertionError{700027, fmt.Sprintf("Client assertion contains an invalid audience '%s'; expected the token endpoint.", aud)}
	}
	return s.checkAssertionTime(t)
}

// validAssertionAudience accepts the token endpoint (for the tenant in the
// path, the tenant id or its domain) or the tenant's issuer.
func (s *Server) validAssertionAudience(aud, tenant string) bool {
	tf := s.dir.File()
	for _, seg := range []string{tenant, tf.TenantID, tf.Domain} {
		if strings.EqualFold(aud, s.url+"/"+seg+"/oauth2/v2.0/token") {
			return true
		}
	}
	return aud == s.issuer()
}

// thumbprintMatches compares x5t#S256 (or x5t) with the app certificate's;
// MSAL sends standard base64 with padding, JOSE says base64url: take both.
func (s *Server) thumbprintMatches(t *jwt) bool {
	for header, want := range map[string][]byte{"x5t#S256": s.pki.appX5tS56, "x5t": s.pki.appX5tS1} {
		v, _ := t.header[header].(string)
		if v == "" {
			continue
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if got, err := enc.DecodeString(v); err == nil && bytes.Equal(got, want) {
				return true
			}
		}
	}
	return false
}

func (s *Server) verifyFederatedAssertion(t *jwt) *assertionError {
	iss := t.str("iss")
	var matches []tenant.FederatedCredential
	for _, fc := range s.app.federated {
		if fc.Issuer == iss {
			matches = append(matches, fc)
		}
	}
	if len(matches) == 0 {
		return &assertionError{700211, fmt.Sprintf("No matching federated identity record found for presented assertion issuer '%s'.", iss)}
	}
	if !s.federatedSignatureValid(t) {
		return &assertionError{700027, "Client assertion failed signature validation."}
	}
	sub := t.str("sub")
	var fc *tenant.FederatedCredential
	for i := range matches {
		if matches[i].Subject == sub {
			fc = &matches[i]
		}
	}
	if fc == nil {
		return &assertionError{700213, fmt.Sprintf("No matching federated identity record found for presented assertion subject '%s'.", sub)}
	}
	auds := t.audiences()
	ok := false
	for _, a := range auds {
		ok = ok || contains(fc.Audiences, a)
	}
	if !ok {
		return &assertionError{700212, fmt.Sprintf("No matching federated identity record found for presented assertion audience '%s'.", strings.Join(auds, ","))}
	}
	return s.checkAssertionTime(t)
}

// checkAssertionTime requires exp in the future and nbf not far ahead.
func (s *Server) checkAssertionTime(t *jwt) *assertionError {
	now := s.clock.now().Unix()
	exp, ok := t.num("exp")
	nbf, hasNbf := t.num("nbf")
	if !ok || now >= exp || (hasNbf && nbf > now+300) {
		return &assertionError{700024, fmt.Sprintf("Client assertion is not within its valid time range. Current time: %d, expiry time of assertion %d.", now, exp)}
	}
	return nil
}
