package graph

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
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
// and how long to wait first. elapsed is the time spent so far, waits
// included; a retry whose wait would pass MaxTotal is not made.
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

// safeToRepeat keeps POSTs (provisionOnDemand, start, restart) from running
// twice: they are repeated only when Graph said it did not process them
// (429, 503), never after a network error or a 504, where it may have.
func safeToRepeat(method string, err error) bool {
	if repeatable(method) {
		return true
	}
	return IsStatus(err, http.StatusTooManyRequests, http.StatusServiceUnavailable)
}

func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if StatusOf(err) != 0 {
		return IsStatus(err, http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout)
	}
	var nerr *NetworkError
	if !errors.As(err, &nerr) {
		return false
	}
	return !permanentNetworkError(nerr.Err)
}

// permanentNetworkError reports failures that no retry can fix: an
// untrusted or mismatched certificate, a host name that does not exist, or
// a refused redirect.
func permanentNetworkError(err error) bool {
	var (
		redirect *RedirectError
		verr     *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		dnsErr   *net.DNSError
	)
	switch {
	case errors.As(err, &redirect):
		return true
	case errors.As(err, &verr), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return true
	case errors.As(err, &dnsErr):
		return dnsErr.IsNotFound
	}
	return false
}

// maxRetryAfter clamps absurd Retry-After values; MaxTotal still decides
// whether such a wait is acceptable at all.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads Retry-After as seconds (integer or fractional, as
// Graph sends "2.128") or as an HTTP date. Seconds are parsed as an exact
// decimal ("1.001" is 1.001s, not 1.000999999s); nothing but digits and one
// dot is accepted, so "+2", "1e3", "0x10", "NaN" and "Inf" are rejected. A
// date is measured from ref (the answer's Date header when it has one, so
// clock skew between us and Graph does not matter) and never yields a
// negative wait.
func parseRetryAfter(v string, ref time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if d, ok := parseDecimalSeconds(v); ok {
		return d, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(ref)
		if d < 0 {
			d = 0
		}
		return min(d, maxRetryAfter), true
	}
	return 0, false
}

// parseDecimalSeconds parses DIGITS[.DIGITS] as a duration in seconds,
// exactly to the nanosecond (further digits are truncated), clamped to
// maxRetryAfter.
func parseDecimalSeconds(v string) (time.Duration, bool) {
	intPart, frac, _ := strings.Cut(v, ".")
	if intPart == "" && frac == "" {
		return 0, false
	}
	for _, s := range []string{intPart, frac} {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 6 { // > 999999 s, far beyond the clamp
		return maxRetryAfter, true
	}
	var secs int64
	for i := 0; i < len(intPart); i++ {
		secs = secs*10 + int64(intPart[i]-'0')
	}
	var nanos int64
	for i := 0; i < 9; i++ {
		nanos *= 10
		if i < len(frac) {
			nanos += int64(frac[i] - '0')
		}
	}
	d := time.Duration(secs)*time.Second + time.Duration(nanos)
	return min(d, maxRetryAfter), true
}

// pastBudget reports whether attempt was not retried only because Graph's
// Retry-After would have passed MaxTotal, so the error can say so.
func (p RetryPolicy) pastBudget(attempt int, err error, elapsed time.Duration) bool {
	var gerr *Error
	return attempt < p.MaxAttempts && retryable(err) && errors.As(err, &gerr) && gerr.HasRetryAfter &&
		elapsed+gerr.RetryAfter > p.MaxTotal
}
