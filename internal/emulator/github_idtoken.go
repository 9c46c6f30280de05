package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// The stand-in for GitHub Actions' OIDC token service. In a job with
// `permissions: id-token: write`, GitHub sets ACTIONS_ID_TOKEN_REQUEST_URL
// (a URL that already has a query, api-version=2.0) and
// ACTIONS_ID_TOKEN_REQUEST_TOKEN; a GET of the URL plus "&audience=…" with
// "Authorization: bearer <request token>" answers {"count": n, "value":
// "<JWT>"}, an RS256 token from https://token.actions.githubusercontent.com
// whose sub names the repository and ref. The emulator serves the same at
// githubTokenPath (the env file exports the URL and the request token as
// PROVCTL_EMULATOR_GITHUB_TOKEN_URL and PROVCTL_EMULATOR_GITHUB_REQUEST_TOKEN),
// and its token endpoint accepts the JWT as the client assertion of an app
// whose federated credential names that issuer, subject and audience
// (entra_assertion.go checks signature, iss, sub, aud and exp).
//
// Emulator only: a subject parameter replaces the sub, to play a job of
// another branch; when the URL holds several audience parameters the first
// counts (as url.Values.Get reads it), to play a token for another audience.

const (
	githubTokenPath = "/_emulator/github/idtoken"
	githubIssuerURL = "https://token.actions.githubusercontent.com"
	githubSubject   = "repo:contoso/provisioning:ref:refs/heads/main"
	// githubTokenLifetime is about what GitHub gives its OIDC tokens.
	githubTokenLifetime = 5 * time.Minute
	// secretGitHubRequestToken is the secretLog kind of the request token.
	secretGitHubRequestToken = "github_request_token"
)

// githubIssuer holds the request token the emulator hands out and the
// identity of its signing key.
type githubIssuer struct {
	requestToken string
	kid          string
}

func newGitHubIssuer() *githubIssuer {
	return &githubIssuer{requestToken: randomToken(32), kid: randomToken(8)}
}

// githubRSAKey is made once per process, like appRSAKey (RSA key
// generation is slow); tokens are still bound to their emulator by kid.
var githubRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// githubTokenURL is what the env file exports as the request URL.
func (s *Server) githubTokenURL() string {
	return s.url + githubTokenPath + "?api-version=2.0"
}

// serveGitHubIDToken answers GET githubTokenPath.
func (s *Server) serveGitHubIDToken(w http.ResponseWriter, r *http.Request) {
	g := s.federated.github
	s.secrets.add(secretGitHubRequestToken, g.requestToken)
	tok, err := bearerToken(r.Header.Get("Authorization"))
	if err != nil || subtle.ConstantTimeCompare([]byte(tok), []byte(g.requestToken)) != 1 {
		s.secrets.add(secretGitHubRequestToken, tok)
		writeJSON(w, http.StatusUnauthorized, "application/json; charset=utf-8", map[string]string{"message": "Bad credentials"})
		return
	}
	q := r.URL.Query()
	audience := q.Get("audience")
	if audience == "" {
		audience = "https://github.com/contoso" // GitHub's default: the repository owner
	}
	jwt, err := g.mint(nameOr(q.Get("subject"), githubSubject), audience, s.clock.now())
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, "application/json; charset=utf-8", map[string]string{"message": "cannot sign: " + err.Error()})
		return
	}
	s.secrets.add(secretFederatedToken, jwt)
	writeJSON(w, http.StatusOK, "application/json; charset=utf-8", map[string]any{"count": len(jwt), "value": jwt})
}

// mint returns an RS256 token shaped like GitHub's.
func (g *githubIssuer) mint(subject, audience string, now time.Time) (string, error) {
	key, err := githubRSAKey()
	if err != nil {
		return "", err
	}
	claims := map[string]any{
		"jti":                newGUID(),
		"sub":                subject,
		"aud":                audience,
		"ref":                "refs/heads/main",
		"ref_type":           "branch",
		"repository":         "contoso/provisioning",
		"repository_owner":   "contoso",
		"event_name":         "workflow_dispatch",
		"workflow":           "provision",
		"runner_environment": "github-hosted",
		"iss":                githubIssuerURL,
		"iat":                now.Unix(),
		"nbf":                now.Unix(),
		"exp":                now.Add(githubTokenLifetime).Unix(),
	}
	header := map[string]any{"typ": "JWT", "alg": "RS256", "kid": g.kid}
	in := encodeSegment(header) + "." + encodeSegment(claims)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// verify checks an RS256 token of this emulator's stand-in.
func (g *githubIssuer) verify(t *jwt) bool {
	key, err := githubRSAKey()
	if err != nil {
		return false
	}
	kid, _ := t.header["kid"].(string)
	return kid == g.kid && t.verify(&key.PublicKey)
}

// federatedSignatureValid checks a federated assertion's signature: RS256
// from the GitHub stand-in, else ES256 from the control API's issuer
// (POST /_emulator/federated-token).
func (s *Server) federatedSignatureValid(t *jwt) bool {
	if alg, _ := t.header["alg"].(string); alg == "RS256" {
		return s.federated.github.verify(t)
	}
	return t.verify(&s.federated.key.PublicKey)
}
