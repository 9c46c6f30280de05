package output

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeTicker is a tickerFunc the test drives. Sending on an unbuffered
// channel returns once the goroutine has taken the tick; the tick after it
// returns once that one has been handled.
type fakeTicker struct {
	ch       chan time.Time
	interval time.Duration
	stopped  atomic.Bool
}

func newFakeTicker() *fakeTicker { return &fakeTicker{ch: make(chan time.Time)} }

func (f *fakeTicker) start(d time.Duration) (<-chan time.Time, func()) {
	f.interval = d
	return f.ch, func() { f.stopped.Store(true) }
}

// tick delivers one tick and waits until it has been handled (a second,
// pipe-idempotent tick is the barrier: the clock has not moved, so it
// cannot write a heartbeat the first one did not).
func (f *fakeTicker) tick() {
	f.ch <- time.Time{}
	f.ch <- time.Time{}
}

func bulkOf(t *testing.T, p BulkProgress) *bulk {
	t.Helper()
	b, ok := p.(*bulk)
	if !ok {
		t.Fatalf("progress is %T, want *bulk", p)
	}
	return b
}

func assertStopped(t *testing.T, b *bulk, tk *fakeTicker) {
	t.Helper()
	select {
	case <-b.exited:
	default:
		t.Error("progress goroutine still running after Stop")
	}
	if !tk.stopped.Load() {
		t.Error("ticker not stopped")
	}
}

func TestBulkProgressInPipe(t *testing.T) {
	s, out, _ := Test()
	var errOut syncBuffer
	s.ErrOut = &errOut
	clock := newFakeClock()
	tk := newFakeTicker()
	p := newBulkProgress(s, 120, BulkProgressOptions{Now: clock.now}, tk.start)
	b := bulkOf(t, p)
	if tk.interval != time.Second {
		t.Errorf("heartbeat poll = %v, want 1s", tk.interval)
	}

	clock.advance(5 * time.Second)
	p.Set(BulkCounts{Total: 120, Pending: 3}, 0) // no line
	p.Item("adele@contoso.test", "success", "", BulkCounts{Done: 1, Total: 120, Success: 1, Pending: 2})
	p.Item("bob@x\x1b[2J\u202e", "failure", "Export failed:\nthe \x1b]0;title\x07 "+strings.Repeat("very ", 50)+"long reason",
		BulkCounts{Done: 2, Total: 120, Success: 1, Failed: 1, Pending: 1})
	p.Item("carol", "skipped", "NotEffectivelyEntitled", BulkCounts{Done: 3, Success: 1, Skipped: 1, Failed: 1}) // Total 0 keeps 120
	clock.advance(20 * time.Second)
	tk.tick() // 20s since the last line: nothing
	clock.advance(10 * time.Second)
	tk.tick() // 30s: heartbeat
	p.Set(BulkCounts{Done: 3, Total: 120, Pending: 12}, 200*time.Second)
	clock.advance(29 * time.Second)
	tk.tick() // 29s since the heartbeat: nothing
	clock.advance(time.Second)
	tk.tick()
	p.Notef("throttled by Graph: retrying in %ds\x1b[K", 4)
	p.Warnf("subject %q is not in the source", "dave")
	p.Item("", "pending", "", BulkCounts{Done: 4})
	p.Stop()
	p.Stop()
	p.Item("late", "success", "", BulkCounts{Done: 5})
	p.Set(BulkCounts{Done: 5}, time.Second)
	p.Notef("after Stop")

	lines := strings.Split(errOut.String(), "\n")
	reason := lines[1][strings.Index(lines[1], ": ")+2:]
	want := []string{
		"[1/120] success adele@contoso.test",
		"[2/120] failure bob@x\\x1b[2J\\u202e: " + reason,
		"[3/120] skipped carol: NotEffectivelyEntitled",
		"… 3/120 done, 0 pending, elapsed 35s",
		"… 3/120 done, 12 pending, elapsed 1m5s, ETA 3m20s",
		"throttled by Graph: retrying in 4s\\x1b[K",
		`warning: subject "dave" is not in the source`,
		"[4/120] pending",
		"after Stop",
		"",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr =\n%s\nwant\n%s", errOut.String(), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(reason, "Export failed: the \\x1b]0;title\\a very very") || !strings.HasSuffix(reason, "…") {
		t.Errorf("reason not sanitized and clipped: %q", reason)
	}
	if w := displayWidth(reason); w > bulkReasonWidth || w < bulkReasonWidth-1 { // a space before "…" is dropped
		t.Errorf("reason is %d wide, want clipped to %d", w, bulkReasonWidth)
	}
	assertNoEscape(t, errOut.String())
	assertTerminalSafe(t, errOut.String(), false)
	if out.Len() != 0 {
		t.Errorf("stdout written: %q", out)
	}
	assertStopped(t, b, tk)
}

func TestBulkProgressHeartbeatOptions(t *testing.T) {
	s, _, errOut := Test()
	clock := newFakeClock()
	tk := newFakeTicker()
	p := newBulkProgress(s, 0, BulkProgressOptions{Now: clock.now, Heartbeat: 200 * time.Millisecond}, tk.start)
	if tk.interval != 200*time.Millisecond {
		t.Errorf("heartbeat poll = %v, want the heartbeat", tk.interval)
	}
	clock.advance(200 * time.Millisecond)
	tk.tick()
	p.Item("x", "success", "", BulkCounts{Done: 1, Success: 1})
	p.Stop()
	if want := "… 0 done, 0 pending, elapsed 0s\n[1] success x\n"; errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
	assertStopped(t, bulkOf(t, p), tk)
}

func TestBulkProgressOnTerminal(t *testing.T) {
	s, out, _ := Test()
	var errOut syncBuffer
	s.ErrOut, s.StderrTTY = &errOut, true
	clock := newFakeClock()
	tk := newFakeTicker()
	p := newBulkProgress(s, 120, BulkProgressOptions{Now: clock.now}, tk.start)
	b := bulkOf(t, p)
	if tk.interval != spinnerInterval {
		t.Errorf("redraw interval = %v, want %v", tk.interval, spinnerInterval)
	}

	clock.advance(time.Second)
	p.Item("adele", "success", "", BulkCounts{Done: 1, Total: 120, Success: 1})
	p.Item("bob", "failure", "Export \x1b[2J failed", BulkCounts{Done: 2, Total: 120, Success: 1, Failed: 1})
	clock.advance(13*time.Second + 800*time.Millisecond)
	p.Set(BulkCounts{Done: 37, Total: 120, Success: 30, Skipped: 4, Failed: 2, Warning: 1, Pending: 1}, 200*time.Second)
	p.Notef("retrying \u202e%s", "carol")
	p.Set(BulkCounts{Done: 37, Total: 120, Success: 30, Skipped: 4, Failed: 2, Warning: 1}, 0)

	got := errOut.String()
	frames := strings.Split(got, clearLine)[1:]
	wantFrames := []string{
		"⠋ Provisioning 0/120  ✓ 0  ✗ 0",
		"⠋ Provisioning 1/120  ✓ 1  ✗ 0",
		"⠋ Provisioning 2/120  ✓ 1  ✗ 1  2.0/s",
		"⠋ Provisioning 37/120  ✓ 30  ! 1  ↷ 4  ✗ 2  … 1  2.5/s  ETA 3m20s",
		"retrying \\u202ecarol\n", // Notef: cleared, message, redrawn
		"⠋ Provisioning 37/120  ✓ 30  ! 1  ↷ 4  ✗ 2  … 1  2.5/s  ETA 3m20s",
		"⠋ Provisioning 37/120  ✓ 30  ! 1  ↷ 4  ✗ 2  2.5/s",
	}
	if strings.Join(frames, "|") != strings.Join(wantFrames, "|") {
		t.Errorf("stderr frames =\n%q\nwant\n%q", frames, wantFrames)
	}
	if strings.Contains(got, "bob") || strings.Contains(got, "Export") {
		t.Errorf("a failure was printed as a line on the terminal: %q", got)
	}

	// A tick draws the next spinner frame.
	tk.tick()
	if !strings.HasSuffix(errOut.String(), clearLine+spinnerFrames[1]+" Provisioning 37/120  ✓ 30  ! 1  ↷ 4  ✗ 2  2.5/s") &&
		!strings.HasSuffix(errOut.String(), clearLine+spinnerFrames[2]+" Provisioning 37/120  ✓ 30  ! 1  ↷ 4  ✗ 2  2.5/s") {
		t.Errorf("tick did not redraw: %q", errOut.String())
	}

	// The second tick of tk.tick() may still be drawing a frame: what
	// follows Stop is checked from its end, not against a snapshot.
	p.Stop()
	p.Stop()
	p.Item("late", "success", "", BulkCounts{Done: 38})
	p.Warnf("after %s", "Stop")
	if got := errOut.String(); !strings.HasSuffix(got, clearLine+"warning: after Stop\n") || strings.Contains(got, "late") {
		t.Errorf("after Stop stderr ends %q, want the line cleared, then the plain message, nothing for a late item", got[max(0, len(got)-120):])
	}
	assertNoEscape(t, strings.ReplaceAll(strings.ReplaceAll(errOut.String(), clearLine, ""), "\x1b", "ESC"))
	assertTerminalSafe(t, strings.ReplaceAll(errOut.String(), clearLine, ""), false)
	if out.Len() != 0 {
		t.Errorf("stdout written: %q", out)
	}
	assertStopped(t, b, tk)
}

func TestBulkProgressColorAndWidth(t *testing.T) {
	for _, width := range []int{0, 10, 24, 40, 200} {
		s, _, _ := Test()
		var errOut syncBuffer
		s.ErrOut, s.StderrTTY, s.ErrColor, s.ErrWidth = &errOut, true, true, width
		clock := newFakeClock()
		tk := newFakeTicker()
		label := "Provisioning users from a long file name\x1b]0;x\x07\u200b" + strings.Repeat("x", 100)
		p := newBulkProgress(s, 1200, BulkProgressOptions{Now: clock.now, Label: label}, tk.start)
		clock.advance(time.Minute)
		p.Set(BulkCounts{Done: 370, Total: 1200, Success: 300, Skipped: 40, Failed: 20, Warning: 10, Pending: 100}, 3*time.Hour)
		p.Notef("message")
		p.Stop()

		limit := width - 1
		if width == 0 {
			limit = bulkDefaultWidth - 1
		}
		for _, line := range strings.Split(errOut.String(), clearLine) {
			line = strings.TrimPrefix(line, "message\n")
			plain := sgr.ReplaceAllString(line, "")
			if w := displayWidth(plain); w > limit {
				t.Errorf("width %d: line %q is %d wide, want <= %d", width, plain, w, limit)
			}
			if strings.Contains(plain, "\n") {
				t.Errorf("width %d: live line has a newline: %q", width, plain)
			}
			assertTerminalSafe(t, line, true)
		}
		if width >= 200 && !strings.Contains(errOut.String(), "\x1b[32m✓ 300\x1b[0m") {
			t.Errorf("successes not colored: %q", errOut.String())
		}
		if width >= 200 && !strings.Contains(errOut.String(), "\x1b[31m✗ 20\x1b[0m") {
			t.Errorf("failures not colored: %q", errOut.String())
		}
	}

	// Without color there is no escape sequence but the line clears.
	s, _, errOut := Test()
	s.StderrTTY = true
	p := newBulkProgress(s, 3, BulkProgressOptions{}, newFakeTicker().start)
	p.Item("a", "failure", "x", BulkCounts{Done: 1, Total: 3, Failed: 1})
	p.Stop()
	assertNoEscape(t, strings.ReplaceAll(errOut.String(), clearLine, ""))
}

func TestBulkProgressQuiet(t *testing.T) {
	for _, tty := range []bool{false, true} {
		s, out, errOut := Test()
		s.StderrTTY = tty
		p := newBulkProgress(s, 10, BulkProgressOptions{Quiet: true}, func(time.Duration) (<-chan time.Time, func()) {
			t.Error("quiet progress started a ticker")
			return nil, func() {}
		})
		p.Set(BulkCounts{Done: 1}, time.Minute)
		p.Item("a", "failure", "boom", BulkCounts{Done: 2, Failed: 1})
		p.Stop()
		p.Stop()
		if errOut.Len() != 0 || out.Len() != 0 {
			t.Errorf("tty %v: quiet progress wrote %q / %q", tty, errOut, out)
		}
		p.Notef("note \x1b[2J")
		p.Warnf("careful")
		if want := "note \\x1b[2J\nwarning: careful\n"; errOut.String() != want {
			t.Errorf("tty %v: messages = %q, want %q", tty, errOut, want)
		}
	}
}

func TestNewBulkProgressChoosesAndStops(t *testing.T) {
	s, _, errOut := Test()
	p := NewBulkProgress(s, 2, BulkProgressOptions{})
	b := bulkOf(t, p)
	if b.live || b.heartbeat != defaultBulkHeartbeat || b.label != defaultBulkLabel {
		t.Errorf("pipe progress = %+v", b)
	}
	p.Stop()
	<-b.exited
	if errOut.Len() != 0 {
		t.Errorf("Stop without items wrote %q", errOut)
	}

	var buf syncBuffer
	s.ErrOut, s.StderrTTY = &buf, true
	p = NewBulkProgress(s, 2, BulkProgressOptions{Label: "Deprovisioning"})
	b = bulkOf(t, p)
	if !b.live {
		t.Error("terminal progress is not live")
	}
	p.Stop()
	<-b.exited
	if !strings.HasPrefix(buf.String(), clearLine+"⠋ Deprovisioning 0/2") || !strings.HasSuffix(buf.String(), clearLine) {
		t.Errorf("stderr = %q", buf.String())
	}

	if _, ok := NewBulkProgress(s, 2, BulkProgressOptions{Quiet: true}).(*bulkQuiet); !ok {
		t.Error("quiet progress is not bulkQuiet")
	}
}

func TestBulkProgressIsRaceFree(t *testing.T) {
	for _, tty := range []bool{false, true} {
		s, _, _ := Test()
		var buf syncBuffer
		s.ErrOut, s.StderrTTY = &buf, tty
		clock := newFakeClock()
		tk := newFakeTicker()
		p := newBulkProgress(s, 400, BulkProgressOptions{Now: clock.now, Heartbeat: time.Second}, tk.start)
		b := bulkOf(t, p)

		var wg sync.WaitGroup
		var done atomic.Int64
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					n := int(done.Add(1))
					p.Set(BulkCounts{Done: n - 1, Total: 400, Pending: 1}, time.Minute)
					p.Item("user", "success", "", BulkCounts{Done: n, Total: 400, Success: n})
					if n%25 == 0 {
						p.Notef("note %d", n)
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				clock.advance(time.Second)
				tk.ch <- time.Time{}
			}
		}()
		wg.Wait()
		stopped := make(chan struct{})
		go func() { p.Stop(); close(stopped) }()
		p.Stop()
		<-stopped
		assertStopped(t, b, tk)
		if tty {
			if !strings.HasSuffix(buf.String(), clearLine) {
				t.Errorf("stderr does not end with a line clear")
			}
			// Each piece between line clears is a live line (no newline)
			// or one whole message.
			for _, line := range strings.Split(buf.String(), clearLine) {
				if strings.Contains(line, "\n") && !(strings.HasPrefix(line, "note ") && strings.Count(line, "\n") == 1 && strings.HasSuffix(line, "\n")) {
					t.Errorf("garbled live line: %q", line)
				}
			}
		} else if got := strings.Count(buf.String(), "] success user\n"); got != 400 {
			t.Errorf("%d item lines, want 400", got)
		}
	}
}

func TestRateAndETAText(t *testing.T) {
	rates := []struct {
		done    int
		elapsed time.Duration
		want    string
	}{
		{0, time.Minute, ""},
		{1, time.Minute, ""},
		{2, 0, ""},
		{37, 14800 * time.Millisecond, "2.5/s"},
		{2, time.Second, "2.0/s"},
		{12, time.Minute, "12.0/min"},
		{3, time.Hour, "3.0/h"},
	}
	for _, r := range rates {
		if got := rateText(r.done, r.elapsed); got != r.want {
			t.Errorf("rateText(%d, %v) = %q, want %q", r.done, r.elapsed, got, r.want)
		}
	}
	etas := map[time.Duration]string{
		time.Millisecond:                      "1s",
		1500 * time.Millisecond:               "2s",
		200 * time.Second:                     "3m20s",
		2*time.Hour + 30*time.Second:          "2h0m30s",
		59*time.Second + 600*time.Millisecond: "1m0s",
	}
	for d, want := range etas {
		if got := etaText(d); got != want {
			t.Errorf("etaText(%v) = %q, want %q", d, got, want)
		}
	}
}
