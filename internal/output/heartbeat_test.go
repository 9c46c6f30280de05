package output

import (
	"strings"
	"testing"
	"time"
)

func heartbeatOf(t *testing.T, p Progress) *heartbeat {
	t.Helper()
	h, ok := p.(*heartbeat)
	if !ok {
		t.Fatalf("progress is %T, want *heartbeat", p)
	}
	return h
}

func TestHeartbeat(t *testing.T) {
	s, _, _ := Test()
	var errOut syncBuffer
	s.ErrOut = &errOut
	clock := newFakeClock()
	tk := newFakeTicker()
	label := "Waiting for the outcome of Box\u202e\x1b[2J"
	inner := &stateLines{s: s, label: Sanitize(label), start: clock.now(), now: clock.now}
	p := withHeartbeat(s, inner, label, 30*time.Second, clock.now, tk.start)
	h := heartbeatOf(t, p)
	if tk.interval != time.Second {
		t.Errorf("checks every %v, want 1s", tk.interval)
	}

	clock.advance(30 * time.Second)
	tk.tick() // nothing said yet for 30s: a heartbeat without a state
	p.Update("pending", "apply")
	clock.advance(29 * time.Second)
	tk.tick() // 29s since the last line: nothing
	clock.advance(time.Second)
	tk.tick()
	clock.advance(15 * time.Second)
	p.Update("pending", "apply") // the same state: the pipe prints nothing, the heartbeat goes on
	clock.advance(15 * time.Second)
	tk.tick()
	clock.advance(10 * time.Second)
	p.Update("success", "apply")
	clock.advance(25 * time.Second)
	tk.tick() // 25s after the line for success: nothing
	p.Stop()
	p.Stop()
	clock.advance(time.Hour)
	p.Update("failure", "")

	want := []string{
		`… Waiting for the outcome of Box\u202e\x1b[2J: still waiting, elapsed 30s`,
		`Waiting for the outcome of Box\u202e\x1b[2J: pending (apply), elapsed 30s`,
		`… Waiting for the outcome of Box\u202e\x1b[2J: still pending (apply), elapsed 1m0s`,
		`… Waiting for the outcome of Box\u202e\x1b[2J: still pending (apply), elapsed 1m30s`,
		`Waiting for the outcome of Box\u202e\x1b[2J: success (apply), elapsed 1m40s`,
	}
	if got := errOut.String(); got != strings.Join(want, "\n")+"\n" {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	assertTerminalSafe(t, errOut.String(), false)
	select {
	case <-h.exited:
	default:
		t.Error("heartbeat goroutine still running after Stop")
	}
	if !tk.stopped.Load() || !inner.stopped {
		t.Error("ticker or inner progress not stopped")
	}
}

func TestHeartbeatShortInterval(t *testing.T) {
	s, _, _ := Test()
	tk := newFakeTicker()
	clock := newFakeClock()
	p := withHeartbeat(s, &stateLines{s: s, now: clock.now}, "x", 200*time.Millisecond, clock.now, tk.start)
	if tk.interval != 200*time.Millisecond {
		t.Errorf("checks every %v, want the heartbeat", tk.interval)
	}
	p.Stop()
}

func TestHeartbeatOff(t *testing.T) {
	s, _, _ := Test()
	inner := NewProgress(s, "x")
	for _, d := range []time.Duration{0, -time.Second} {
		if p := WithHeartbeat(s, inner, "x", d); p != inner {
			t.Errorf("every %v: got %T, want the progress itself", d, p)
		}
	}
	inner.Stop()
}
