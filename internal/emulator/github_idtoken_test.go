package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// githubToken asks the stand-in for a token: the request URL plus
// "&audience=…" (and extra query), with the request token.
func (h *harness) githubToken(t *testing.T, extra, requestToken string) response {
	t.Helper()
	return h.call("GET", h.s.githubTokenURL()+"&audience="+url.QueryEscape("api://AzureADTokenExchange")+extra, nil,
		"Authorization", "bearer "+requestToken)
}

func claimsOf(t *testing.T, jwt string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20q", jwt)
	}
	for i, v := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, v) != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
	}
	return header, claims
}

func TestGitHubIDTokenEndpoint(t *testing.T) {
	h := start(t, Options{})
	g := h.s.federated.github
	r := h.githubToken(t, "", g.requestToken)
	wantStatus(t, r, 200)
	jwt, _ := r.body["value"].(string)
	if count, _ := r.body["count"].(float64); int(count) != len(jwt) {
		t.Errorf("count %v for a value of %d characters", r.body["count"], len(jwt))
	}
	header, claims := claimsOf(t, jwt)
	if header["alg"] != "RS256" || header["kid"] != g.kid {
		t.Errorf("header %v", header)
	}
	if claims["iss"] != "https://token.actions.githubusercontent.com" || claims["sub"] != "repo:contoso/provisioning:ref:refs/heads/main" ||
		claims["aud"] != "api://AzureADTokenExchange" || claims["exp"].(float64) <= float64(time.Now().Unix()) {
		t.Errorf("claims %v", claims)
	}
	// The request token is required, in the bearer scheme GitHub's runners use.
	for _, bad := range []string{"", "wrong", strings.ToUpper(g.requestToken)} {
		if r := h.githubToken(t, "", bad); r.status != 401 || strings.Contains(string(r.raw), "value") {
			t.Errorf("request token %q: %d %s", bad, r.status, r.raw)
		}
	}
	// Emulator only: another subject, and the first audience counts.
	_, claims = claimsOf(t, h.githubToken(t, "&subject=repo:contoso/provisioning:ref:refs/heads/dev", g.requestToken).body["value"].(string))
	if claims["sub"] != "repo:contoso/provisioning:ref:refs/heads/dev" {
		t.Errorf("subject override: %v", claims["sub"])
	}
	r = h.call("GET", h.s.githubTokenURL()+"&audience=api://Other&audience=api://AzureADTokenExchange", nil, "Authorization", "Bearer "+g.requestToken)
	if _, claims = claimsOf(t, r.body["value"].(string)); claims["aud"] != "api://Other" {
		t.Errorf("audience: %v", claims["aud"])
	}
	// The request token and the JWTs are known secrets.
	kinds := map[string]bool{}
	for _, s := range h.s.secrets.snapshot() {
		kinds[s.Kind+"="+s.Value] = true
	}
	if !kinds[secretGitHubRequestToken+"="+g.requestToken] || !kinds[secretFederatedToken+"="+jwt] {
		t.Error("request token or JWT missing from GET /_emulator/secrets")
	}
}

func TestGitHubIDTokenEnvFile(t *testing.T) {
	env := filepath.Join(t.TempDir(), "env")
	h := start(t, Options{EnvFile: env})
	data, err := os.ReadFile(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"export PROVCTL_EMULATOR_GITHUB_TOKEN_URL='" + h.s.URL() + "/_emulator/github/idtoken?api-version=2.0'\n",
		"export PROVCTL_EMULATOR_GITHUB_REQUEST_TOKEN='" + h.s.federated.github.requestToken + "'\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("env file lacks %q", want)
		}
	}
	if strings.Contains(string(data), "ACTIONS_ID_TOKEN") {
		t.Error("the env file names GitHub's own variables")
	}
}

// TestGitHubIDTokenAsAssertion: the token endpoint takes the stand-in's JWT
// as a federated client assertion, checking signature, kid, iss, sub, aud
// and exp.
func TestGitHubIDTokenAsAssertion(t *testing.T) {
	h := start(t, Options{})
	other := start(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	scopes := []string{"https://graph.microsoft.com/.default"}
	assertion := func(f func() string) confidential.Credential {
		return confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
			return f(), nil
		})
	}
	fresh := func(extra string) func() string {
		return func() string {
			return h.githubToken(t, extra, h.s.federated.github.requestToken).body["value"].(string)
		}
	}
	res, err := h.confidentialClient(t, assertion(fresh(""))).AcquireTokenByCredential(ctx, scopes)
	if err != nil {
		t.Fatalf("GitHub token as assertion: %v", err)
	}
	h.wantGraphOK(t, res.AccessToken, "/v1.0/servicePrincipals/"+boxSP+"/synchronization/jobs")

	tampered := func() string {
		parts := strings.Split(fresh("")(), ".")
		_, claims := claimsOf(t, strings.Join(parts, "."))
		claims["sub"] = "repo:contoso/provisioning:ref:refs/heads/main "
		return parts[0] + "." + encodeSegment(claims) + "." + parts[2]
	}
	fromOther := func() string {
		return other.githubToken(t, "", other.s.federated.github.requestToken).body["value"].(string)
	}
	expired := func() string {
		tok := fresh("")()
		h.s.clock.advance(githubTokenLifetime + time.Second)
		return tok
	}
	for _, tc := range []struct {
		name string
		f    func() string
		want string
	}{
		{"another branch", fresh("&subject=repo:contoso/provisioning:ref:refs/heads/dev"), "AADSTS700213"},
		{"another audience", func() string {
			r := h.call("GET", h.s.githubTokenURL()+"&audience=api://Other", nil, "Authorization", "bearer "+h.s.federated.github.requestToken)
			return r.body["value"].(string)
		}, "AADSTS700212"},
		{"tampered claims", tampered, "signature validation"},
		{"another emulator's key id", fromOther, "signature validation"},
		{"expired", expired, "AADSTS700024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.confidentialClient(t, assertion(tc.f)).AcquireTokenByCredential(ctx, scopes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
		})
	}
}
