package output

import (
	"io"
	"strings"
	"sync"
	"time"
)

// Progress reports a long wait on stderr.
type Progress interface {
	// Update records the current state and a detail (either may be empty).
	Update(state, detail string)
	// Stop ends the report; it may be called more than once.
	Stop()
}

// spinnerFrames are the braille frames of the terminal spinner.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// spinnerInterval is how often the spinner redraws.
const spinnerInterval = 100 * time.Millisecond

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// NewProgress starts reporting a wait labelled label on stderr. On a terminal
// it draws a spinner line "label  state  elapsed 12s" that it redraws in
// place until Stop clears it. Otherwise it writes one plain line,
// "label: state (detail), elapsed 12s", each time the state changes.
//
// Do not write other messages to stderr between NewProgress and Stop.
func NewProgress(s *Streams, label string) Progress {
	if s.StderrTTY {
		return newSpinner(s, label, spinnerInterval, time.Now)
	}
	return &stateLines{s: s, label: Sanitize(label), start: time.Now(), now: time.Now}
}

// elapsedText is d in whole seconds: "12s", "1m5s".
func elapsedText(d time.Duration) string {
	return d.Truncate(time.Second).String()
}

// stateLines is the Progress for a stream that is not a terminal.
type stateLines struct {
	s     *Streams
	label string
	start time.Time
	now   func() time.Time

	mu      sync.Mutex
	last    string
	printed bool
	stopped bool
}

func (p *stateLines) Update(state, detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || (p.printed && state == p.last) {
		return
	}
	p.last, p.printed = state, true
	line := p.label + ": " + Sanitize(state)
	if detail != "" {
		line += " (" + Sanitize(detail) + ")"
	}
	line += ", elapsed " + elapsedText(p.now().Sub(p.start))
	_, _ = io.WriteString(p.s.ErrOut, line+"\n")
}

func (p *stateLines) Stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
}

// spinner is the Progress for a terminal: a goroutine redraws one line.
type spinner struct {
	s     *Streams
	label string
	start time.Time
	now   func() time.Time

	mu      sync.Mutex
	state   string
	detail  string
	frame   int
	stopped bool

	stop     chan struct{} // closed by Stop
	exited   chan struct{} // closed when the goroutine returns
	stopOnce sync.Once
}

func newSpinner(s *Streams, label string, interval time.Duration, now func() time.Time) *spinner {
	sp := &spinner{
		s:      s,
		label:  Sanitize(label),
		start:  now(),
		now:    now,
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	sp.mu.Lock()
	sp.draw()
	sp.mu.Unlock()
	go sp.run(interval)
	return sp
}

func (sp *spinner) run(interval time.Duration) {
	defer close(sp.exited)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-sp.stop:
			return
		case <-ticker.C:
			sp.mu.Lock()
			if !sp.stopped {
				sp.frame = (sp.frame + 1) % len(spinnerFrames)
				sp.draw()
			}
			sp.mu.Unlock()
		}
	}
}

func (sp *spinner) Update(state, detail string) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.stopped {
		return
	}
	sp.state, sp.detail = Sanitize(state), Sanitize(detail)
	sp.draw()
}

func (sp *spinner) Stop() {
	sp.stopOnce.Do(func() {
		sp.mu.Lock()
		sp.stopped = true
		sp.mu.Unlock()
		close(sp.stop)
		<-sp.exited
		_, _ = io.WriteString(sp.s.ErrOut, clearLine)
	})
}

// draw rewrites the line; the caller holds mu. Each part is cut to the
// room left before it is painted: a line that wrapped could not be
// rewritten with \r.
func (sp *spinner) draw() {
	type part struct {
		sep, text string
		style     Style
	}
	parts := []part{{"", spinnerFrames[sp.frame], Pending}, {" ", sp.label, Bold}}
	if sp.state != "" {
		parts = append(parts, part{"  ", sp.state, Plain})
	}
	if sp.detail != "" {
		parts = append(parts, part{"  ", sp.detail, Muted})
	}
	parts = append(parts, part{"  ", "elapsed " + elapsedText(sp.now().Sub(sp.start)), Muted})

	room := sp.s.errWidth() - 1
	var line strings.Builder
	line.WriteString(clearLine)
	for _, p := range parts {
		if p.text == "" {
			continue
		}
		text := truncate(p.text, room-len(p.sep))
		if text == "" {
			break
		}
		room -= len(p.sep) + displayWidth(text)
		line.WriteString(p.sep)
		line.WriteString(sp.s.ErrPaint(p.style, text))
	}
	_, _ = io.WriteString(sp.s.ErrOut, line.String())
}
