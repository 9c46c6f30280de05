package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BulkCounts is where a bulk run stands: Done subjects have finished, out
// of Total (0 when unknown), by final state; Pending counts requests sent
// whose outcome is not known yet.
type BulkCounts struct{ Done, Total, Success, Warning, Skipped, Failed, Pending int }

// BulkProgress reports a run over many subjects on stderr. Its methods are
// safe for concurrent use.
type BulkProgress interface {
	// Item reports one subject finished (state success|warning|skipped|
	// failure|pending, name, reason may be empty) and the new counts.
	Item(name, state, reason string, c BulkCounts)
	// Set updates counts and the ETA without an item finishing (e.g. a
	// request sent); eta may be zero (unknown).
	Set(c BulkCounts, eta time.Duration)
	// Notef writes a message line to stderr (sanitized, line breaks kept)
	// without garbling the live line: it is cleared first and drawn again
	// after. While a BulkProgress runs, write to stderr only through Notef
	// and Warnf.
	Notef(format string, a ...any)
	// Warnf is Notef for a warning: "warning: <message>", as
	// [Streams.Warnf] writes it.
	Warnf(format string, a ...any)
	// Stop ends the report and clears the live line; it may be called more
	// than once. Notef and Warnf still write after Stop.
	Stop()
}

// BulkProgressOptions tune NewBulkProgress.
type BulkProgressOptions struct {
	// Quiet reports nothing (messages given to Notef and Warnf are still
	// written).
	Quiet bool
	// Heartbeat is how long a pipe may go without a line before one says
	// where the run stands; 0 means 30s.
	Heartbeat time.Duration
	// Label starts the live line; "" means "Provisioning".
	Label string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

const (
	defaultBulkHeartbeat = 30 * time.Second
	defaultBulkLabel     = "Provisioning"
	// bulkDefaultWidth is the width assumed for the live line when the
	// terminal's is unknown: narrower than tables assume (defaultWidth), as
	// a live line that wrapped could no longer be redrawn.
	bulkDefaultWidth = 80
	// bulkReasonWidth is where a reason is clipped in a pipe line.
	bulkReasonWidth = 160
	// bulkHeartbeatPoll is the most time between two heartbeat checks.
	bulkHeartbeatPoll = time.Second
)

// tickerFunc starts a ticker; tests pass one they drive by hand.
type tickerFunc func(d time.Duration) (<-chan time.Time, func())

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// NewBulkProgress starts reporting a run over total subjects on stderr.
//
// On a terminal one live line is redrawn in place until Stop clears it:
//
//	⠋ Provisioning 37/120  ✓ 30  ↷ 4  ✗ 2  … 1  2.5/s  ETA 3m20s
//
// (successes and failures always, warnings "!", skipped "↷" and pending "…"
// when there are any; the rate once two subjects are done; the ETA when
// the caller gave one). It is colored when ErrColor is on and cut to the
// terminal width (80 if unknown), never wrapped. Finished subjects are not
// listed: the caller's summary does that.
//
// Otherwise (a pipe, a CI log) each finished subject is one plain line,
// "[37/120] success adele@contoso.test" or "[38/120] failure bob@x: reason"
// (the reason clipped), and after each Heartbeat without one a line says
// where the run stands: "… 37/120 done, 12 pending, elapsed 2m30s, ETA 3m20s".
//
// Names, reasons and messages are sanitized. Call Stop when the run ends.
func NewBulkProgress(s *Streams, total int, opts BulkProgressOptions) BulkProgress {
	return newBulkProgress(s, total, opts, realTicker)
}

func newBulkProgress(s *Streams, total int, opts BulkProgressOptions, tick tickerFunc) BulkProgress {
	if opts.Quiet {
		return &bulkQuiet{s: s}
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = defaultBulkHeartbeat
	}
	if opts.Label == "" {
		opts.Label = defaultBulkLabel
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	b := &bulk{
		s:      s,
		label:  Sanitize(opts.Label),
		now:    opts.Now,
		start:  opts.Now(),
		counts: BulkCounts{Total: total},
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	b.last = b.start
	interval := spinnerInterval
	if s.StderrTTY {
		b.live = true
		b.mu.Lock()
		b.draw()
		b.mu.Unlock()
	} else {
		b.heartbeat = opts.Heartbeat
		interval = min(opts.Heartbeat, bulkHeartbeatPoll)
	}
	ticks, stopTicker := tick(interval)
	go b.run(ticks, stopTicker)
	return b
}

// bulk is the BulkProgress that reports: a live line on a terminal (live),
// plain lines otherwise.
type bulk struct {
	s         *Streams
	label     string
	now       func() time.Time
	start     time.Time
	live      bool
	heartbeat time.Duration // pipe only

	mu      sync.Mutex
	counts  BulkCounts
	eta     time.Duration
	frame   int       // live only
	last    time.Time // pipe only: when the last progress line was written
	stopped bool

	stop     chan struct{} // closed by Stop
	exited   chan struct{} // closed when the goroutine returns
	stopOnce sync.Once
}

// run redraws the live line (next spinner frame, rate) or writes heartbeats
// on each tick until Stop.
func (b *bulk) run(ticks <-chan time.Time, stopTicker func()) {
	defer close(b.exited)
	defer stopTicker()
	for {
		select {
		case <-b.stop:
			return
		case <-ticks:
			b.mu.Lock()
			if !b.stopped {
				b.tick()
			}
			b.mu.Unlock()
		}
	}
}

// tick is one tick of run; the caller holds mu.
func (b *bulk) tick() {
	if b.live {
		b.frame = (b.frame + 1) % len(spinnerFrames)
		b.draw()
		return
	}
	if now := b.now(); now.Sub(b.last) >= b.heartbeat {
		b.last = now
		b.writeHeartbeat(now)
	}
}

func (b *bulk) Item(name, state, reason string, c BulkCounts) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	b.setCounts(c)
	if b.live {
		b.draw()
		return
	}
	b.last = b.now()
	line := "[" + b.position() + "] " + Sanitize(state)
	if name != "" {
		line += " " + Sanitize(name)
	}
	if reason != "" {
		line += ": " + truncate(Sanitize(reason), bulkReasonWidth)
	}
	_, _ = io.WriteString(b.s.ErrOut, line+"\n")
}

func (b *bulk) Set(c BulkCounts, eta time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	b.setCounts(c)
	b.eta = eta
	if b.live {
		b.draw()
	}
}

// setCounts takes c; a Total of 0 keeps the one known.
func (b *bulk) setCounts(c BulkCounts) {
	if c.Total <= 0 {
		c.Total = b.counts.Total
	}
	b.counts = c
}

func (b *bulk) Notef(format string, a ...any) {
	b.message(func() { writeNote(b.s, fmt.Sprintf(format, a...)) })
}

func (b *bulk) Warnf(format string, a ...any) {
	b.message(func() { b.s.Warnf(format, a...) })
}

// message writes a message with the live line cleared and then drawn again.
func (b *bulk) message(write func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	live := b.live && !b.stopped
	if live {
		_, _ = io.WriteString(b.s.ErrOut, clearLine)
	}
	write()
	if live {
		b.draw()
	}
}

func (b *bulk) Stop() {
	b.stopOnce.Do(func() {
		b.mu.Lock()
		b.stopped = true
		if b.live {
			_, _ = io.WriteString(b.s.ErrOut, clearLine)
		}
		b.mu.Unlock()
		close(b.stop)
		<-b.exited
	})
}

// position is "37/120", or "37" when the total is unknown.
func (b *bulk) position() string {
	done := strconv.Itoa(b.counts.Done)
	if b.counts.Total > 0 {
		return done + "/" + strconv.Itoa(b.counts.Total)
	}
	return done
}

// writeHeartbeat writes the pipe's "where the run stands" line; the caller
// holds mu.
func (b *bulk) writeHeartbeat(now time.Time) {
	line := fmt.Sprintf("%s %s done, %d pending, elapsed %s", ellipsis, b.position(), b.counts.Pending, elapsedText(now.Sub(b.start)))
	if b.eta > 0 {
		line += ", ETA " + etaText(b.eta)
	}
	_, _ = io.WriteString(b.s.ErrOut, line+"\n")
}

// draw rewrites the live line; the caller holds mu. The label may be cut;
// every other part is shown whole or, with all after it, not at all, so
// the line never wraps (a wrapped line could not be rewritten with \r).
func (b *bulk) draw() {
	type part struct {
		text  string
		style Style
	}
	c := b.counts
	parts := []part{{b.label, Bold}, {b.position(), Plain}}
	count := func(glyph string, n int, style Style, always bool) {
		if n == 0 && !always {
			return
		}
		if n == 0 {
			style = Muted
		}
		parts = append(parts, part{glyph + " " + strconv.Itoa(n), style})
	}
	count("✓", c.Success, Success, true)
	count("!", c.Warning, Warning, false)
	count("↷", c.Skipped, Muted, false)
	count("✗", c.Failed, Failure, true)
	count(ellipsis, c.Pending, Pending, false)
	if r := rateText(c.Done, b.now().Sub(b.start)); r != "" {
		parts = append(parts, part{r, Muted})
	}
	if b.eta > 0 {
		parts = append(parts, part{"ETA " + etaText(b.eta), Muted})
	}

	room := b.s.bulkWidth() - 1
	var line strings.Builder
	line.WriteString(clearLine)
	frame := spinnerFrames[b.frame]
	if room >= displayWidth(frame) {
		line.WriteString(b.s.ErrPaint(Pending, frame))
		room -= displayWidth(frame)
	}
	for i, p := range parts {
		sep := "  "
		if i <= 1 {
			sep = " " // "⠋ Provisioning 37/120"
		}
		text := p.text
		if i == 0 {
			text = truncate(text, room-len(sep))
		} else if displayWidth(text) > room-len(sep) {
			break
		}
		if text == "" {
			break
		}
		room -= len(sep) + displayWidth(text)
		line.WriteString(sep)
		line.WriteString(b.s.ErrPaint(p.style, text))
	}
	_, _ = io.WriteString(b.s.ErrOut, line.String())
}

// bulkWidth is the width the live line must fit.
func (s *Streams) bulkWidth() int {
	if s.ErrWidth > 0 {
		return s.ErrWidth
	}
	return bulkDefaultWidth
}

// rateText is done items per unit of time ("2.5/s", "12.0/min", "3.0/h"),
// or "" before two are done.
func rateText(done int, elapsed time.Duration) string {
	if done < 2 || elapsed <= 0 {
		return ""
	}
	perSecond := float64(done) / elapsed.Seconds()
	switch {
	case perSecond >= 1:
		return strconv.FormatFloat(perSecond, 'f', 1, 64) + "/s"
	case perSecond*60 >= 1:
		return strconv.FormatFloat(perSecond*60, 'f', 1, 64) + "/min"
	}
	return strconv.FormatFloat(perSecond*3600, 'f', 1, 64) + "/h"
}

// etaText is d rounded to whole seconds, at least 1s: "3m20s".
func etaText(d time.Duration) string {
	return max(d.Round(time.Second), time.Second).String()
}

// writeNote writes one message line to stderr, sanitized, line breaks kept.
func writeNote(s *Streams, text string) {
	_, _ = io.WriteString(s.ErrOut, sanitizeText(strings.TrimSuffix(text, "\n"))+"\n")
}

// bulkQuiet is the BulkProgress of --quiet: no progress, messages only.
type bulkQuiet struct {
	s  *Streams
	mu sync.Mutex
}

func (*bulkQuiet) Item(string, string, string, BulkCounts) {}
func (*bulkQuiet) Set(BulkCounts, time.Duration)           {}
func (*bulkQuiet) Stop()                                   {}

func (q *bulkQuiet) Notef(format string, a ...any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	writeNote(q.s, fmt.Sprintf(format, a...))
}

func (q *bulkQuiet) Warnf(format string, a ...any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.s.Warnf(format, a...)
}
