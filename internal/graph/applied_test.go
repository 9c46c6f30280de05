package graph

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

const onDemandPath = "servicePrincipals/sp/synchronization/jobs/j/provisionOnDemand"

const appliedNote = "the request was sent and may have been applied; check with `provctl provision poll` / `provctl provision logs` before running it again"

// A POST that failed after it was sent may have been applied: it is not
// repeated, and the error says to check before running it again.
func TestPostFailedAfterSendMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	truncated := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"key":"`)
	}
	tests := []struct {
		name    string
		steps   []step
		handler http.HandlerFunc
		out     any
		applied bool
	}{
		{name: "connection closed after the request", steps: []step{{hijack: true}}, applied: true},
		{name: "504", steps: []step{{status: 504, body: `{"error":{"code":"GatewayTimeout","message":"m"}}`}}, applied: true},
		{name: "502", steps: []step{{status: 502, body: `<html>`}}, applied: true},
		{name: "truncated 200 body", handler: truncated, applied: true},
		{name: "malformed 200 body", steps: []step{{status: 200, body: `{"key":`}}, out: &struct{}{}, applied: true},
		{name: "null 200 body", steps: []step{{status: 200, body: `null`}}, out: &struct{}{}, applied: true},
		{name: "503 after retries: not processed", steps: []step{{status: 503, header: map[string]string{"Retry-After": "0"}}}},
		{name: "400: refused", steps: []step{{status: 400, body: `{"error":{"code":"BadRequest","message":"m"}}`}}},
		{name: "409: refused", steps: []step{{status: 409}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var srv *httptest.Server
			var count func() int
			if tt.handler != nil {
				var n atomic.Int32
				srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); tt.handler(w, r) }))
				defer srv.Close()
				count = func() int { return int(n.Load()) }
			} else {
				ss := newScriptServer(t, true, tt.steps...)
				srv, count = ss.Server, func() int { return len(ss.requests()) }
			}
			c, _ := newTestClient(srv, &fakeTokens{})
			err := c.Post(context.Background(), onDemandPath, map[string]string{"a": "b"}, tt.out)
			if err == nil {
				t.Fatal("no error")
			}
			if got := MayHaveBeenApplied(err); got != tt.applied {
				t.Fatalf("MayHaveBeenApplied = %v, want %v: %v", got, tt.applied, err)
			}
			if tt.applied {
				if !strings.HasSuffix(err.Error(), appliedNote) {
					t.Errorf("error lacks the note: %v", err)
				}
				if n := count(); n != 1 {
					t.Errorf("%d requests: a POST that may have been applied was repeated", n)
				}
			} else if strings.Contains(err.Error(), "may have been applied") {
				t.Errorf("error claims it may have been applied: %v", err)
			}
		})
	}
}

// A POST that never left (nothing listens) was not applied; other POSTs
// name the read that checks them.
func TestPostNotSentIsNotMaybeApplied(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &Client{BaseURL: "https://" + addr, Retry: RetryPolicy{MaxAttempts: 1}}
	err = c.Post(context.Background(), onDemandPath, map[string]string{"a": "b"}, nil)
	var nerr *NetworkError
	if !errors.As(err, &nerr) || MayHaveBeenApplied(err) {
		t.Fatalf("err = %v", err)
	}

	srv := newScriptServer(t, true, step{hijack: true})
	c2, _ := newTestClient(srv.Server, nil)
	err = c2.Post(context.Background(), "servicePrincipals/sp/synchronization/jobs/j/start", nil, nil)
	if !MayHaveBeenApplied(err) || !strings.Contains(err.Error(), "check with `provctl job show` before running it again") {
		t.Fatalf("err = %v", err)
	}
}

// Interrupted (Ctrl-C) while Graph was answering: still context.Canceled
// (exit 130), and still says the request may have been applied.
func TestPostInterruptedAfterSend(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		close(arrived)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _ := newTestClient(srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	err := c.Post(ctx, onDemandPath, map[string]string{"a": "b"}, nil)
	if !errors.Is(err, context.Canceled) || !MayHaveBeenApplied(err) {
		t.Fatalf("err = %v", err)
	}
}

// GETs change nothing: they are retried and never flagged.
func TestGetNeverMaybeApplied(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{hijack: true}, step{status: 504})
	c, _ := newTestClient(srv.Server, nil)
	err := c.Get(context.Background(), "x", nil, nil)
	if err == nil || MayHaveBeenApplied(err) {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 5 {
		t.Errorf("%d requests, want 5 attempts", n)
	}
}
