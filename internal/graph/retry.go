package graph

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds retries of throttled (429) and unavailable (503, 504)
// answers and of network errors.
type RetryPolicy struct {
	MaxAttempts int           // total attempts including the first; default 5
	BaseDelay   time.Duration // first backoff without Retry-After; default 1s
	MaxDelay    time.Duration // cap for one wait; default 30s
	MaxTotal    time.Duration // give up when the next wait would pass this; default 2m
	// Jitter returns a random fraction in [0,1); tests pin it.
	Jitter func() float64
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxTotal <= 0 {
		p.MaxTotal = 2 * time.Minute
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	return p
}

// next decides whether attempt (1-based, just failed with err) is retried
// and how long to wait first.
func (p RetryPolicy) next(attempt int, err error, elapsed time.Duration) (time.Duration, bool) {
	if attempt >= p.MaxAttempts || !retryable(err) {
		return 0, false
	}
	var wait time.Duration
	var gerr *Error
	if errors.As(err, &gerr) && gerr.HasRetryAfter {
		wait = gerr.RetryAfter // the server knows best; never retry sooner
	} else {
		backoff := float64(p.BaseDelay) * math.Pow(2, float64(attempt-1))
		// Full jitter in the upper half keeps clients from retrying in step.
		backoff = backoff/2 + backoff/2*p.Jitter()
		wait = time.Duration(math.Min(backoff, float64(p.MaxDelay)))
	}
	if elapsed+wait > p.MaxTotal {
		return 0, false
	}
	return wait, true
}

func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var gerr *Error
	if errors.As(err, &gerr) {
		switch gerr.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	var nerr *NetworkError
	return errors.As(err, &nerr)
}

// parseRetryAfter reads Retry-After as seconds (integer or fractional, as
// Graph sends "2.128") or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		if secs > 24*3600 { // absurd values are clamped, not trusted
			secs = 24 * 3600
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
