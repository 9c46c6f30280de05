package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// refusingTokens hands out a cached token but cannot refresh it, like a
// static PROVCTL_ACCESS_TOKEN or a revoked sign-in.
type refusingTokens struct{ refreshErr error }

func (r refusingTokens) Token(_ context.Context, refresh bool) (string, error) {
	if refresh {
		return "", r.refreshErr
	}
	return "cached-token", nil
}

const emptyTokenBody = `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.","innerError":{"date":"2026-11-30T10:00:00","request-id":"0b2c6a8e-1f3d-4c5b-9a7e-2d4f6b8c0e1a","client-request-id":"5e7a9c1b-3d5f-4a6c-8e0b-2c4e6a8c0d2f"}}}`

// A 401 whose refresh fails keeps Graph's code, message and request-id,
// and still carries the token source's failure (which names the fix).
func TestUnauthorizedRefreshFailureKeepsGraphsAnswer(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 401, body: emptyTokenBody})
	signIn := errors.New("the token in PROVCTL_ACCESS_TOKEN was refused")
	c, _ := newTestClient(srv.Server, refusingTokens{refreshErr: signIn})
	err := c.Get(context.Background(), "me", nil, nil)
	var refused *TokenRefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("err = %#v, want a *TokenRefusedError", err)
	}
	for _, want := range []string{"Access token is empty.", "InvalidAuthenticationToken", "HTTP 401", "request-id 0b2c6a8e-1f3d-4c5b-9a7e-2d4f6b8c0e1a"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err.Error(), want)
		}
	}
	var gerr *Error
	if !errors.As(err, &gerr) || gerr.StatusCode != http.StatusUnauthorized || gerr.Code != "InvalidAuthenticationToken" {
		t.Errorf("Graph's error not reachable: %#v", gerr)
	}
	if !errors.Is(err, signIn) || refused.Refresh != signIn {
		t.Errorf("token source's failure not reachable: %v", refused.Refresh)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (no token, no second request)", n)
	}
}

// After a successful refresh, a second 401 is returned with its own body.
func TestSecondUnauthorizedKeepsItsBody(t *testing.T) {
	t.Parallel()
	expired := `{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired.","innerError":{"request-id":"rid-second"}}}`
	srv := newScriptServer(t, true, step{status: 401, body: emptyTokenBody}, step{status: 401, body: expired})
	c, _ := newTestClient(srv.Server, &fakeTokens{})
	err := c.Get(context.Background(), "me", nil, nil)
	var gerr *Error
	if !errors.As(err, &gerr) || gerr.Message != "Lifetime validation failed, the token is expired." || gerr.RequestID != "rid-second" {
		t.Fatalf("err = %v", err)
	}
	if errors.As(err, new(*TokenRefusedError)) {
		t.Error("a refreshed token that Graph refused again is not a refresh failure")
	}
}

// A token source failing on the first request (not signed in) is returned
// as is: there is no Graph answer to keep.
func TestTokenFailureWithoutRefusalIsUnwrapped(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: okBody})
	boom := errors.New("not signed in")
	c, _ := newTestClient(srv.Server, &fakeTokens{err: boom})
	err := c.Get(context.Background(), "me", nil, nil)
	if err != boom {
		t.Fatalf("err = %#v, want the token source's error itself", err)
	}
}

// A cancelled refresh reports the cancellation, not a refusal.
func TestUnauthorizedRefreshCancelled(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 401, body: emptyTokenBody})
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newTestClient(srv.Server, cancellingTokens{cancel})
	err := c.Get(ctx, "me", nil, nil)
	if !errors.Is(err, context.Canceled) || errors.As(err, new(*TokenRefusedError)) {
		t.Fatalf("err = %v", err)
	}
}

type cancellingTokens struct{ cancel context.CancelFunc }

func (c cancellingTokens) Token(ctx context.Context, refresh bool) (string, error) {
	if refresh {
		c.cancel()
		return "", ctx.Err()
	}
	return "cached-token", nil
}
