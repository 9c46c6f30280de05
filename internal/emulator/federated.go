package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"time"
)

// federatedIssuer stands in for an external OIDC issuer (e.g. GitHub
// Actions): the emulator mints its tokens for tests (POST
// /_emulator/federated-token) and trusts them as client assertions when the
// app has a matching federated credential.
type federatedIssuer struct {
	key    *ecdsa.PrivateKey
	kid    string
	github *githubIssuer // GitHub Actions' token service (github_idtoken.go)
}

func newFederatedIssuer() (*federatedIssuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &federatedIssuer{key: key, kid: randomToken(8), github: newGitHubIssuer()}, nil
}

// mint returns an ES256 token like a CI system's OIDC token.
func (f *federatedIssuer) mint(issuer, subject, audience string, now time.Time, lifetime time.Duration) (string, error) {
	claims := map[string]any{
		"iss": issuer, "sub": subject, "aud": audience,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(lifetime).Unix(),
		"jti": newGUID(),
	}
	return signES256(f.key, map[string]any{"typ": "JWT", "kid": f.kid}, claims)
}
