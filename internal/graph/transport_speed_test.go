package graph

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// selfSigned is a certificate for 127.0.0.1 and localhost that is its own
// root, unlike httptest's, which every test server shares.
func selfSigned(t testing.TB) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "transport test " + t.Name()},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

// countedServer is a TLS test server that counts the connections it
// accepted (failed handshakes included) and echoes request bodies.
type countedServer struct {
	*httptest.Server
	conns atomic.Int32
}

func newCountedServer(t testing.TB, cert *tls.Certificate, h2 bool) *countedServer {
	t.Helper()
	cs := &countedServer{}
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Proto", r.Proto)
		_ = json.NewEncoder(w).Encode(map[string]string{"body": string(body)})
	}))
	cs.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	cs.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			cs.conns.Add(1)
		}
	}
	if cert != nil {
		cs.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	cs.EnableHTTP2 = h2
	cs.StartTLS()
	t.Cleanup(cs.Close)
	return cs
}

func writePEM(t testing.TB, certs ...*x509.Certificate) string {
	t.Helper()
	var data []byte
	for _, c := range certs {
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// systemStub stands in for x509.SystemCertPool: it counts its calls and
// answers a pool of the given certificates.
type systemStub struct {
	calls atomic.Int32
	certs []*x509.Certificate
}

func (s *systemStub) pool() (*x509.CertPool, error) {
	s.calls.Add(1)
	p := x509.NewCertPool()
	for _, c := range s.certs {
		p.AddCert(c)
	}
	return p, nil
}

func stubClient(t testing.TB, caFile string, sys *systemStub) *http.Client {
	t.Helper()
	rt, err := newRoundTripper(caFile, sys.pool)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: rt, CheckRedirect: checkRedirect}
}

// A server the CA file vouches for never needs the system roots, and one
// client keeps one connection for all its requests.
func TestCAFileServerSkipsSystemRoots(t *testing.T) {
	t.Parallel()
	srv := newCountedServer(t, nil, false)
	sys := &systemStub{}
	c := &Client{BaseURL: srv.URL, HTTP: stubClient(t, writeCAFile(t, srv.Server), sys)}
	for i := 0; i < 3; i++ {
		if err := c.Get(context.Background(), "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Post(context.Background(), "x", map[string]string{"a": "b"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := sys.calls.Load(); n != 0 {
		t.Errorf("system roots loaded %d times", n)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d connections for 4 requests, want 1 (reused)", n)
	}
}

// A server only the system roots vouch for is trusted, as with one merged
// pool: the refused handshake is retried once with the system roots (the
// request body sent whole), and later requests go there directly.
func TestCAFileFallsBackToSystemRoots(t *testing.T) {
	t.Parallel()
	own := newCountedServer(t, nil, false)
	pubCert, pubLeaf := selfSigned(t)
	public := newCountedServer(t, &pubCert, false)
	sys := &systemStub{certs: []*x509.Certificate{pubLeaf}}
	hc := stubClient(t, writeCAFile(t, own.Server), sys)

	pc := &Client{BaseURL: public.URL, HTTP: hc}
	var got struct{ Body string }
	if err := pc.Post(context.Background(), "x", map[string]string{"a": "b"}, &got); err != nil {
		t.Fatalf("server trusted by the system roots: %v", err)
	}
	if got.Body != `{"a":"b"}` {
		t.Errorf("replayed body = %q", got.Body)
	}
	if err := pc.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := sys.calls.Load(); n != 1 {
		t.Errorf("system roots loaded %d times, want 1", n)
	}
	if n := public.conns.Load(); n != 2 {
		t.Errorf("%d connections to the public server, want 2 (one refused, one reused)", n)
	}
	// The CA file's server keeps its own transport.
	oc := &Client{BaseURL: own.URL, HTTP: hc}
	for i := 0; i < 2; i++ {
		if err := oc.Get(context.Background(), "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := own.conns.Load(); n != 1 {
		t.Errorf("%d connections to the CA file's server, want 1", n)
	}
}

// A server neither trusts fails with the merged pool's error, which is
// permanent (not retried).
func TestCAFileUntrustedServer(t *testing.T) {
	t.Parallel()
	own := newCountedServer(t, nil, false)
	strangerCert, _ := selfSigned(t)
	stranger := newCountedServer(t, &strangerCert, false)
	sys := &systemStub{}
	rec := &sleepRecorder{}
	c := &Client{BaseURL: stranger.URL, HTTP: stubClient(t, writeCAFile(t, own.Server), sys), Sleep: rec.sleep}
	err := c.Get(context.Background(), "x", nil, nil)
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &verr) || !errors.As(err, &unknown) {
		t.Fatalf("err = %v, want an unknown-authority verification error", err)
	}
	if !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("err = %v", err)
	}
	if w := rec.recorded(); len(w) != 0 {
		t.Errorf("retried: waits %v", w)
	}
	// Same answer as one merged pool (the CA file plus the system roots).
	merged := x509.NewCertPool()
	merged.AddCert(own.Certificate())
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: merged}}}
	_, perr := plain.Get(stranger.URL)
	var uerr interface{ Unwrap() error }
	if errors.As(perr, &uerr) {
		perr = uerr.Unwrap() // *url.Error → the TLS error
	}
	if perr == nil || !strings.Contains(err.Error(), perr.Error()) {
		t.Errorf("err = %v, merged pool says %v", err, perr)
	}
}

// HTTP/2 is used where the server offers it, on both transports.
func TestCAFileHTTP2(t *testing.T) {
	t.Parallel()
	own := newCountedServer(t, nil, true)
	pubCert, pubLeaf := selfSigned(t)
	public := newCountedServer(t, &pubCert, true)
	hc := stubClient(t, writeCAFile(t, own.Server), &systemStub{certs: []*x509.Certificate{pubLeaf}})
	for _, srv := range []*countedServer{own, public} {
		resp, err := hc.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.Header.Get("X-Proto") != "HTTP/2.0" {
			t.Errorf("%s: protocol %s, want HTTP/2.0", srv.URL, resp.Proto)
		}
	}
	plain, err := NewHTTPClient("", nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := plain.Transport.(*http.Transport)
	if !tr.ForceAttemptHTTP2 || tr.TLSClientConfig.RootCAs != nil {
		t.Errorf("transport without a CA file: ForceAttemptHTTP2 %v, RootCAs %v", tr.ForceAttemptHTTP2, tr.TLSClientConfig.RootCAs)
	}
}

// Concurrent first requests to a server only the system roots trust load
// them once and all succeed.
func TestCAFileFallbackConcurrent(t *testing.T) {
	t.Parallel()
	own := newCountedServer(t, nil, false)
	pubCert, pubLeaf := selfSigned(t)
	public := newCountedServer(t, &pubCert, false)
	sys := &systemStub{certs: []*x509.Certificate{pubLeaf}}
	c := &Client{BaseURL: public.URL, HTTP: stubClient(t, writeCAFile(t, own.Server), sys)}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.Get(context.Background(), "x", nil, nil)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := sys.calls.Load(); n != 1 {
		t.Errorf("system roots loaded %d times, want 1", n)
	}
}

// BenchmarkNewHTTPClient is the client set-up of one command with
// PROVCTL_CA_FILE (the emulator's case): the CA file only, no system roots.
func BenchmarkNewHTTPClient(b *testing.B) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	caFile := writePEM(b, srv.Certificate())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewHTTPClient(caFile, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewHTTPClientMergedPool is what NewHTTPClient did before: the
// system roots cloned and the CA file added, for every client. (Inside one
// process x509 parses the system roots once; a one-shot command pays that
// parse too, about 45 ms of CPU and 5 MiB on a Debian host.)
func BenchmarkNewHTTPClientMergedPool(b *testing.B) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	b.ReportAllocs()
	for b.Loop() {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM(data)
		tr := newTransport(pool)
		_ = tr
	}
}

// BenchmarkOneShotGET is one command's HTTP work against a CA-file server:
// a new client, a TLS handshake and one GET decoded, as `provctl provision
// poll` does once per process.
func BenchmarkOneShotGET(b *testing.B) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"id":"apply.BoxOutDelta","status":{"code":"Active"}}`)
	}))
	defer srv.Close()
	path := writePEM(b, srv.Certificate())
	b.ReportAllocs()
	for b.Loop() {
		hc, err := NewHTTPClient(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		c := &Client{BaseURL: srv.URL, HTTP: hc, Tokens: &fakeTokens{}}
		var out map[string]any
		if err := c.Get(context.Background(), "x", nil, &out); err != nil {
			b.Fatal(err)
		}
		hc.CloseIdleConnections()
	}
}
