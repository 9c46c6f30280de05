package graph

import (
	"context"
	"encoding/pem"
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
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			auth[name] = r.Header.Get("Authorization")
			mu.Unlock()
			_, _ = io.WriteString(w, `{}`)
		}
	}
	other := httptest.NewTLSServer(record("other"))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1.0/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
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
	c := &Client{BaseURL: srv.URL, APIVersion: "v1.0", HTTP: hc, Tokens: &fakeTokens{}, Retry: RetryPolicy{MaxAttempts: 1}}
	if err := c.Get(context.Background(), "away", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Post(context.Background(), "here", map[string]string{"a": "b"}, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if a := auth["other"]; a != "" {
		t.Errorf("Authorization carried to another host: %q", a)
	}
	if a := auth["same"]; a != "Bearer cached-token" {
		t.Errorf("Authorization dropped on a same-host redirect: %q", a)
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
