package auth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAuthority is a minimal Entra ID over TLS, written from "What MSAL Go
// needs from the sign-in service" in docs/auth.md: openid-configuration,
// devicecode and token (device_code,
// refresh_token, client_credentials with a secret or a client assertion).
// It is deliberately independent of internal/emulator.
type fakeAuthority struct {
	t   *testing.T
	srv *httptest.Server

	mu            sync.Mutex
	pendingPolls  int    // authorization_pending answers before approval
	deviceOutcome string // "" approve, or an OAuth error such as expired_token
	deviceExpiry  int    // device code expires_in; default 60
	polls         int
	deviceCodes   map[string]bool
	refreshTokens map[string]bool // issued and not revoked
	expiresIn     int
	counts        map[string]int // "discovery", "devicecode", grant types
	scopes        map[string]string
	tenants       map[string]bool // authority tenants seen on token calls
	n             int

	// faults and timing (fakefaults_test.go)
	faults      []fakeFault
	rotate      bool          // a redeemed refresh token stops working, as the emulator's do
	answerDelay time.Duration // a successful refresh is answered this late (the token already rotated)
	redeemed    chan struct{} // if set, told when a refresh has been redeemed and its answer is held

	// app-only
	appClientID  string
	clientSecret string
	certPub      *rsa.PublicKey
	certDER      []byte
	assertion    string // expected federated assertion

	// browser sign-in: code -> PKCE challenge (browserlogin_test.go)
	authCodes map[string]string
}

const (
	fakeUser     = "adele@contoso.test"
	fakeUID      = "uid-1"
	fakeUTID     = "tid-1"
	fakeGraphURL = "https://graph.fake.test"
)

func newFakeAuthority(t *testing.T) *fakeAuthority {
	fa := &fakeAuthority{
		t:             t,
		deviceCodes:   map[string]bool{},
		refreshTokens: map[string]bool{},
		expiresIn:     3600,
		counts:        map[string]int{},
		scopes:        map[string]string{},
		tenants:       map[string]bool{},
	}
	fa.srv = httptest.NewTLSServer(http.HandlerFunc(fa.serve))
	t.Cleanup(fa.srv.Close)
	return fa
}

// config is a Config pointing at the fake with a fresh config dir.
func (fa *fakeAuthority) config(t *testing.T, env map[string]string) Config {
	return Config{
		Tenant:        "contoso",
		AuthorityHost: fa.srv.URL,
		GraphURL:      fakeGraphURL,
		ConfigDir:     t.TempDir() + "/provctl",
		HTTPClient:    fa.srv.Client(),
		Env:           func(k string) string { return env[k] },
	}
}

func (fa *fakeAuthority) count(key string) int {
	fa.mu.Lock()
	defer fa.mu.Unlock()
	return fa.counts[key]
}

func (fa *fakeAuthority) lastScope(grant string) string {
	fa.mu.Lock()
	defer fa.mu.Unlock()
	return fa.scopes[grant]
}

// revokeAll invalidates every refresh token issued so far.
func (fa *fakeAuthority) revokeAll() {
	fa.mu.Lock()
	defer fa.mu.Unlock()
	fa.refreshTokens = map[string]bool{}
}

func (fa *fakeAuthority) set(f func(fa *fakeAuthority)) {
	fa.mu.Lock()
	defer fa.mu.Unlock()
	f(fa)
}

func (fa *fakeAuthority) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	if len(parts) != 2 {
		http.NotFound(w, r)
		return
	}
	tenant, rest := parts[0], parts[1]
	base := fa.srv.URL + "/" + tenant
	switch {
	case r.Method == http.MethodGet && rest == "v2.0/.well-known/openid-configuration":
		fa.inc("discovery")
		writeJSON(w, 200, map[string]any{
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"issuer":                 base + "/v2.0",
		})
	case r.Method == http.MethodPost && rest == "oauth2/v2.0/devicecode":
		if fa.injectFault(w, "devicecode") {
			return
		}
		fa.deviceCode(w, r)
	case r.Method == http.MethodPost && rest == "oauth2/v2.0/token":
		_ = r.ParseForm()
		if fa.injectFault(w, r.PostForm.Get("grant_type")) {
			return
		}
		fa.mu.Lock()
		fa.tenants[tenant] = true
		fa.mu.Unlock()
		rec := httptest.NewRecorder()
		fa.token(rec, r, base+"/oauth2/v2.0/token")
		fa.holdAnswer(r, rec.Code)
		copyRecorded(w, rec)
	default:
		http.NotFound(w, r)
	}
}

func (fa *fakeAuthority) inc(key string) {
	fa.mu.Lock()
	fa.counts[key]++
	fa.mu.Unlock()
}

func (fa *fakeAuthority) deviceCode(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	fa.mu.Lock()
	fa.counts["devicecode"]++
	fa.n++
	code := fmt.Sprintf("device-code-%d-%s", fa.n, randomString(40))
	fa.deviceCodes[code] = true
	fa.polls = 0
	expiry := fa.deviceExpiry
	fa.mu.Unlock()
	if expiry == 0 {
		expiry = 60
	}
	writeJSON(w, 200, map[string]any{
		"device_code":      code,
		"user_code":        "ABCD-1234",
		"verification_uri": fa.srv.URL + "/device",
		"expires_in":       expiry,
		"interval":         1,
		"message":          "To sign in, open " + fa.srv.URL + "/device and enter the code ABCD-1234.",
	})
}

func (fa *fakeAuthority) token(w http.ResponseWriter, r *http.Request, endpoint string) {
	if err := r.ParseForm(); err != nil {
		oauthFail(w, 400, "invalid_request", "bad form")
		return
	}
	grant := r.PostForm.Get("grant_type")
	fa.mu.Lock()
	defer fa.mu.Unlock()
	fa.counts[grant]++
	fa.scopes[grant] = r.PostForm.Get("scope")
	switch grant {
	case "device_code":
		if !fa.deviceCodes[r.PostForm.Get("device_code")] {
			oauthFail(w, 400, "invalid_grant", "AADSTS70000: unknown device code")
			return
		}
		fa.polls++
		if fa.polls <= fa.pendingPolls {
			oauthFail(w, 400, "authorization_pending", "AADSTS70016: pending")
			return
		}
		if fa.deviceOutcome != "" {
			oauthFail(w, 400, fa.deviceOutcome, "AADSTS70020: "+fa.deviceOutcome)
			return
		}
		fa.userTokens(w, r)
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !fa.refreshTokens[rt] {
			// Echo the token back: our errors must not repeat it.
			oauthFail(w, 400, "invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked: "+rt+"\r\nTrace ID: x")
			return
		}
		if fa.rotate {
			delete(fa.refreshTokens, rt)
		}
		fa.userTokens(w, r)
	case "client_credentials":
		fa.appToken(w, r, endpoint)
	case "authorization_code":
		fa.authCodeGrant(w, r) // browserlogin_test.go
	default:
		oauthFail(w, 400, "unsupported_grant_type", grant)
	}
}

// userTokens answers a successful delegated grant, like Entra: the
// requested scopes echoed without offline_access, an unsigned id_token and
// client_info. Old refresh tokens stay valid (Entra does not make them
// single-use), so concurrent processes redeeming the same one all succeed.
func (fa *fakeAuthority) userTokens(w http.ResponseWriter, r *http.Request) {
	fa.n++
	rt := "rt" + randomString(80)
	fa.refreshTokens[rt] = true
	var granted []string
	for _, s := range strings.Fields(r.PostForm.Get("scope")) {
		if s != "offline_access" {
			granted = append(granted, s)
		}
	}
	now := time.Now().Unix()
	idClaims, _ := json.Marshal(map[string]any{
		"aud": r.PostForm.Get("client_id"), "iss": fa.srv.URL + "/" + fakeUTID + "/v2.0",
		"tid": fakeUTID, "oid": fakeUID, "sub": "sub-1", "preferred_username": fakeUser,
		"iat": now, "exp": now + 3600, "ver": "2.0",
	})
	idToken := b64(`{"alg":"none","typ":"JWT"}`) + "." + base64.RawURLEncoding.EncodeToString(idClaims) + "."
	writeJSON(w, 200, map[string]any{
		"token_type":     "Bearer",
		"access_token":   fmt.Sprintf("user-at-%d-%s", fa.n, randomString(16)),
		"refresh_token":  rt,
		"expires_in":     fa.expiresIn,
		"ext_expires_in": fa.expiresIn,
		"scope":          strings.Join(granted, " "),
		"id_token":       idToken,
		"client_info":    b64(fmt.Sprintf(`{"uid":%q,"utid":%q}`, fakeUID, fakeUTID)),
	})
}

// appToken checks the app credential: a secret, a certificate assertion
// (PS256 signature verified with the certificate's key) or a federated
// assertion (compared verbatim). Failures echo the presented credential,
// which our errors must scrub.
func (fa *fakeAuthority) appToken(w http.ResponseWriter, r *http.Request, endpoint string) {
	f := r.PostForm
	if f.Get("client_id") != fa.appClientID {
		oauthFail(w, 400, "unauthorized_client", "AADSTS700016: unknown app "+f.Get("client_id"))
		return
	}
	switch {
	case f.Get("client_secret") != "":
		if f.Get("client_secret") != fa.clientSecret {
			oauthFail(w, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided: "+f.Get("client_secret"))
			return
		}
	case f.Get("client_assertion") != "" && fa.certPub != nil:
		if err := fa.verifyCertAssertion(f.Get("client_assertion"), endpoint); err != nil {
			oauthFail(w, 401, "invalid_client", "AADSTS700027: "+err.Error())
			return
		}
	case f.Get("client_assertion") != "":
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Get("client_assertion") != fa.assertion {
			oauthFail(w, 401, "invalid_client", "AADSTS700213: No matching federated identity record found for presented assertion "+f.Get("client_assertion"))
			return
		}
	default:
		oauthFail(w, 401, "invalid_client", "AADSTS7000218: no credential")
		return
	}
	fa.n++
	writeJSON(w, 200, map[string]any{
		"token_type":   "Bearer",
		"access_token": fmt.Sprintf("app-at-%d-%s", fa.n, randomString(16)),
		"expires_in":   3600,
	})
}

func (fa *fakeAuthority) verifyCertAssertion(jwt, endpoint string) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a JWS")
	}
	var hdr struct {
		Alg  string `json:"alg"`
		Typ  string `json:"typ"`
		X5t2 string `json:"x5t#S256"`
	}
	var cl struct {
		Aud string `json:"aud"`
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return err
	}
	if err := decodeSegment(parts[1], &cl); err != nil {
		return err
	}
	sum := sha256.Sum256(fa.certDER)
	if hdr.Alg != "PS256" || hdr.X5t2 != base64.StdEncoding.EncodeToString(sum[:]) {
		return fmt.Errorf("unexpected header %+v", hdr)
	}
	if cl.Aud != endpoint || cl.Iss != fa.appClientID || cl.Sub != fa.appClientID || cl.Exp < time.Now().Unix() {
		return fmt.Errorf("unexpected claims %+v", cl)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	return rsa.VerifyPSS(fa.certPub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func oauthFail(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{
		"error": code, "error_description": desc, "error_codes": []int{},
		"trace_id": "trace-1", "correlation_id": "corr-1",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}
