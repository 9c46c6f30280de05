package auth

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// redeemGrace is how long a silent refresh whose token request has been
// sent may outlive Ctrl-C or SIGTERM. The authority retires the old refresh
// token as it answers, so giving up then would leave only a dead one in
// the cache (the next command would say "sign-in expired"); finishing the
// request and saving the answer takes well under a second.
const redeemGrace = 10 * time.Second

// errGraceOver ends a redeem that outlived the caller by more than the grace.
var errGraceOver = errors.New("the sign-in refresh did not finish within the grace period after the interrupt")

// redeemGate lets one silent acquisition outlive its caller's context once
// its token request is on the way. Until then the acquisition ends with the
// caller (nothing was redeemed, so stopping costs nothing).
type redeemGate struct {
	cancel context.CancelCauseFunc
	grace  time.Duration
	check  func() error // may a token request be sent? (nil = yes)

	mu    sync.Mutex
	sent  bool
	timer *time.Timer
}

type gateKey struct{}

// withRedeemGate returns the context for one silent acquisition and a
// function releasing it. check runs just before the token request leaves;
// its error stops the request (e.g. a cache that could not save the answer).
func withRedeemGate(parent context.Context, grace time.Duration, check func() error) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(parent))
	g := &redeemGate{cancel: cancel, grace: grace, check: check}
	ctx = context.WithValue(ctx, gateKey{}, g)
	stopWatch := context.AfterFunc(parent, g.callerDone)
	return ctx, func() {
		stopWatch()
		g.mu.Lock()
		if g.timer != nil {
			g.timer.Stop()
		}
		g.mu.Unlock()
		cancel(context.Canceled)
	}
}

// callerDone runs when the caller's context ends (Ctrl-C, SIGTERM).
func (g *redeemGate) callerDone() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.sent {
		g.cancel(context.Canceled)
		return
	}
	g.timer = time.AfterFunc(g.grace, func() { g.cancel(errGraceOver) })
}

// enter is called just before a token request is sent with ctx. Outside a
// gated acquisition it does nothing.
func enterRedeem(ctx context.Context) error {
	g, ok := ctx.Value(gateKey{}).(*redeemGate)
	if !ok {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if g.check != nil {
		if err := g.check(); err != nil {
			return err
		}
	}
	g.sent = true
	return nil
}

// gatedClient is the HTTP client MSAL's public client gets: a token request
// (MSAL's only POSTs) first passes the acquisition's redeem gate, if any.
// sent, when set, is told of every request before it leaves.
type gatedClient struct {
	base *http.Client
	sent func()
}

func (c gatedClient) Do(req *http.Request) (*http.Response, error) {
	if c.sent != nil {
		c.sent()
	}
	if req.Method == http.MethodPost {
		if err := enterRedeem(req.Context()); err != nil {
			return nil, err
		}
	}
	return c.base.Do(req)
}

func (c gatedClient) CloseIdleConnections() { c.base.CloseIdleConnections() }
