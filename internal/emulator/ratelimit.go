package emulator

import (
	"strconv"
	"time"
)

// retryAfterSeconds formats a wait like Graph's fractional Retry-After
// ("2.128"), never below a millisecond.
func retryAfterSeconds(d time.Duration) string {
	ms := max(d.Milliseconds(), 1)
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}
