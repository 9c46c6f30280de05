package graph

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// NewHTTPClient returns the HTTP client shared by Graph and sign-in: proxy
// from HTTPS_PROXY/NO_PROXY, the system roots plus caFile's PEM certificates,
// and, when trace is non-nil, a redacting request/response trace.
//
// One client serves a whole command, so its connections are reused from
// request to request (sign-in and Graph alike), and HTTP/2 is used where
// the server offers it.
//
// With a caFile, the system roots are loaded only for a server whose
// certificate caFile's certificates do not verify (see rootsFallback):
// parsing them costs more CPU and memory than the rest of a one-shot
// command, and an emulator or a TLS-inspecting proxy never needs them.
func NewHTTPClient(caFile string, trace io.Writer) (*http.Client, error) {
	rt, err := newRoundTripper(caFile, x509.SystemCertPool)
	if err != nil {
		return nil, err
	}
	if trace != nil {
		rt = &TraceTransport{Base: rt, Out: trace}
	}
	return &http.Client{
		Transport: rt,
		Timeout:   2 * time.Minute,
		// Same origin only: another host or plain http must not answer
		// in Graph's or the authority's name (nor get our token).
		CheckRedirect: checkRedirect,
	}, nil
}

// newRoundTripper is NewHTTPClient's transport; system loads the system
// roots (x509.SystemCertPool outside tests).
func newRoundTripper(caFile string, system func() (*x509.CertPool, error)) (http.RoundTripper, error) {
	if caFile == "" {
		return newTransport(nil), nil // nil roots: crypto/tls loads the system's at the first handshake
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("PROVCTL_CA_FILE: %w", err)
	}
	own := x509.NewCertPool()
	if !own.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("PROVCTL_CA_FILE %s: no PEM certificates found", caFile)
	}
	return &rootsFallback{own: newTransport(own), pem: pem, system: system}, nil
}

// newTransport is http.DefaultTransport's configuration (proxy from the
// environment, timeouts, keep-alive) with TLS 1.2 at least, roots as the
// trusted roots (nil: the system's), and HTTP/2 when the server offers it.
func newTransport(roots *x509.CertPool) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	// A custom TLSClientConfig turns HTTP/2 off unless this is set.
	tr.ForceAttemptHTTP2 = true
	return tr
}

// rootsFallback trusts the system roots plus the PROVCTL_CA_FILE
// certificates, as one pool would, but loads the system roots only when
// they can matter. Each server is first tried with the CA file's
// certificates alone; a server whose certificate they do not verify is
// asked again, and from then on, with the system roots added. A chain that
// verifies with fewer roots verifies with more, so a server is trusted
// exactly when the merged pool trusts it, and a server that neither
// trusts fails with the merged pool's error.
type rootsFallback struct {
	own    *http.Transport // the CA file's certificates only
	pem    []byte          // the CA file, for the merged pool
	system func() (*x509.CertPool, error)

	once sync.Once
	all  *http.Transport // system roots plus the CA file, built on first need

	mu   sync.Mutex
	slow map[string]bool // "host:port" of servers own does not verify
}

// RoundTrip implements http.RoundTripper.
func (t *rootsFallback) RoundTrip(req *http.Request) (*http.Response, error) {
	key := tlsKey(req)
	if key == "" || t.needsAll(key) || !replayable(req) {
		if key == "" {
			return t.own.RoundTrip(req) // plain http: no certificate involved
		}
		return t.merged().RoundTrip(req)
	}
	resp, err := t.own.RoundTrip(req)
	if err == nil || !verificationFailure(err) {
		return resp, err
	}
	// The handshake failed, so nothing of the request was sent.
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		body, berr := req.GetBody()
		if berr != nil {
			return nil, err
		}
		again.Body = body
	}
	t.mu.Lock()
	if t.slow == nil {
		t.slow = map[string]bool{}
	}
	t.slow[key] = true
	t.mu.Unlock()
	return t.merged().RoundTrip(again)
}

// CloseIdleConnections closes the idle connections of both pools.
func (t *rootsFallback) CloseIdleConnections() {
	t.own.CloseIdleConnections()
	t.mu.Lock()
	all := t.all
	t.mu.Unlock()
	if all != nil {
		all.CloseIdleConnections()
	}
}

func (t *rootsFallback) needsAll(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.slow[key]
}

// merged is the transport that trusts the system roots and the CA file.
func (t *rootsFallback) merged() *http.Transport {
	t.once.Do(func() {
		pool, err := t.system()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM(t.pem) // parsed once already in NewHTTPClient
		all := newTransport(pool)
		t.mu.Lock()
		t.all = all
		t.mu.Unlock()
	})
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.all
}

// tlsKey names the server a TLS connection for req would verify, as
// "host:port"; "" for a request that is not https.
func tlsKey(req *http.Request) string {
	if req.URL == nil || !strings.EqualFold(req.URL.Scheme, "https") {
		return ""
	}
	port := req.URL.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(strings.ToLower(req.URL.Hostname()), port)
}

// replayable reports whether req can be sent a second time: no body, or
// one that GetBody can produce again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// verificationFailure reports a server certificate that was not trusted
// (unknown authority, wrong host, expired, or another x509 failure).
func verificationFailure(err error) bool {
	var (
		verr     *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}
