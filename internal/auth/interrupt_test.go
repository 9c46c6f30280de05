package auth

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestRedeemGate(t *testing.T) {
	t.Parallel()
	wait := func(ctx context.Context, d time.Duration) bool {
		select {
		case <-ctx.Done():
			return true
		case <-time.After(d):
			return false
		}
	}
	t.Run("interrupted before the request: it never leaves", func(t *testing.T) {
		t.Parallel()
		parent, cancel := context.WithCancel(context.Background())
		ctx, release := withRedeemGate(parent, time.Hour, nil)
		defer release()
		cancel()
		if !wait(ctx, 2*time.Second) {
			t.Fatal("gated context outlived its caller before the request")
		}
		if err := enterRedeem(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("enter after interrupt = %v, want context.Canceled", err)
		}
	})
	t.Run("interrupted after the request: it finishes within the grace", func(t *testing.T) {
		t.Parallel()
		parent, cancel := context.WithCancel(context.Background())
		ctx, release := withRedeemGate(parent, 200*time.Millisecond, nil)
		defer release()
		if err := enterRedeem(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		if wait(ctx, 50*time.Millisecond) {
			t.Fatal("an interrupt cut a sent token request")
		}
		if !wait(ctx, 5*time.Second) {
			t.Fatal("the grace never ended")
		}
		if !errors.Is(context.Cause(ctx), errGraceOver) {
			t.Errorf("cause = %v", context.Cause(ctx))
		}
	})
	t.Run("the check can stop the request", func(t *testing.T) {
		t.Parallel()
		refuse := errors.New("cannot save")
		ctx, release := withRedeemGate(context.Background(), time.Hour, func() error { return refuse })
		defer release()
		if err := enterRedeem(ctx); err != refuse {
			t.Errorf("enter = %v, want the check's error", err)
		}
	})
	if err := enterRedeem(context.Background()); err != nil {
		t.Errorf("outside a gate: %v", err)
	}
}

// TestInterruptAtRandomPointsOfRefresh cancels silent refreshes at random
// points (Ctrl-C as cmd delivers it) against an authority whose refresh
// tokens rotate and whose answers come late, then checks the sign-in
// still works silently.
func TestInterruptAtRandomPointsOfRefresh(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.expiresIn = 60 }) // never cached: every call redeems
	cfg := fa.config(t, nil)
	login(t, cfg)
	fa.set(func(fa *fakeAuthority) { fa.rotate, fa.answerDelay = true, 30*time.Millisecond })

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 40))
	interrupted := 0
	const rounds = 40
	for i := range rounds {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(time.Duration(rng.IntN(60))*time.Millisecond, cancel)
		src, err := NewTokenSource(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.Token(ctx, false)
		timer.Stop()
		cancel()
		switch {
		case errors.Is(err, context.Canceled):
			interrupted++
		case err != nil:
			t.Fatalf("round %d (seed %d): %v", i, seed, err)
		}
	}
	if tok := token(t, cfg, false); tok == "" {
		t.Fatal("no token")
	}
	t.Logf("%d of %d refreshes interrupted; %d grants", interrupted, rounds, fa.count("refresh_token"))
	if interrupted == 0 {
		t.Errorf("no round was interrupted (seed %d): the test proved nothing", seed)
	}
}

func TestInterruptWhileTheAnswerIsOnItsWay(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.expiresIn = 60 })
	cfg := fa.config(t, nil)
	login(t, cfg)
	redeemed := make(chan struct{}, 1)
	fa.set(func(fa *fakeAuthority) { fa.rotate, fa.answerDelay, fa.redeemed = true, 200*time.Millisecond, redeemed })

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-redeemed; cancel() }()
	start := time.Now()
	_, err := AccessToken(ctx, cfg, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted refresh: %v, want context.Canceled (exit 130)", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	fa.set(func(fa *fakeAuthority) { fa.answerDelay, fa.redeemed = 0, nil })
	token(t, cfg, false) // the rotated refresh token was saved
	if got := fa.count("refresh_token"); got != 2 {
		t.Errorf("%d refresh grants, want 2", got)
	}
}
