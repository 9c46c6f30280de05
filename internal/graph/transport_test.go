package graph

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// writeCAFile writes srv's certificate as PEM and returns the path.
func writeCAFile(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNewHTTPClientCAFile(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"value":[]}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted handshake below is expected
	srv.StartTLS()
	defer srv.Close()

	hc, err := NewHTTPClient(writeCAFile(t, srv), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{BaseURL: srv.URL, HTTP: hc}
	if err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatalf("with CA file: %v", err)
	}

	plain, err := NewHTTPClient("", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := plain.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatal("test server trusted without the CA file")
	}
}

func TestNewHTTPClientBadCAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badPEM := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(badPEM, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "missing.pem"), notPEM, badPEM, dir} {
		if _, err := NewHTTPClient(path, nil); err == nil || !strings.Contains(err.Error(), "PROVCTL_CA_FILE") {
			t.Errorf("NewHTTPClient(%s) err = %v", filepath.Base(path), err)
		}
	}
}

func TestNewHTTPClientRedirects(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	auth := map[string]string{}
	hits := map[string]int{}
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			auth[name] = r.Header.Get("Authorization")
			hits[name]++
			mu.Unlock()
			_, _ = io.WriteString(w, `{}`)
		}
	}
	other := httptest.NewTLSServer(record("other"))
	defer other.Close()
	plain := httptest.NewServer(record("plain"))
	defer plain.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1.0/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	})
	mux.HandleFunc("/v1.0/downgrade", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/landing", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/v1.0/here", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v1.0/same", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/v1.0/same", record("same"))
	mux.HandleFunc("/v1.0/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v1.0/loop", http.StatusFound)
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	var trace syncBuffer
	hc, err := NewHTTPClient(writeCAFile(t, srv), &trace) // both servers share httptest's certificate
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hc.Transport.(*TraceTransport); !ok {
		t.Errorf("transport %T, want *TraceTransport", hc.Transport)
	}
	rec := &sleepRecorder{}
	c := &Client{BaseURL: srv.URL, APIVersion: "v1.0", HTTP: hc, Tokens: &fakeTokens{}, Sleep: rec.sleep}

	// Another origin, or plain http, never answers in Graph's name: refused
	// at once (no retry), and the POST is not reported as maybe applied,
	// since the redirect itself says the request was not taken.
	for _, tc := range []struct{ method, path, want string }{
		{http.MethodGet, "away", "refused a redirect to " + other.URL + "/landing"},
		{http.MethodPost, "away", "refused a redirect to " + other.URL + "/landing"},
		{http.MethodGet, "downgrade", "refused a redirect to " + plain.URL + "/landing: it leaves https"},
	} {
		_, err := c.Do(context.Background(), &Request{Method: tc.method, Path: tc.path, Body: map[string]string{"a": "b"}})
		var rerr *RedirectError
		if !errors.As(err, &rerr) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: err = %v, want %q", tc.method, tc.path, err, tc.want)
		}
		if MayHaveBeenApplied(err) {
			t.Errorf("%s %s: a refused redirect reads as maybe applied: %v", tc.method, tc.path, err)
		}
	}
	if w := rec.recorded(); len(w) != 0 {
		t.Errorf("refused redirects were retried: waits %v", w)
	}
	mu.Lock()
	if hits["other"] != 0 || hits["plain"] != 0 {
		t.Errorf("redirect targets were asked: %v", hits)
	}
	mu.Unlock()

	if err := c.Post(context.Background(), "here", map[string]string{"a": "b"}, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if a := auth["same"]; a != "Bearer cached-token" {
		t.Errorf("Authorization dropped on a same-origin redirect: %q", a)
	}
	mu.Unlock()
	err = c.Get(context.Background(), "loop", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if strings.Contains(trace.String(), "cached-token") {
		t.Error("token in trace")
	}
	if !strings.Contains(trace.String(), "> GET "+srv.URL+"/v1.0/away") {
		t.Errorf("trace lacks the request:\n%s", trace.String())
	}
}

func TestCheckRedirect(t *testing.T) {
	t.Parallel()
	req := func(raw string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := []*http.Request{req("https://graph.microsoft.com/beta/x")}
	for target, ok := range map[string]bool{
		"https://graph.microsoft.com/beta/y":     true,
		"https://GRAPH.microsoft.com:443/beta/y": true,
		"http://graph.microsoft.com/beta/y":      false,
		"https://graph.microsoft.com:8443/y":     false,
		"https://evil.example/beta/y":            false,
		"https://graph.microsoft.com.evil/y":     false,
	} {
		if err := checkRedirect(req(target), first); (err == nil) != ok {
			t.Errorf("%s: err = %v, want allowed=%v", target, err, ok)
		}
	}
	// The origin is the first request's: a hop cannot launder another.
	via := append(first, req("https://graph.microsoft.com/beta/z"))
	if err := checkRedirect(req("https://evil.example/"), via); err == nil {
		t.Error("second hop to another origin allowed")
	}
}
