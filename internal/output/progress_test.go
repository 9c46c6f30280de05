package output

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgressInPipePrintsStateChanges(t *testing.T) {
	s, out, errOut := Test()
	clock := newFakeClock()
	p := &stateLines{s: s, label: "poll", start: clock.now(), now: clock.now}

	p.Update("pending", "queued")
	clock.advance(5 * time.Second)
	p.Update("pending", "still queued") // same state: nothing
	clock.advance(7*time.Second + 400*time.Millisecond)
	p.Update("success", "")
	clock.advance(65 * time.Second)
	p.Update("failure", "Export \x1b[2J failed")
	p.Stop()
	p.Stop()
	p.Update("pending", "after stop")

	want := "poll: pending (queued), elapsed 0s\n" +
		"poll: success, elapsed 12s\n" +
		"poll: failure (Export \\x1b[2J failed), elapsed 1m17s\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr =\n%q\nwant\n%q", got, want)
	}
	assertNoEscape(t, errOut.String())
	if out.Len() != 0 {
		t.Errorf("stdout written: %q", out)
	}
}

func TestNewProgressChoosesByTerminal(t *testing.T) {
	s, _, errOut := Test()
	p := NewProgress(s, "poll")
	if _, ok := p.(*stateLines); !ok {
		t.Errorf("NewProgress on a pipe = %T, want *stateLines", p)
	}
	p.Stop()
	if errOut.Len() != 0 {
		t.Errorf("Stop without Update wrote %q", errOut)
	}

	s.StderrTTY = true
	p = NewProgress(s, "poll")
	sp, ok := p.(*spinner)
	if !ok {
		t.Fatalf("NewProgress on a terminal = %T, want *spinner", p)
	}
	p.Stop()
	<-sp.exited
}

func TestSpinnerLines(t *testing.T) {
	s, _, _ := Test()
	var buf syncBuffer
	s.ErrOut, s.StderrTTY = &buf, true
	clock := newFakeClock()
	sp := newSpinner(s, "Waiting for Box", time.Hour, clock.now) // no ticks

	clock.advance(3 * time.Second)
	sp.Update("pending", "queued")
	clock.advance(9 * time.Second)
	sp.Update("success", "")

	got := buf.String()
	want := "\r\x1b[K⠋ Waiting for Box  elapsed 0s" +
		"\r\x1b[K⠋ Waiting for Box  pending  queued  elapsed 3s" +
		"\r\x1b[K⠋ Waiting for Box  success  elapsed 12s"
	if got != want {
		t.Errorf("stderr =\n%q\nwant\n%q", got, want)
	}

	sp.Stop()
	sp.Stop()
	sp.Update("pending", "after stop")
	if got := buf.String(); got != want+"\r\x1b[K" {
		t.Errorf("after Stop stderr ends %q, want a single line clear", strings.TrimPrefix(got, want))
	}
	select {
	case <-sp.exited:
	default:
		t.Error("spinner goroutine still running after Stop")
	}
}

func TestSpinnerColorAndWidth(t *testing.T) {
	s, _, _ := Test()
	var buf syncBuffer
	s.ErrOut, s.StderrTTY, s.ErrColor, s.ErrWidth = &buf, true, true, 24
	clock := newFakeClock()
	sp := newSpinner(s, "poll", time.Hour, clock.now)
	sp.Update("pending", "a long detail that cannot fit \x1b]0;x\x07")
	sp.Stop()

	for _, line := range strings.Split(buf.String(), clearLine) {
		plain := sgr.ReplaceAllString(line, "")
		if w := displayWidth(plain); w > 23 {
			t.Errorf("line %q is %d wide, want <= 23", plain, w)
		}
		assertTerminalSafe(t, line, true)
	}
	if !strings.Contains(buf.String(), "\x1b[36m⠋\x1b[0m") {
		t.Errorf("spinner frame not colored: %q", buf.String())
	}
}

func TestSpinnerTicksAndIsRaceFree(t *testing.T) {
	s, _, _ := Test()
	var buf syncBuffer
	s.ErrOut, s.StderrTTY = &buf, true
	sp := newSpinner(s, "poll", time.Millisecond, time.Now)

	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				sp.Update([]string{"pending", "running"}[(i+j)%2], "")
			}
		}()
	}
	// Wait (without a time assertion) until the ticker has drawn a later frame.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), spinnerFrames[1]) {
		if time.Now().After(deadline) {
			t.Fatal("spinner never advanced")
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	done := make(chan struct{})
	go func() { sp.Stop(); close(done) }()
	sp.Stop() // concurrent Stops are fine
	<-done
	<-sp.exited
	if !strings.HasSuffix(buf.String(), clearLine) {
		t.Errorf("stderr does not end with a line clear: %q", buf.String())
	}
}

func TestElapsedText(t *testing.T) {
	tests := map[time.Duration]string{
		0:                         "0s",
		999 * time.Millisecond:    "0s",
		12 * time.Second:          "12s",
		65*time.Second + 1e8:      "1m5s",
		2*time.Hour + time.Second: "2h0m1s",
	}
	for d, want := range tests {
		if got := elapsedText(d); got != want {
			t.Errorf("elapsedText(%v) = %q, want %q", d, got, want)
		}
	}
}
