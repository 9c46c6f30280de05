package emulator

import (
	"strconv"
	"time"
)

// provisionOnDemand is documented as limited to 5 requests per 10 seconds;
// the emulator applies that per job, in a sliding window.
const (
	onDemandLimit  = 5
	onDemandWindow = 10 * time.Second
)

// admitPOD records a call at now, or returns how long until the window has
// room again. Call with the directory lock held.
func (j *jobState) admitPOD(now time.Time) (retryAfter time.Duration, ok bool) {
	keep := j.onDemandCalls[:0]
	for _, t := range j.onDemandCalls {
		if now.Sub(t) < onDemandWindow {
			keep = append(keep, t)
		}
	}
	j.onDemandCalls = keep
	if len(j.onDemandCalls) >= onDemandLimit {
		return j.onDemandCalls[0].Add(onDemandWindow).Sub(now), false
	}
	j.onDemandCalls = append(j.onDemandCalls, now)
	return 0, true
}

// retryAfterSeconds formats a wait like Graph's fractional Retry-After
// ("2.128"), never below a millisecond.
func retryAfterSeconds(d time.Duration) string {
	ms := max(d.Milliseconds(), 1)
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}
