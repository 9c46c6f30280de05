package cmd

import (
	"fmt"
	"sync"

	"github.com/provctl/provctl/internal/output"
)

// doctorProgress shows on a terminal's stderr which check is running
// while the checklist is made (up to a minute on a slow network); in a
// pipe there is none, and stdout keeps only the checklist.
type doctorProgress struct {
	streams *output.Streams

	mu    sync.Mutex
	p     output.Progress
	state string
}

// startDoctorProgress starts the progress line, or returns nil when
// stderr is not a terminal. Every method is a no-op on nil.
func startDoctorProgress(s *output.Streams) *doctorProgress {
	if !s.StderrTTY {
		return nil
	}
	return &doctorProgress{streams: s, p: output.NewProgress(s, "provctl doctor")}
}

// started is the runner's Started: "checking sign-in (9 of 12)".
func (d *doctorProgress) started(name string, i, n int) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.state = fmt.Sprintf("checking %s (%d of %d)", name, i, n)
	if d.p != nil {
		d.p.Update(d.state, "")
	}
}

// warn prints a warning on its own line: the progress line is cleared
// first and drawn again after it.
func (d *doctorProgress) warn(print func(msg string)) func(msg string) {
	if d == nil || print == nil {
		return print
	}
	return func(msg string) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.p == nil {
			print(msg)
			return
		}
		d.p.Stop()
		print(msg)
		d.p = output.NewProgress(d.streams, "provctl doctor")
		if d.state != "" {
			d.p.Update(d.state, "")
		}
	}
}

// stop clears the progress line before the checklist is printed.
func (d *doctorProgress) stop() {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p != nil {
		d.p.Stop()
		d.p = nil
	}
}
