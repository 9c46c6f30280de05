package emulator

import (
	"sync/atomic"
	"time"
)

// clock is wall time plus an offset, so tests can move the emulator's time
// forward (token and device-code expiry, rate-limit windows) without sleeping.
type clock struct {
	offset atomic.Int64 // nanoseconds
}

func (c *clock) now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load()))
}

func (c *clock) advance(d time.Duration) {
	c.offset.Add(int64(d))
}
