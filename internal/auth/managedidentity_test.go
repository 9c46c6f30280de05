package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// noIMDS is the transport of every managed identity test: it records each
// request's host and refuses (without sending) any request for the
// instance metadata service, failing the test unless it was expected.
type noIMDS struct {
	t          *testing.T
	expectIMDS bool
	mu         sync.Mutex
	hosts      []string
	imds       int
}

func (n *noIMDS) RoundTrip(r *http.Request) (*http.Response, error) {
	n.mu.Lock()
	n.hosts = append(n.hosts, r.URL.Hostname())
	n.mu.Unlock()
	if r.URL.Hostname() == imdsAddress {
		n.mu.Lock()
		n.imds++
		n.mu.Unlock()
		if !n.expectIMDS {
			n.t.Errorf("a request went to the instance metadata service: %s %s", r.Method, r.URL.Path)
		}
		// 400 is not retried: MSAL gives up at once.
		return &http.Response{StatusCode: 400, Body: io.NopCloser(strings.NewReader(`{"error":"invalid_request","error_description":"blocked by the test"}`)),
			Header: http.Header{}, Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// miEnv sets the process environment MSAL reads: only IDENTITY_ENDPOINT
// and IDENTITY_HEADER, if given; every other source's variables unset.
func miEnv(t *testing.T, endpoint, header string) {
	for _, v := range []string{"MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT"} {
		t.Setenv(v, "")
	}
	t.Setenv("IDENTITY_ENDPOINT", endpoint)
	t.Setenv("IDENTITY_HEADER", header)
}

// fakeAppService is App Service's identity endpoint on 127.0.0.1.
type fakeAppService struct {
	srv    *httptest.Server
	header string
	mu     sync.Mutex
	calls  []map[string]string
	status int // answer this instead of a token
}

func newFakeAppService(t *testing.T) *fakeAppService {
	f := &fakeAppService{header: "identity-header-" + randomString(20)}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.mu.Lock()
		f.calls = append(f.calls, map[string]string{"header": r.Header.Get("X-IDENTITY-HEADER"), "api-version": q.Get("api-version"),
			"resource": q.Get("resource"), "client_id": q.Get("client_id")})
		status := f.status
		f.mu.Unlock()
		switch {
		case r.Header.Get("X-IDENTITY-HEADER") != f.header:
			writeJSON(w, 401, map[string]any{"statusCode": 401, "message": "Unauthorized: header " + r.Header.Get("X-IDENTITY-HEADER")})
		case status != 0:
			writeJSON(w, status, map[string]any{"statusCode": status, "message": "Unable to load the proper Managed Identity."})
		default:
			client := q.Get("client_id")
			if client == "" {
				client = "system-client-id"
			}
			claims, _ := json.Marshal(map[string]any{"appid": client, "tid": fakeUTID, "roles": []string{"Synchronization.ReadWrite.All"}})
			at := b64(`{"alg":"none"}`) + "." + b64(string(claims)) + ".sig" + randomString(8)
			writeJSON(w, 200, map[string]any{"access_token": at, "expires_on": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10),
				"resource": q.Get("resource"), "token_type": "Bearer", "client_id": client})
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAppService) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// miConfig is a Config for managed identity id with a Graph of its own
// (MSAL's managed identity cache is per process, keyed by resource).
func miConfig(t *testing.T, id string, guard *noIMDS) Config {
	return Config{GraphURL: fmt.Sprintf("https://graph-%d.test", time.Now().UnixNano()), ManagedIdentity: id,
		HTTPClient: &http.Client{Transport: guard}}
}

func TestParseManagedIdentity(t *testing.T) {
	for in, want := range map[string]string{"system": "system", " System ": "system",
		"0C5A7E91-3d2b-4f6a-8e1c-9b7d5f3a1e60": "0C5A7E91-3d2b-4f6a-8e1c-9b7d5f3a1e60"} {
		if got, err := ParseManagedIdentity(in); got != want || err != nil {
			t.Errorf("ParseManagedIdentity(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "user", "0c5a7e91", "/subscriptions/x"} {
		if _, err := ParseManagedIdentity(in); err == nil || !strings.Contains(err.Error(), "system") {
			t.Errorf("ParseManagedIdentity(%q): %v", in, err)
		}
	}
}

func TestSelectModeManagedIdentity(t *testing.T) {
	cfg := Config{ManagedIdentity: "system"}
	if got := SelectMode(cfg); got != ModeManagedIdentity {
		t.Errorf("managed-identity setting: %s", got)
	}
	// A credential in the environment is more specific: it wins.
	cfg.Env = func(k string) string { return map[string]string{envClientSecret: "s"}[k] }
	if got := SelectMode(cfg); got != ModeSecret {
		t.Errorf("with a client secret: %s", got)
	}
}

func TestManagedIdentityAppService(t *testing.T) {
	as := newFakeAppService(t)
	miEnv(t, as.srv.URL+"/msi/token", as.header)
	guard := &noIMDS{t: t}
	for _, id := range []string{"system", "a4c6e8f0-2b4d-4c6e-9f1a-3b5d7f9a1c2e"} {
		cfg := miConfig(t, id, guard)
		src, err := NewTokenSource(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		before := as.count()
		tok, err := src.Token(testCtx(t), false)
		if err != nil || tok == "" {
			t.Fatalf("%s: %q %v", id, tok, err)
		}
		// MSAL's cache serves the next call; a refused token is replaced.
		if tok2, _ := src.Token(testCtx(t), false); tok2 != tok || as.count() != before+1 {
			t.Errorf("%s: second call sent %d requests", id, as.count()-before)
		}
		if tok3, err := src.Token(testCtx(t), true); err != nil || tok3 == tok || as.count() != before+2 {
			t.Errorf("%s: refresh: %v, %d requests", id, err, as.count()-before)
		}
		as.mu.Lock()
		last := as.calls[len(as.calls)-1]
		as.mu.Unlock()
		wantClient := ""
		if id != "system" {
			wantClient = id
		}
		if last["header"] != as.header || last["api-version"] != "2019-08-01" || last["resource"] != cfg.GraphURL || last["client_id"] != wantClient {
			t.Errorf("%s: request %v", id, last)
		}
		info, err := Status(testCtx(t), cfg)
		if err != nil || info.Mode != ModeManagedIdentity || info.Tenant != fakeUTID || info.Scopes[0] != cfg.GraphURL+"/.default" {
			t.Errorf("%s: status %+v %v", id, info, err)
		}
		login, err := LoginManagedIdentity(testCtx(t), cfg)
		if err != nil || !strings.Contains(login.Endpoint, "App Service") || login.Identity != id {
			t.Errorf("%s: login %+v %v", id, login, err)
		}
	}
	for _, h := range guard.hosts {
		if h != "127.0.0.1" {
			t.Errorf("a request went to %s", h)
		}
	}
}

func TestManagedIdentityRefusals(t *testing.T) {
	as := newFakeAppService(t)
	guard := &noIMDS{t: t}
	// A wrong header: exit 4 naming IDENTITY_HEADER, never its value.
	miEnv(t, as.srv.URL+"/msi/token", "wrong-identity-header")
	_, err := AccessToken(testCtx(t), miConfig(t, "system", guard), nil)
	ae := wantAuthError(t, err, "refused the system-assigned identity", "HTTP 401", "check IDENTITY_HEADER")
	if strings.Contains(ae.Error(), "wrong-identity-header") {
		t.Errorf("the header shows: %v", ae)
	}
	// An identity the resource does not have.
	miEnv(t, as.srv.URL+"/msi/token", as.header)
	as.mu.Lock()
	as.status = 400
	as.mu.Unlock()
	_, err = AccessToken(testCtx(t), miConfig(t, "a4c6e8f0-2b4d-4c6e-9f1a-3b5d7f9a1c2e", guard), nil)
	wantAuthError(t, err, "Unable to load the proper Managed Identity", "check the client id")
	// Nothing listening: not an auth failure (exit 1), naming the endpoint.
	miEnv(t, "http://127.0.0.1:1/msi/token", as.header)
	_, err = AccessToken(testCtx(t), miConfig(t, "system", guard), nil)
	var ae2 *Error
	if err == nil || errors.As(err, &ae2) || !strings.Contains(err.Error(), "cannot reach the App Service identity endpoint") {
		t.Errorf("no endpoint: %v", err)
	}
	if _, err := NewTokenSource(Config{ManagedIdentity: "bogus"}, nil); err == nil {
		t.Error("bogus identity accepted")
	}
}

// TestManagedIdentityNeverReachesIMDS: a test must never send a request to
// 169.254.169.254. provctl refuses the ways MSAL would fall through to it
// by mistake before anything is sent; and the guard every managed identity
// test uses does catch a request MSAL does send there.
func TestManagedIdentityNeverReachesIMDS(t *testing.T) {
	guard := &noIMDS{t: t}
	loopbackGraph := Config{GraphURL: "https://127.0.0.1:8443", ManagedIdentity: "system", HTTPClient: &http.Client{Transport: guard}}
	for _, tc := range []struct{ endpoint, header, want string }{
		{"", "", "IDENTITY_ENDPOINT and IDENTITY_HEADER are not set"},
		{"https://127.0.0.1:9/msi/token", "", "IDENTITY_HEADER is not"},
		{"", "h", "IDENTITY_ENDPOINT is not"},
	} {
		miEnv(t, tc.endpoint, tc.header)
		_, err := AccessToken(testCtx(t), loopbackGraph, nil)
		wantAuthError(t, err, tc.want, "169.254.169.254")
	}
	miEnv(t, "https://127.0.0.1:9/msi/token", "")
	_, err := AccessToken(testCtx(t), miConfig(t, "system", guard), nil) // a Graph elsewhere: one variable alone is still refused
	wantAuthError(t, err, "IDENTITY_HEADER is not")
	if len(guard.hosts) != 0 {
		t.Fatalf("requests were sent: %v", guard.hosts)
	}

	// With no variable and a real Graph, IMDS is MSAL's source: the guard
	// stops the request it sends there.
	miEnv(t, "", "")
	probe := &noIMDS{t: t, expectIMDS: true}
	_, err = AccessToken(testCtx(t), miConfig(t, "system", probe), nil)
	if probe.imds != 1 || err == nil || !strings.Contains(err.Error(), "instance metadata service") {
		t.Errorf("IMDS requests %d, error %v", probe.imds, err)
	}
}
