package graph

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

var guidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// fakeTokens is a TokenSource that hands out "tok-N" and records every
// refresh flag it was called with.
type fakeTokens struct {
	mu    sync.Mutex
	calls []bool
	err   error
}

func (f *fakeTokens) Token(_ context.Context, refresh bool) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, refresh)
	if f.err != nil {
		return "", f.err
	}
	if refresh {
		return "fresh-token", nil
	}
	return "cached-token", nil
}

func (f *fakeTokens) refreshFlags() []bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bool(nil), f.calls...)
}

// sleepRecorder replaces Client.Sleep: it records each wait and returns at
// once (or the context's error).
type sleepRecorder struct {
	mu     sync.Mutex
	waits  []time.Duration
	before func() // run before returning, e.g. to cancel a context
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	before := s.before
	s.mu.Unlock()
	if before != nil {
		before()
	}
	return ctx.Err()
}

func (s *sleepRecorder) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// step is one scripted answer.
type step struct {
	status int
	header map[string]string
	body   string
	hijack bool // close the connection without answering
}

// seen is one request as the server saw it.
type seen struct {
	Method string
	URL    string
	Header http.Header
	Body   string
}

// scriptServer answers with steps in order, repeating the last one, and
// records every request.
type scriptServer struct {
	*httptest.Server
	mu    sync.Mutex
	steps []step
	reqs  []seen
}

func newScriptServer(t *testing.T, tlsServer bool, steps ...step) *scriptServer {
	t.Helper()
	s := &scriptServer{steps: steps}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, 0, 64)
		buf := make([]byte, 512)
		for {
			n, err := r.Body.Read(buf)
			body = append(body, buf[:n]...)
			if err != nil {
				break
			}
		}
		s.mu.Lock()
		i := len(s.reqs)
		s.reqs = append(s.reqs, seen{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone(), Body: string(body)})
		st := s.steps[min(i, len(s.steps)-1)]
		s.mu.Unlock()
		if st.hijack {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		for k, v := range st.header {
			w.Header().Set(k, v)
		}
		if st.body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(st.status)
		_, _ = w.Write([]byte(st.body))
	})
	s.Server = httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // hijacks and bad handshakes are expected
	if tlsServer {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

func (s *scriptServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// newTestClient returns a client for srv with a recorded Sleep and a
// pinned jitter of 0.5.
func newTestClient(srv *httptest.Server, tokens TokenSource) (*Client, *sleepRecorder) {
	rec := &sleepRecorder{}
	c := &Client{
		BaseURL:    srv.URL,
		APIVersion: "v1.0",
		HTTP:       srv.Client(),
		UserAgent:  "provctl/1.2.3",
		Retry:      RetryPolicy{Jitter: func() float64 { return 0.5 }},
		Sleep:      rec.sleep,
	}
	if tokens != nil {
		c.Tokens = tokens
	}
	return c, rec
}
