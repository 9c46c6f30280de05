package provision

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// Pacing keeps provisionOnDemand within Graph's documented limit of 5
// requests per 10 seconds, so several subjects never draw a 429.
type Pacing struct {
	Limit  int
	Window time.Duration
	mu     sync.Mutex
	sent   []time.Time
	// now and sleep are replaced in tests.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// DefaultPacing is Graph's documented provisionOnDemand limit.
func DefaultPacing() *Pacing { return &Pacing{Limit: DefaultRate.Limit, Window: DefaultRate.Window} }

// Wait blocks until one more request fits in the window, then records it.
func (p *Pacing) Wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	now, sleep := p.now, p.sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = graph.SleepContext
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		t := now()
		cut := 0
		for cut < len(p.sent) && t.Sub(p.sent[cut]) >= p.Window {
			cut++
		}
		p.sent = p.sent[cut:]
		if len(p.sent) < p.Limit {
			p.sent = append(p.sent, t)
			return nil
		}
		if err := sleep(ctx, p.Window-t.Sub(p.sent[0])); err != nil {
			return err
		}
	}
}

// Answered moves the time recorded for the last request to now, when its
// answer came: Graph counts a request when it arrives, somewhere between
// the two, so spacing from the answer never exceeds Graph's window.
func (p *Pacing) Answered() {
	if p == nil {
		return
	}
	now := p.now
	if now == nil {
		now = time.Now
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.sent); n > 0 {
		p.sent[n-1] = now()
	}
}

// Rate is a request budget: Limit requests per Window.
type Rate struct {
	Limit  int
	Window time.Duration
}

// DefaultRate is Graph's documented provisionOnDemand limit per job.
var DefaultRate = Rate{Limit: 5, Window: 10 * time.Second}

// Interval is the mean time between requests at this rate.
func (r Rate) Interval() time.Duration {
	if r.Limit <= 0 {
		return 0
	}
	return r.Window / time.Duration(r.Limit)
}

// String spells the rate as the setting takes it: "5/10s".
func (r Rate) String() string { return fmt.Sprintf("%d/%s", r.Limit, r.Window) }

// ParseRate reads "N/D", e.g. "5/10s": N requests (1-1000) per duration D
// (100ms to 1h).
func ParseRate(s string) (Rate, error) {
	n, d, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, usagef("invalid rate %q: use N/DURATION, e.g. 5/10s", s)
	}
	limit, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || limit < 1 || limit > 1000 {
		return Rate{}, usagef("invalid rate %q: the count must be 1 to 1000", s)
	}
	window, err := time.ParseDuration(strings.TrimSpace(d))
	if err != nil || window < 100*time.Millisecond || window > time.Hour {
		return Rate{}, usagef("invalid rate %q: the window must be a duration from 100ms to 1h, e.g. 10s", s)
	}
	return Rate{Limit: limit, Window: window}, nil
}
