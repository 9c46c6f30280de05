package auth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// Retries at login: one 503 or one cut-off answer from the authority must
// not end a sign-in and waste the device code the user may be typing in.
const (
	loginAttempts = 6                      // per step: the first try and 5 more
	loginBackoff  = 500 * time.Millisecond // first wait without Retry-After; doubles
	loginMaxWait  = 30 * time.Second       // longest single wait, Retry-After included
)

// retryLogin runs op until it succeeds, fails for good (retryable says
// which failures are worth another try), has failed loginAttempts times,
// or the next try would start after deadline (zero: none) or ctx's.
func retryLogin(ctx context.Context, deadline time.Time, retryable func(failure) bool, op func() error) error {
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	for attempt := 1; ; attempt++ {
		err := op()
		// DeadlineExceeded is the code's expiry (MSAL polls until then) or
		// MSAL's own per-call timeout: trying again cannot help.
		if err == nil || attempt == loginAttempts || ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if !retryable(classify(ctx, err)) {
			return err
		}
		wait := retryWait(err, attempt)
		if !deadline.IsZero() && time.Now().Add(wait).After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// serverFailed: 429, 5xx, or an answer that is not a token response.
func serverFailed(f failure) bool { return f.kind == kindServer }

// transientFailure adds network failures, for polling: the code the user
// is entering stays valid while the connection recovers.
func transientFailure(f failure) bool { return f.kind == kindServer || f.kind == kindNetwork }

// retryWait honours the authority's Retry-After, else backs off
// exponentially; never more than loginMaxWait.
func retryWait(err error, attempt int) time.Duration {
	wait := loginBackoff << (attempt - 1)
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		if d, ok := parseRetryAfter(ce.Resp.Header.Get("Retry-After"), time.Now()); ok {
			wait = d
		}
	}
	return min(wait, loginMaxWait)
}

// parseRetryAfter reads Retry-After as seconds (fractions allowed) or an
// HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs > 0) { // negative or NaN
			return 0, true
		}
		return time.Duration(min(secs, loginMaxWait.Seconds()) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}
