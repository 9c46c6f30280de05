package doctor

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Endpoint says what a probe was for, so its lines can name the settings
// to fix.
type Endpoint struct {
	Label   string // "authority" or "Graph": the lines are "<Label> DNS", …
	Setting string // where its URL came from, e.g. "PROVCTL_GRAPH_URL"
	// CASetting names where the extra CA certificates came from (e.g.
	// "PROVCTL_CA_FILE"), CAFile is their file and CAPEM its content; all
	// empty when only the system's roots are trusted.
	CASetting string
	CAFile    string
	CAPEM     []byte
	// ProxySetting names the variable that set the proxy (HTTPS_PROXY),
	// when one is in effect.
	ProxySetting string
	// Judge turns the HTTP answer into the last line; nil: any answer is
	// ok. It is called only when the server answered.
	Judge func(p *Probe) Result
}

// Results turns the probe into one line per phase: the first that failed
// says why and what to fix, and the later ones are skipped.
func (p *Probe) Results(e Endpoint) []Result {
	failed := p.FailedPhase()
	var out []Result
	for _, ph := range []Phase{PhaseLookup, PhaseConnect, PhaseTLS, PhaseHTTP} {
		name := e.Label + " " + string(ph)
		switch {
		case failed != "" && phaseAfter(ph, failed):
			out = append(out, Result{Check: name, Status: Skipped, Detail: "not run: " + e.Label + " " + string(failed) + " failed"})
		case ph == failed:
			r := p.failure(ph, e)
			r.Check, r.Status = name, Failed
			out = append(out, r)
		default:
			r := p.success(ph, e)
			r.Check = name
			if r.Status == "" {
				r.Status = OK
			}
			out = append(out, r)
		}
	}
	return out
}

func phaseAfter(ph, failed Phase) bool {
	order := map[Phase]int{PhaseLookup: 0, PhaseConnect: 1, PhaseTLS: 2, PhaseHTTP: 3}
	return order[ph] > order[failed]
}

// host is the URL's host without the port.
func (p *Probe) host() string {
	if p.URL == nil {
		return ""
	}
	return p.URL.Hostname()
}

// viaProxy says "the proxy proxy:3128 (HTTPS_PROXY)" for lines about the
// proxy's connection.
func (p *Probe) viaProxy(e Endpoint) string {
	return fmt.Sprintf("the proxy %s (%s)", ProxyText(p.Proxy), nonEmpty(e.ProxySetting, "HTTPS_PROXY"))
}

func (p *Probe) success(ph Phase, e Endpoint) Result {
	switch ph {
	case PhaseLookup:
		switch {
		case p.Proxy != nil && p.looked:
			return Result{Detail: fmt.Sprintf("%s resolves to %s: %s", p.LookupHost, addrList(p.LookupAddrs), p.viaProxy(e))}
		case p.Proxy != nil:
			return Result{Detail: "through " + p.viaProxy(e) + ", which looks up " + p.host()}
		case p.looked:
			return Result{Detail: fmt.Sprintf("%s resolves to %s", p.LookupHost, addrList(p.LookupAddrs))}
		case net.ParseIP(p.host()) != nil:
			return Result{Detail: p.host() + " is an address: nothing to look up"}
		}
		return Result{Detail: "no lookup was needed"}
	case PhaseConnect:
		if p.Proxy != nil {
			return Result{Detail: "connected to " + p.viaProxy(e) + ", which opened a tunnel to " + p.URL.Host}
		}
		return Result{Detail: "connected to " + p.ConnectAddr}
	case PhaseTLS:
		return Result{Detail: tlsText(p, e)}
	}
	if e.Judge != nil {
		return e.Judge(p)
	}
	return Result{Detail: p.AnswerText()}
}

// AnswerText is "GET /path answered 200 in 12ms".
func (p *Probe) AnswerText() string {
	return fmt.Sprintf("GET %s answered %d in %s", p.URL.EscapedPath(), p.Status, p.Answered.Sub(p.Sent).Round(time.Millisecond))
}

func (p *Probe) failure(ph Phase, e Endpoint) Result {
	timedOut := TimedOut(p.Err) || isTimeout(p.ConnectErr) || isTimeout(p.TLSErr) || isTimeout(p.LookupErr)
	switch ph {
	case PhaseLookup:
		if p.Proxy != nil {
			return Result{Detail: fmt.Sprintf("the proxy's name %s does not resolve: %v", p.LookupHost, firstErr(p.LookupErr, p.Err)),
				Fix: "check " + nonEmpty(e.ProxySetting, "HTTPS_PROXY") + " (the proxy's address)"}
		}
		return Result{Detail: fmt.Sprintf("%s does not resolve: %v", p.LookupHost, firstErr(p.LookupErr, p.Err)),
			Fix: fmt.Sprintf("check %s and --cloud; on a network where only a proxy resolves names, set HTTPS_PROXY", e.Setting)}
	case PhaseConnect:
		return p.connectFailure(e, timedOut)
	case PhaseTLS:
		return p.tlsFailure(e, timedOut)
	}
	if timedOut {
		return Result{Detail: "connected, but no answer within the check's bound", Fix: "the server is overloaded or a proxy holds the request: try again; check " + e.Setting}
	}
	return Result{Detail: fmt.Sprintf("connected, but the request failed: %v", p.Err), Fix: "check " + e.Setting + " and --cloud"}
}

func (p *Probe) connectFailure(e Endpoint, timedOut bool) Result {
	proxyVar := nonEmpty(e.ProxySetting, "HTTPS_PROXY")
	switch {
	case p.tunnelRefused():
		return Result{Detail: fmt.Sprintf("%s did not open a tunnel to %s: %v", p.viaProxy(e), p.URL.Host, p.Err),
			Fix: fmt.Sprintf("check %s (the proxy's address and credentials), and NO_PROXY if %s should not go through it", proxyVar, p.host())}
	case p.Proxy != nil && errors.Is(firstErr(p.ConnectErr, p.Err), syscall.ECONNREFUSED):
		return Result{Detail: fmt.Sprintf("%s refused the connection", p.viaProxy(e)), Fix: "check " + proxyVar + ": nothing listens at the proxy's address"}
	case p.Proxy != nil:
		return Result{Detail: fmt.Sprintf("no connection to %s: %v", p.viaProxy(e), firstErr(p.ConnectErr, p.Err)), Fix: "check " + proxyVar}
	case errors.Is(firstErr(p.ConnectErr, p.Err), syscall.ECONNREFUSED):
		return Result{Detail: fmt.Sprintf("%s refused the connection: nothing listens there", nonEmpty(p.ConnectAddr, p.URL.Host)),
			Fix: fmt.Sprintf("check %s and --cloud; with the emulator, is it running, and is the URL the one its --env-file gives?", e.Setting)}
	case timedOut:
		return Result{Detail: fmt.Sprintf("no connection to %s within the check's bound", nonEmpty(p.ConnectAddr, p.URL.Host)),
			Fix: "a firewall may drop the traffic: this network may need a proxy (HTTPS_PROXY), or NO_PROXY lists " + p.host() + " when it should not; check " + e.Setting}
	}
	return Result{Detail: fmt.Sprintf("no connection to %s: %v", nonEmpty(p.ConnectAddr, p.URL.Host), firstErr(p.ConnectErr, p.Err)),
		Fix: "check " + e.Setting + ", --cloud and HTTPS_PROXY"}
}

func (p *Probe) tlsFailure(e Endpoint, timedOut bool) Result {
	err := firstErr(p.TLSErr, p.Err)
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknownCA):
		d := fmt.Sprintf("the certificate of %s is not signed by a CA provctl trusts (%v)", p.host(), err)
		if e.CAFile != "" {
			return Result{Detail: d, Fix: fmt.Sprintf("%s (%s) holds no CA that signed it, and no system root did: point %s at the CA certificate (PEM) that did — the emulator's ca.pem, or your TLS-inspecting proxy's CA", e.CASetting, e.CAFile, e.CASetting)}
		}
		return Result{Detail: d, Fix: "set PROVCTL_CA_FILE to the CA certificate (PEM) that signed it: the emulator's ca.pem (its --env-file sets PROVCTL_CA_FILE), or your TLS-inspecting proxy's CA"}
	case errors.As(err, &hostname):
		return Result{Detail: fmt.Sprintf("the certificate is not for %s (%v)", p.host(), err), Fix: "check " + e.Setting + " and --cloud"}
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return Result{Detail: fmt.Sprintf("the certificate of %s is expired or not yet valid (%v)", p.host(), err), Fix: "check this machine's clock; if it is right, the server's certificate is out of date"}
	case timedOut:
		return Result{Detail: "connected, but no TLS handshake within the check's bound", Fix: "is " + e.Setting + " an HTTPS address? a proxy may be needed (HTTPS_PROXY)"}
	}
	return Result{Detail: fmt.Sprintf("the TLS handshake with %s failed: %v", p.host(), err), Fix: "check " + e.Setting + " (an HTTPS address) and HTTPS_PROXY"}
}

// tlsText describes a successful handshake and which roots verified it.
func tlsText(p *Probe, e Endpoint) string {
	st := p.TLS
	text := tls.VersionName(st.Version)
	if len(st.PeerCertificates) > 0 {
		leaf := st.PeerCertificates[0]
		text += ", certificate for " + certName(leaf) + " issued by " + nonEmpty(leaf.Issuer.CommonName, leaf.Issuer.String())
	}
	by := "the system's trusted roots"
	if e.CAFile != "" {
		by = "the system's trusted roots (" + e.CASetting + " " + e.CAFile + " holds none of its chain's roots)"
		if len(st.VerifiedChains) > 0 && inPEM(e.CAPEM, st.VerifiedChains[0][len(st.VerifiedChains[0])-1]) {
			by = e.CASetting + " (" + e.CAFile + ")"
		}
	}
	return text + ", verified with " + by
}

// certName is the certificate's first DNS or IP name, else its CN.
func certName(c *x509.Certificate) string {
	switch {
	case len(c.DNSNames) > 0:
		return c.DNSNames[0]
	case len(c.IPAddresses) > 0:
		return c.IPAddresses[0].String()
	}
	return c.Subject.CommonName
}

// inPEM reports whether cert is one of the certificates in data.
func inPEM(data []byte, cert *x509.Certificate) bool {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return false
		}
		if block.Type == "CERTIFICATE" && bytes.Equal(block.Bytes, cert.Raw) {
			return true
		}
	}
}

func addrList(addrs []net.IPAddr) string {
	var s []string
	for i, a := range addrs {
		if i == 3 {
			s = append(s, fmt.Sprintf("and %d more", len(addrs)-3))
			break
		}
		s = append(s, a.String())
	}
	return strings.Join(s, ", ")
}

// ProxyText shows a proxy URL without its credentials: scheme://host:port.
func ProxyText(u *url.URL) string {
	if u == nil {
		return "none"
	}
	return u.Scheme + "://" + u.Host
}

func isTimeout(err error) bool {
	var ne net.Error
	return err != nil && (TimedOut(err) || errors.As(err, &ne) && ne.Timeout())
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return errors.New("unknown error")
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
