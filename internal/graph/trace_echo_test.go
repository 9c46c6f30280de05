package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// An authority that echoes the posted form in error_description (and a
// header) must not put the posted client secret, refresh token or device
// code in the trace: they are not JWT-shaped and sit under harmless keys.
func TestTraceMasksEchoedPostedSecrets(t *testing.T) {
	t.Parallel()
	posted := map[string]string{"client_secret": secClientSecret, "refresh_token": secRefresh2, "device_code": secDeviceCode}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", form.Get("device_code")) // raw in a header
		w.Header().Set("Location", "https://x.example/?d="+url.QueryEscape(form.Get("client_secret")))
		w.WriteHeader(http.StatusBadRequest)
		desc := fmt.Sprintf("AADSTS900144: bad request. Received: client_secret %s refresh %s device %s; form %s",
			form.Get("client_secret"), form.Get("refresh_token"), form.Get("device_code"), string(b))
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request", "error_description": desc, "note": form.Get("refresh_token")})
	}))
	defer srv.Close()
	var out syncBuffer
	hc := &http.Client{Transport: &TraceTransport{Base: srv.Client().Transport, Out: &out}}
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {"04b07795"}}
	for k, v := range posted {
		form.Set(k, v)
	}
	resp, err := hc.PostForm(srv.URL+"/tenant/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), secRefresh2) {
		t.Fatal("the caller must get the answer as sent (the test server did not echo)")
	}
	trace := out.String()
	for name, v := range posted {
		for _, spelling := range []string{v, url.QueryEscape(v)} {
			if strings.Contains(trace, spelling) {
				t.Errorf("posted %s shows in the trace as %q:\n%s", name, spelling, trace)
			}
		}
	}
	for _, want := range []string{"AADSTS900144: bad request. Received: client_secret [redacted]", "invalid_request", "X-Echo: [redacted]", "04b07795"} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, trace)
		}
	}
}

// A JSON POST's sensitive values and the bearer token sent are masked in
// the answer too, and through Client the error line agrees with the trace.
func TestTraceMasksEchoedJSONAndBearer(t *testing.T) {
	t.Parallel()
	const secret = "json-posted-SECRET/value+1"
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		// encoding/json would write "/" plainly; other servers escape it.
		esc := strings.ReplaceAll(in["secretText"], "/", `\/`)
		fmt.Fprintf(w, `{"error":{"code":"BadRequest","message":"Received: %s and %s (%s)"}}`, r.Header.Get("Authorization"), esc, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer srv.Close()
	var out syncBuffer
	c, _ := newTestClient(srv, echoTokens{})
	c.HTTP = &http.Client{Transport: &TraceTransport{Base: srv.Client().Transport, Out: &out}}
	err := c.Post(context.Background(), "x", map[string]string{"secretText": secret}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, leak := range []string{echoedToken, secret, strings.ReplaceAll(secret, "/", `\/`)} {
		if strings.Contains(out.String(), leak) {
			t.Errorf("trace shows %q:\n%s", leak, out.String())
		}
	}
	if strings.Contains(err.Error(), echoedToken) {
		t.Errorf("error line shows the token: %v", err)
	}
}

func TestCollectSecretsSkipsShortValues(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodPost, "https://login.example/t?code=abc", nil)
	got := collectSecrets(req, []byte("client_info=1&client_secret=short&refresh_token=long-enough-value"))
	if strings.Join(got, "|") != "long-enough-value" {
		t.Errorf("collectSecrets = %q", got)
	}
	if masked := got.mask("client_info 1, code abc, long-enough-value"); masked != "client_info 1, code abc, [redacted]" {
		t.Errorf("mask = %q", masked)
	}
}
