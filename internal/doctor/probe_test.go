package doctor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// trusting is a client that trusts roots (nil: the system's), with a
// transport of its own.
func trusting(roots *x509.CertPool) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}

func tlsServer(t *testing.T) (*httptest.Server, *x509.CertPool, []byte) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, pool, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

// otherCA is a CA certificate that signed nothing the tests serve.
func otherCA(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func byCheck(results []Result) map[string]Result {
	m := map[string]Result{}
	for _, r := range results {
		m[r.Check] = r
	}
	return m
}

func wantLine(t *testing.T, results []Result, check string, status Status, detail, fix string) {
	t.Helper()
	r, ok := byCheck(results)[check]
	if !ok {
		t.Fatalf("no line %q in %+v", check, results)
	}
	if r.Status != status || !strings.Contains(r.Detail, detail) || !strings.Contains(r.Fix, fix) {
		t.Errorf("%s = %+v\nwant %s, detail with %q, fix with %q", check, r, status, detail, fix)
	}
}

func TestProbeThroughEveryPhase(t *testing.T) {
	srv, pool, caPEM := tlsServer(t)
	client := trusting(pool)
	e := Endpoint{Label: "Graph", Setting: "PROVCTL_GRAPH_URL", CASetting: "PROVCTL_CA_FILE", CAFile: "/x/ca.pem", CAPEM: caPEM}
	for _, round := range []string{"new connection", "reused connection"} {
		p := RunProbe(testCtx(t, 5*time.Second), client, srv.URL+"/beta/servicePrincipals", nil)
		res := p.Results(e)
		if len(res) != 4 {
			t.Fatalf("%s: %+v", round, res)
		}
		wantLine(t, res, "Graph DNS", OK, "127.0.0.1 is an address", "")
		wantLine(t, res, "Graph TCP", OK, "connected to 127.0.0.1:", "")
		wantLine(t, res, "Graph TLS", OK, "verified with PROVCTL_CA_FILE (/x/ca.pem)", "")
		wantLine(t, res, "Graph HTTPS", OK, "GET /beta/servicePrincipals answered 401 in", "")
		if p.Header.Get("Date") == "" || p.Answered.Before(p.Sent) {
			t.Errorf("%s: no Date or times: %+v", round, p)
		}
	}
}

func TestProbeUnknownCA(t *testing.T) {
	srv, _, _ := tlsServer(t)
	otherPEM := otherCA(t)
	for _, tc := range []struct {
		name string
		e    Endpoint
		fix  string
	}{
		{"no CA file", Endpoint{Label: "authority", Setting: "PROVCTL_AUTHORITY_HOST"}, "set PROVCTL_CA_FILE to the CA certificate (PEM)"},
		{"another CA", Endpoint{Label: "authority", Setting: "PROVCTL_AUTHORITY_HOST", CASetting: "PROVCTL_CA_FILE", CAFile: "/x/other.pem", CAPEM: otherPEM},
			"PROVCTL_CA_FILE (/x/other.pem) holds no CA that signed it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roots := x509.NewCertPool()
			roots.AppendCertsFromPEM(tc.e.CAPEM)
			res := RunProbe(testCtx(t, 5*time.Second), trusting(roots), srv.URL+"/", nil).Results(tc.e)
			wantLine(t, res, "authority TCP", OK, "connected", "")
			wantLine(t, res, "authority TLS", Failed, "not signed by a CA provctl trusts", tc.fix)
			wantLine(t, res, "authority HTTPS", Skipped, "not run: authority TLS failed", "")
		})
	}
}

func TestProbeRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	res := RunProbe(testCtx(t, 5*time.Second), trusting(nil), "https://"+addr+"/", nil).Results(Endpoint{Label: "Graph", Setting: "PROVCTL_GRAPH_URL"})
	wantLine(t, res, "Graph DNS", OK, "is an address", "")
	wantLine(t, res, "Graph TCP", Failed, addr+" refused the connection", "check PROVCTL_GRAPH_URL and --cloud")
	wantLine(t, res, "Graph TLS", Skipped, "Graph TCP failed", "")
}

// localhost resolves, but the test certificate is not for that name.
func TestProbeWrongName(t *testing.T) {
	srv, pool, _ := tlsServer(t)
	u, _ := url.Parse(srv.URL)
	res := RunProbe(testCtx(t, 5*time.Second), trusting(pool), "https://localhost:"+u.Port()+"/", nil).Results(Endpoint{Label: "Graph", Setting: "--cloud's Graph"})
	wantLine(t, res, "Graph DNS", OK, "localhost resolves to", "")
	wantLine(t, res, "Graph TLS", Failed, "the certificate is not for localhost", "check --cloud's Graph and --cloud")
}

// A server that accepts the connection but never speaks TLS: the bound
// ends the handshake.
func TestProbeSilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	res := RunProbe(testCtx(t, 200*time.Millisecond), trusting(nil), "https://"+ln.Addr().String()+"/", nil).Results(Endpoint{Label: "Graph", Setting: "PROVCTL_GRAPH_URL"})
	wantLine(t, res, "Graph TCP", OK, "connected", "")
	wantLine(t, res, "Graph TLS", Failed, "no TLS handshake within the check's bound", "HTTPS address")
}

// A proxy that refuses the tunnel (407): named, with its variable, and
// its credentials are never shown.
func TestProbeProxyRefusesTunnel(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	pu.User = url.UserPassword("me", "hunter2")
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	res := RunProbe(testCtx(t, 5*time.Second), client, "https://graph.example.test/v1.0/", pu).Results(Endpoint{Label: "Graph", Setting: "PROVCTL_GRAPH_URL", ProxySetting: "HTTPS_PROXY"})
	wantLine(t, res, "Graph DNS", OK, "through the proxy http://127.0.0.1:", "")
	wantLine(t, res, "Graph TCP", Failed, "did not open a tunnel to graph.example.test", "check HTTPS_PROXY (the proxy's address and credentials)")
	for _, r := range res {
		if strings.Contains(r.Detail+r.Fix, "hunter2") {
			t.Errorf("a line shows the proxy's password: %+v", r)
		}
	}
}
