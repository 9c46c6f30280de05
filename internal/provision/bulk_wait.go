package provision

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// Reading the log entries of a bulk run: one query per interval for every
// request still waiting (the job's entries since the oldest of them),
// matched here to each request by LogMatch, so a wave of 1,000 users costs
// a few reads per interval, not 1,000.
const (
	bulkLogPage  = 500  // entries per page
	bulkLogLimit = 2000 // entries per poll; past it, the oldest are read one by one
	bulkLogOneBy = 5    // how many are then read one by one per poll
)

// logWaiter reads the entries of a bulk run's requests while more are sent.
type logWaiter struct {
	b     *bulk
	after func(time.Duration) <-chan time.Time

	mu     sync.Mutex
	items  []*awaiting // in send order
	closed bool        // nothing more will be added
	gaveUp bool        // the loop has ended; late additions are pending
	done   chan struct{}
	err    error
}

// awaiting is one request whose entry has not been read.
type awaiting struct {
	subj    RunSubject
	match   LogMatch
	request *Request
}

func newLogWaiter(b *bulk) *logWaiter {
	return &logWaiter{b: b, after: time.After, done: make(chan struct{})}
}

// add waits for m's entry; answer is Graph's synchronous answer (nil when
// an earlier run sent the request).
func (w *logWaiter) add(subj RunSubject, m LogMatch, answer *Outcome) {
	req := w.b.request(subj, nil)
	if answer != nil && answer.Request != nil {
		req = answer.Request
	} else if subj.resumed != nil {
		sentAt := subj.resumed.SentAt
		req.SentAt = &sentAt
	}
	it := &awaiting{subj: subj, match: m, request: req}
	w.b.waiting()
	w.mu.Lock()
	if w.gaveUp {
		// The loop has ended (Ctrl-C while this request was in flight).
		w.mu.Unlock()
		w.pendingOutcome(it)
		return
	}
	w.items = append(w.items, it)
	w.mu.Unlock()
}

// close says nothing more will be added; the loop ends once all are read.
func (w *logWaiter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

// wait blocks until the loop has ended and returns why it ended early.
func (w *logWaiter) wait() error {
	<-w.done
	return w.err
}

func (w *logWaiter) finished() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed && len(w.items) == 0
}

// loop polls every interval until every entry is read, ctx ends (Ctrl-C,
// --timeout: the rest are recorded pending), or the logs cannot be read.
// Without --wait (only an earlier run's requests to read) it reads once.
func (w *logWaiter) loop(ctx context.Context) {
	defer close(w.done)
	interval := cmp.Or(w.b.r.Interval, 5*time.Second)
	first := true
	for !w.finished() {
		delay := interval
		if first && !w.b.r.Wait {
			delay = 0
		}
		first = false
		select {
		case <-ctx.Done():
			w.giveUp()
			return
		case <-w.after(delay):
		}
		err := w.poll(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			w.giveUp()
			return
		case err != nil && graph.IsStatus(err, 429, 503):
			continue // throttled even after retries: try at the next interval
		case err != nil:
			w.err = fmt.Errorf("read the provisioning logs of job %s: %w", w.b.jobID, err)
			w.giveUp()
			return
		}
		if !w.b.r.Wait && w.isClosed() {
			w.giveUp()
			return
		}
	}
}

func (w *logWaiter) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// poll reads the job's entries since the oldest waiting request and
// records each one found.
func (w *logWaiter) poll(ctx context.Context) error {
	w.mu.Lock()
	items := append([]*awaiting(nil), w.items...)
	w.mu.Unlock()
	if len(items) == 0 {
		return nil
	}
	oldest := items[0].match.NotBefore
	for _, it := range items {
		if it.match.NotBefore.Before(oldest) {
			oldest = it.match.NotBefore
		}
	}
	q := LogQuery{JobID: w.b.jobID, Top: bulkLogPage, Limit: bulkLogLimit}
	if !oldest.IsZero() {
		q.After = oldest.Add(-time.Second).UTC().Format(time.RFC3339)
	}
	entries, raws, err := w.b.s.Logs(ctx, q)
	if err != nil {
		return err
	}
	order := newestFirst(entries)
	var left []*awaiting
	for _, it := range items {
		found := false
		for _, i := range order {
			if it.match.matches(&entries[i]) {
				o := FromLog(w.b.spID, &entries[i], raws[i])
				if o.State.Final() {
					w.resolve(it, o)
					found = true
				}
				break
			}
		}
		if !found {
			left = append(left, it)
		}
	}
	if len(entries) < bulkLogLimit {
		return nil
	}
	// The page limit was reached: the oldest requests' entries may lie
	// beyond it, so a few are read one by one each time.
	for _, it := range left[:min(len(left), bulkLogOneBy)] {
		o, err := w.b.s.FindLogOutcome(ctx, it.match)
		if err != nil {
			return err
		}
		if o.State.Final() {
			w.resolve(it, o)
		}
	}
	return nil
}

// resolve records it's entry and stops waiting for it.
func (w *logWaiter) resolve(it *awaiting, o *Outcome) {
	if o.JobID == "" {
		o.JobID = w.b.jobID
	}
	o.Request = it.request
	w.mu.Lock()
	for i, x := range w.items {
		if x == it {
			w.items = append(w.items[:i], w.items[i+1:]...)
			break
		}
	}
	w.mu.Unlock()
	w.b.completeWaited(o)
}

// giveUp records every request still waiting as pending, with the time it
// was sent, so a resume reads its entry rather than sending it again.
func (w *logWaiter) giveUp() {
	w.mu.Lock()
	items := w.items
	w.items = nil
	w.closed, w.gaveUp = true, true
	w.mu.Unlock()
	for _, it := range items {
		w.pendingOutcome(it)
	}
}

func (w *logWaiter) pendingOutcome(it *awaiting) {
	o := it.match.pending()
	o.Request = it.request
	w.b.completeWaited(o)
}
