package doctor

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"
)

// Probe is what one HTTPS request went through, phase by phase: the name
// lookup, the TCP connection, the TLS handshake and the HTTP answer. With
// a proxy in effect the lookup and the connection are the proxy's and the
// handshake is with the server, through the proxy's tunnel.
type Probe struct {
	URL   *url.URL
	Proxy *url.URL // the proxy the transport used; nil: direct

	LookupHost  string       // the name looked up ("" when the host is an address)
	LookupAddrs []net.IPAddr // what it resolved to
	LookupErr   error
	looked      bool

	ConnectAddr string // the address connected to (or last tried)
	ConnectErr  error
	connected   bool

	TLS      *tls.ConnectionState // the handshake that succeeded last
	TLSErr   error                // the last handshake's error
	tlsTried bool

	Status   int // 0: no HTTP answer
	Header   http.Header
	Body     []byte // the first bytes of the answer (bodyLimit)
	Err      error  // the request's error, if it failed
	Sent     time.Time
	Answered time.Time // when the answer's headers arrived
}

// bodyLimit is how much of an answer a probe keeps: enough for an error
// document, never a whole page.
const bodyLimit = 64 << 10

// RunProbe sends GET rawURL with client (whose transport decides TLS roots
// and the proxy, exactly as for every other request) and records each
// phase. proxy is the proxy the transport uses for rawURL, for the report.
// The request carries no credentials.
func RunProbe(ctx context.Context, client *http.Client, rawURL string, proxy *url.URL) *Probe {
	p := &Probe{Proxy: proxy}
	u, err := url.Parse(rawURL)
	if err != nil {
		p.Err = err
		return p
	}
	p.URL = u
	// The transport may call hooks from several goroutines, and a dial
	// given up may report after Do returned: hooks change p under mu, and
	// not at all once done.
	var mu sync.Mutex
	done := false
	update := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			f()
		}
	}
	trace := &httptrace.ClientTrace{
		DNSStart: func(info httptrace.DNSStartInfo) {
			update(func() { p.LookupHost, p.looked = info.Host, true })
		},
		DNSDone: func(info httptrace.DNSDoneInfo) {
			update(func() { p.LookupAddrs, p.LookupErr = info.Addrs, info.Err })
		},
		ConnectStart: func(_, addr string) {
			update(func() {
				if !p.connected {
					p.ConnectAddr = addr
				}
			})
		},
		ConnectDone: func(_, addr string, err error) {
			update(func() {
				switch {
				case err == nil:
					p.ConnectAddr, p.ConnectErr, p.connected = addr, nil, true
				case !p.connected:
					p.ConnectAddr, p.ConnectErr = addr, err
				}
			})
		},
		GotConn: func(info httptrace.GotConnInfo) {
			// A reused connection reports no dial or handshake of its own.
			update(func() {
				if !p.connected && info.Conn != nil {
					p.ConnectAddr, p.connected = info.Conn.RemoteAddr().String(), true
				}
			})
		},
		TLSHandshakeStart: func() {
			update(func() { p.tlsTried = true })
		},
		TLSHandshakeDone: func(state tls.ConnectionState, err error) {
			update(func() {
				if err == nil {
					p.TLS, p.TLSErr = &state, nil
				} else if p.TLS == nil {
					p.TLSErr = err
				}
			})
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, rawURL, nil)
	if err != nil {
		p.Err = err
		return p
	}
	req.Header.Set("Accept", "application/json")
	p.Sent = time.Now()
	resp, err := client.Do(req)
	mu.Lock()
	done = true
	mu.Unlock()
	if err != nil {
		p.Err = err
		return p
	}
	defer resp.Body.Close()
	p.Answered = time.Now()
	p.Status, p.Header = resp.StatusCode, resp.Header
	if p.TLS == nil && resp.TLS != nil {
		st := *resp.TLS
		p.TLS = &st
	}
	p.Body, _ = io.ReadAll(io.LimitReader(resp.Body, bodyLimit))
	return p
}

// Phase is one step of a connection.
type Phase string

// The phases of a probe, in order.
const (
	PhaseLookup  Phase = "DNS"
	PhaseConnect Phase = "TCP"
	PhaseTLS     Phase = "TLS"
	PhaseHTTP    Phase = "HTTPS"
)

// FailedPhase is the first phase that did not complete, or "" when the
// server answered.
func (p *Probe) FailedPhase() Phase {
	switch {
	case p.Status != 0:
		return ""
	case p.looked && (p.LookupErr != nil || len(p.LookupAddrs) == 0):
		return PhaseLookup
	case !p.connected, p.tunnelRefused():
		return PhaseConnect
	case p.TLS == nil:
		return PhaseTLS
	}
	return PhaseHTTP
}

// tunnelRefused: connected to a proxy that did not open the tunnel (a
// CONNECT answered 403 or 407), so no handshake with the server began.
func (p *Probe) tunnelRefused() bool {
	return p.Proxy != nil && p.URL != nil && p.URL.Scheme == "https" && p.connected && !p.tlsTried && p.Status == 0
}
