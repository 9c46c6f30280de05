package provision

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

func instant(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}

func TestWaitUntilFinal(t *testing.T) {
	states := []State{StatePending, StatePending, StateSuccess}
	n := 0
	var seen []State
	o, err := Wait(context.Background(), func(context.Context) (*Outcome, error) {
		s := states[n]
		n++
		return &Outcome{State: s}, nil
	}, WaitOptions{Interval: time.Second, Timeout: time.Hour, After: instant, OnPoll: func(o *Outcome, _ time.Duration) { seen = append(seen, o.State) }})
	if err != nil || o.State != StateSuccess || n != 3 || len(seen) != 3 {
		t.Fatalf("o=%v err=%v polls=%d seen=%v", o, err, n, seen)
	}
}

func TestWaitThrottledUsesRetryAfter(t *testing.T) {
	var delays []time.Duration
	after := func(d time.Duration) <-chan time.Time { delays = append(delays, d); return instant(d) }
	n := 0
	_, err := Wait(context.Background(), func(context.Context) (*Outcome, error) {
		n++
		if n == 1 {
			return nil, &graph.Error{StatusCode: 429, RetryAfter: 7 * time.Second, HasRetryAfter: true}
		}
		return &Outcome{State: StateFailure}, nil
	}, WaitOptions{Interval: time.Second, Timeout: time.Hour, After: after})
	if err != nil {
		t.Fatal(err)
	}
	if len(delays) != 1 || delays[0] != 7*time.Second {
		t.Fatalf("delays = %v, want the Retry-After of 7s", delays)
	}
}

func TestWaitTimeoutReturnsLastOutcome(t *testing.T) {
	o, err := Wait(context.Background(), func(context.Context) (*Outcome, error) {
		return &Outcome{State: StatePending}, nil
	}, WaitOptions{Interval: 10 * time.Millisecond, Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrWaitTimeout) || o == nil || o.State != StatePending {
		t.Fatalf("o=%v err=%v", o, err)
	}
}

func TestWaitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Wait(ctx, func(context.Context) (*Outcome, error) {
		n++
		if n == 2 {
			cancel()
		}
		return &Outcome{State: StatePending}, nil
	}, WaitOptions{Interval: time.Millisecond, Timeout: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestWaitOtherErrorStops(t *testing.T) {
	boom := &graph.Error{StatusCode: 404, Code: "ResourceNotFound"}
	_, err := Wait(context.Background(), func(context.Context) (*Outcome, error) { return nil, boom }, WaitOptions{After: instant})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}
