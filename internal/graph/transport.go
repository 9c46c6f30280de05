package graph

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// NewHTTPClient returns the HTTP client shared by Graph and sign-in: proxy
// from HTTPS_PROXY/NO_PROXY, the system roots plus caFile's PEM certificates,
// and, when trace is non-nil, a redacting request/response trace.
func NewHTTPClient(caFile string, trace io.Writer) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("PROVCTL_CA_FILE: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("PROVCTL_CA_FILE %s: no PEM certificates found", caFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	var rt http.RoundTripper = tr
	if trace != nil {
		rt = &TraceTransport{Base: tr, Out: trace}
	}
	return &http.Client{
		Transport: rt,
		Timeout:   2 * time.Minute,
		// Same origin only: another host or plain http must not answer
		// in Graph's or the authority's name (nor get our token).
		CheckRedirect: checkRedirect,
	}, nil
}
