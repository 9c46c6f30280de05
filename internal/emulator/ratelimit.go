package emulator

import (
	"strconv"
	"time"
)

// provisionOnDemand is documented as limited to 5 requests per 10 seconds;
// the emulator applies that per job, in a sliding window.
const (
	podLimit  = 5
	podWindow = 10 * time.Second
)

// admitPOD records a call at now, or returns how long until the window has
// room again. Call with the directory lock held.
func (j *jobState) admitPOD(now time.Time) (retryAfter time.Duration, ok bool) {
	keep := j.podCalls[:0]
	for _, t := range j.podCalls {
		if now.Sub(t) < podWindow {
			keep = append(keep, t)
		}
	}
	j.podCalls = keep
	if len(j.podCalls) >= podLimit {
		return j.podCalls[0].Add(podWindow).Sub(now), false
	}
	j.podCalls = append(j.podCalls, now)
	return 0, true
}

// retryAfterSeconds formats a wait like Graph's fractional Retry-After
// ("2.128"), never below a millisecond.
func retryAfterSeconds(d time.Duration) string {
	ms := max(d.Milliseconds(), 1)
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}
