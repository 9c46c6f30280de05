package output

import (
	"io"
	"sync"
	"time"
)

// DefaultHeartbeat is how long a wait written to a CI log, or a run over a
// list written to a pipe, goes without a line before one says where it
// stands.
const DefaultHeartbeat = defaultBulkHeartbeat

// WithHeartbeat returns p, the progress of a wait on a stderr that is not
// a terminal (one line per state change), with a heartbeat: each time
// every passes without a line, one more says the wait goes on,
//
//	… Waiting for the outcome of Box: still pending (apply), elapsed 1m0s
//
// so that a CI log shows the step is alive (and a CI that ends silent
// steps does not end it). every <= 0 returns p as it is. The label, state
// and detail are sanitized. Stop stops the heartbeat, then p.
func WithHeartbeat(s *Streams, p Progress, label string, every time.Duration) Progress {
	return withHeartbeat(s, p, label, every, time.Now, realTicker)
}

func withHeartbeat(s *Streams, p Progress, label string, every time.Duration, now func() time.Time, tick tickerFunc) Progress {
	if every <= 0 {
		return p
	}
	h := &heartbeat{
		s:      s,
		inner:  p,
		label:  Sanitize(label),
		every:  every,
		now:    now,
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	h.start = now()
	h.last = h.start
	ticks, stopTicker := tick(min(every, bulkHeartbeatPoll))
	go h.run(ticks, stopTicker)
	return h
}

// heartbeat is a Progress that adds heartbeat lines to another. Its lock
// is held while the other writes too, so lines never interleave.
type heartbeat struct {
	s     *Streams
	inner Progress
	label string
	every time.Duration
	now   func() time.Time
	start time.Time

	mu      sync.Mutex
	last    time.Time // when the last line was written
	state   string
	detail  string
	seen    bool // Update was called
	stopped bool

	stop     chan struct{} // closed by Stop
	exited   chan struct{} // closed when the goroutine returns
	stopOnce sync.Once
}

func (h *heartbeat) run(ticks <-chan time.Time, stopTicker func()) {
	defer close(h.exited)
	defer stopTicker()
	for {
		select {
		case <-h.stop:
			return
		case <-ticks:
			h.mu.Lock()
			if now := h.now(); !h.stopped && now.Sub(h.last) >= h.every {
				h.last = now
				h.write(now)
			}
			h.mu.Unlock()
		}
	}
}

// write writes the heartbeat line; the caller holds mu.
func (h *heartbeat) write(now time.Time) {
	line := ellipsis + " " + h.label + ": still "
	if !h.seen || h.state == "" {
		line += "waiting"
	} else {
		line += Sanitize(h.state)
	}
	if h.detail != "" {
		line += " (" + Sanitize(h.detail) + ")"
	}
	line += ", elapsed " + elapsedText(now.Sub(h.start))
	_, _ = io.WriteString(h.s.ErrOut, line+"\n")
}

func (h *heartbeat) Update(state, detail string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	if !h.seen || state != h.state {
		h.last = h.now() // the progress in a pipe writes a line for each new state
	}
	h.seen, h.state, h.detail = true, state, detail
	h.inner.Update(state, detail)
}

func (h *heartbeat) Stop() {
	h.stopOnce.Do(func() {
		h.mu.Lock()
		h.stopped = true
		h.mu.Unlock()
		close(h.stop)
		<-h.exited
		h.inner.Stop()
	})
}
