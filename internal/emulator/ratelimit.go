package emulator

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// Bounds of a rate-limit spec (ParseRateLimit).
const (
	minRateLimit  = 1
	maxRateLimit  = 1000
	minRateWindow = 100 * time.Millisecond
	maxRateWindow = time.Hour
)

// RateLimitOff is the spec that turns provisionOnDemand throttling off.
const RateLimitOff = "off"

// DefaultRateLimit is Graph's documented provisionOnDemand limit: 5 calls
// per 10 seconds (per job, in a sliding window).
const DefaultRateLimit = "5/10s"

// ParseRateLimit reads a provisionOnDemand rate-limit spec "N/D": N calls
// (1 to 1000) per job in any sliding window D (a Go duration from 100ms to
// 1h), e.g. "5/10s" (Graph's limit, the default) or "5/1s". "off" turns
// throttling off and returns 0, 0.
func ParseRateLimit(s string) (limit int, window time.Duration, err error) {
	spec := strings.TrimSpace(s)
	if strings.EqualFold(spec, RateLimitOff) {
		return 0, 0, nil
	}
	n, d, ok := strings.Cut(spec, "/")
	if !ok {
		return 0, 0, fmt.Errorf("rate limit %q: use N/D, e.g. %s (N calls per job in any window D), or %s", s, DefaultRateLimit, RateLimitOff)
	}
	limit, err = strconv.Atoi(strings.TrimSpace(n))
	if err != nil || limit < minRateLimit || limit > maxRateLimit {
		return 0, 0, fmt.Errorf("rate limit %q: the number of calls %q must be a whole number from %d to %d", s, strings.TrimSpace(n), minRateLimit, maxRateLimit)
	}
	window, err = time.ParseDuration(strings.TrimSpace(d))
	if err != nil {
		return 0, 0, fmt.Errorf("rate limit %q: the window %q is not a duration (e.g. 10s, 500ms, 1m)", s, strings.TrimSpace(d))
	}
	if window < minRateWindow || window > maxRateWindow {
		return 0, 0, fmt.Errorf("rate limit %q: the window %s is out of range: use %s to %s", s, window, minRateWindow, formatDuration(maxRateWindow))
	}
	return limit, window, nil
}

// formatRateLimit writes a rate limit the way ParseRateLimit reads it:
// "5/10s", "5/1m30s", or "off".
func formatRateLimit(on bool, r tenant.OnDemandRate) string {
	if !on {
		return RateLimitOff
	}
	return strconv.Itoa(r.Limit) + "/" + formatDuration(r.Window)
}

// formatDuration is time.Duration's String without zero minutes or seconds
// after larger units ("1h", "1m", "1m30s", "100ms").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// errRateLimitConflict: a config request that turns throttling on and off at once.
var errRateLimitConflict = errors.New(`rateLimit and rateLimitSpec disagree: rateLimit true with rateLimitSpec "off", or rateLimit false with a limit`)

// retryAfterSeconds formats a wait like Graph's fractional Retry-After
// ("2.128"), never below a millisecond.
func retryAfterSeconds(d time.Duration) string {
	ms := max(d.Milliseconds(), 1)
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}
