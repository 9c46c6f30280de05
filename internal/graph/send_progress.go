package graph

import (
	"net/http/httptrace"
	"sync/atomic"
)

// sendProgress watches one request through the transport, to tell a
// failure before anything reached the server (dial, TLS) from one after the
// request was written, when a POST may have been applied.
type sendProgress struct {
	gotConnAsked atomic.Bool // the transport reports progress at all
	wrote        atomic.Bool
}

func (p *sendProgress) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) { p.gotConnAsked.Store(true) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				p.wrote.Store(true)
			}
		},
	}
}

// sent is true once the request was written, and also when the transport
// reported nothing (a custom RoundTripper): then nobody can say it was not.
func (p *sendProgress) sent() bool {
	return p.wrote.Load() || !p.gotConnAsked.Load()
}
