package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

type staticTokens string

func (s staticTokens) Token(context.Context, bool) (string, error) { return string(s), nil }

// A token with a line break, or a Graph URL with port 99999, cannot be
// fixed by retrying: a LocalError at once, nothing sent, no wait.
func TestLocalErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: `{}`})
	c, rec := newTestClient(srv.Server, staticTokens("first-line\nsecond-line"))
	err := c.Get(context.Background(), "x", nil, nil)
	var lerr *LocalError
	if !errors.As(err, &lerr) || lerr.Kind != LocalToken {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "first-line") || !strings.Contains(err.Error(), "line break") {
		t.Errorf("message: %v", err)
	}
	if n := len(srv.requests()); n != 0 || len(rec.recorded()) != 0 {
		t.Errorf("%d requests, waits %v", n, rec.recorded())
	}
	if c.Tokens = staticTokens("tab\tis-fine"); c.Get(context.Background(), "x", nil, nil) != nil {
		t.Error("a tab is a valid header value")
	}

	bad, rec2 := newTestClient(srv.Server, nil)
	bad.BaseURL = "https://127.0.0.1:99999"
	err = bad.Post(context.Background(), "x", map[string]string{}, nil)
	if !errors.As(err, &lerr) || lerr.Kind != LocalAddress || !strings.Contains(err.Error(), "invalid port") {
		t.Fatalf("err = %v", err)
	}
	if MayHaveBeenApplied(err) || len(rec2.recorded()) != 0 {
		t.Errorf("applied=%v waits %v", MayHaveBeenApplied(err), rec2.recorded())
	}
}

// A Retry-After longer than the retry budget ends at once and says how
// long Graph asked to wait.
func TestRetryAfterPastBudgetSaysHowLong(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 429, header: map[string]string{"Retry-After": "600"}, body: `{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`})
	c, rec := newTestClient(srv.Server, nil)
	err := c.Get(context.Background(), "x", nil, nil)
	var gerr *Error
	if !errors.As(err, &gerr) || gerr.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "Graph asked to wait 10m0s before trying again, longer than provctl waits (2m0s in all)") {
		t.Errorf("message: %v", err)
	}
	if len(rec.recorded()) != 0 || len(srv.requests()) != 1 {
		t.Errorf("waits %v, %d requests", rec.recorded(), len(srv.requests()))
	}
	// Attempts running out is not the budget: no such claim.
	srv2 := newScriptServer(t, true, step{status: 429, header: map[string]string{"Retry-After": "1"}})
	c2, _ := newTestClient(srv2.Server, nil)
	if err := c2.Get(context.Background(), "x", nil, nil); err == nil || strings.Contains(err.Error(), "asked to wait") {
		t.Errorf("attempts exhausted: %v", err)
	}
}
