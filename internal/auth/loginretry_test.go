package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLoginRidesOutTransientFailures(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.pendingPolls = 1 })
	fa.addFaults(
		fakeFault{on: "devicecode", status: 503, retryAfter: "0"},
		fakeFault{on: "device_code", malformed: true}, // no Retry-After: backs off
		fakeFault{on: "device_code", status: 503, retryAfter: "0.3"},
		fakeFault{on: "device_code", status: 429, retryAfter: "0"},
		fakeFault{on: "device_code", status: 500, retryAfter: "0"},
	)
	cfg := fa.config(t, nil)
	prompts := 0
	start := time.Now()
	acct, err := Login(testCtx(t), cfg, nil, func(DeviceCode) { prompts++ })
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if acct.Username != fakeUser {
		t.Errorf("account %+v", acct)
	}
	if prompts != 1 || fa.count("devicecode") != 1 {
		t.Errorf("%d prompts, %d device codes: want one code, kept through the failures", prompts, fa.count("devicecode"))
	}
	if got := fa.count("fault:devicecode") + fa.count("fault:device_code"); got != 5 {
		t.Errorf("%d faults served, want 5", got)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("login took %s: Retry-After 0.3 was not honoured", d)
	}
	token(t, cfg, false)
}

func TestLoginRetriesAreBounded(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	for range 20 {
		fa.addFaults(fakeFault{on: "device_code", status: 503, retryAfter: "0"})
	}
	_, err := Login(testCtx(t), fa.config(t, nil), nil, nil)
	var ae *Error
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "the authority failed") || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("persistent 503: %T %v; want a non-auth 'the authority failed' error", err, err)
	}
	if got := fa.count("fault:device_code"); got != loginAttempts {
		t.Errorf("%d attempts, want %d", got, loginAttempts)
	}
	if strings.Contains(err.Error(), "device-code-") {
		t.Errorf("error leaks the device code: %v", err)
	}
}

func TestLoginDoesNotWaitPastTheCode(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.deviceExpiry = 2 })
	fa.addFaults(fakeFault{on: "device_code", status: 503, retryAfter: "20"})
	start := time.Now()
	_, err := Login(testCtx(t), fa.config(t, nil), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("Retry-After past the code's expiry: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second { // honouring it would take 20 s
		t.Errorf("waited %s for a retry the code would not live to see", d)
	}
}

func TestLoginTimeoutBeforeAnyCode(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.addFaults(fakeFault{on: "devicecode", delay: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Login(ctx, fa.config(t, nil), nil, func(DeviceCode) { t.Error("a code was shown") })
	var ae *Error
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "cannot reach the authority") {
		t.Errorf("timeout before a code: %T %v; want 'cannot reach the authority' (exit 1)", err, err)
	}
	if err != nil && strings.Contains(err.Error(), "before the code was used") {
		t.Errorf("blames a code that was never shown: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{" 0.25 ", 250 * time.Millisecond, true},
		{"0", 0, true},
		{"-3", 0, true},
		{"100000", loginMaxWait, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"soon", 0, false},
		{"NaN", 0, true},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
