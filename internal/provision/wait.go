package provision

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// WaitOptions bound the wait loop.
type WaitOptions struct {
	Interval time.Duration // between polls; default 5s
	Timeout  time.Duration // overall; default 10m
	// OnPoll is called after every successful poll (for progress output).
	OnPoll func(o *Outcome, elapsed time.Duration)
	// Final says when to stop; default: the outcome's state is final.
	Final func(o *Outcome) bool
	// After is time.After; tests replace it to skip the waits between polls.
	After func(d time.Duration) <-chan time.Time
}

// defaultWaitTimeout is --timeout's default.
const defaultWaitTimeout = 10 * time.Minute

// ErrWaitTimeout means --timeout passed before a final state; the last
// outcome read is returned with it.
var ErrWaitTimeout = errors.New("timed out waiting for a final outcome")

// Wait calls poll until the outcome is final, the timeout passes (returning
// the last outcome and ErrWaitTimeout) or ctx ends. Throttling answers do
// not end the wait: the next poll waits at least Graph's Retry-After.
func Wait(ctx context.Context, poll func(context.Context) (*Outcome, error), opts WaitOptions) (*Outcome, error) {
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultWaitTimeout
	}
	final := opts.Final
	if final == nil {
		final = func(o *Outcome) bool { return o.State.Final() }
	}
	after := opts.After
	if after == nil {
		after = time.After
	}
	start := time.Now()
	// The timeout also bounds a poll in flight, so a hanging request cannot
	// outlive --timeout.
	waitCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	timedOut := func(err error) bool {
		return ctx.Err() == nil && waitCtx.Err() != nil && (err == nil || errors.Is(err, context.DeadlineExceeded))
	}
	var last *Outcome
	for {
		delay := opts.Interval
		o, err := poll(waitCtx)
		switch {
		case err == nil:
			last = o
			if opts.OnPoll != nil {
				opts.OnPoll(o, time.Since(start))
			}
			if final(o) {
				return o, nil
			}
		case timedOut(err):
			return last, ErrWaitTimeout
		case throttled(err):
			if ra := retryAfter(err); ra > delay {
				delay = ra
			}
		default:
			return last, err
		}
		select {
		case <-waitCtx.Done():
			if timedOut(nil) {
				return last, ErrWaitTimeout
			}
			return last, ctx.Err()
		case <-after(delay):
		}
	}
}

func throttled(err error) bool {
	return graph.IsStatus(err, http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout)
}

func retryAfter(err error) time.Duration {
	var gerr *graph.Error
	if errors.As(err, &gerr) {
		return gerr.RetryAfter
	}
	return 0
}
