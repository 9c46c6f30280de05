package provision

import (
	"context"
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
func DefaultPacing() *Pacing { return &Pacing{Limit: 5, Window: 10 * time.Second} }

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
