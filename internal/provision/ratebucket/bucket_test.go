package ratebucket

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"
	"time"
)

var testKey = Key{Cloud: "global", Tenant: "contoso", Job: "scim.1"}

const (
	gLimit  = 5
	gWindow = 10 * time.Second
	gMargin = 100 * time.Millisecond // max(10s/100, 20ms)
)

func openFake(t *testing.T, dir string, c *fakeClock) *Bucket {
	t.Helper()
	b, err := OpenWithOptions(dir, testKey, gLimit, gWindow, c.opts())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readState(t *testing.T, b *Bucket) state {
	t.Helper()
	data, err := os.ReadFile(b.path)
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("state file %q: %v", data, err)
	}
	return st
}

func TestMargin(t *testing.T) {
	if got := Margin(10 * time.Second); got != gMargin {
		t.Errorf("Margin(10s) = %s", got)
	}
	if got := Margin(300 * time.Millisecond); got != 20*time.Millisecond {
		t.Errorf("Margin(300ms) = %s", got)
	}
}

func TestSixthWaitsForFirstToLeave(t *testing.T) {
	c := newFakeClock()
	b := openFake(t, t.TempDir(), c)
	ctx := context.Background()
	start := c.Now()
	for range gLimit {
		if err := b.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Second) // sends at 0s..4s
	}
	if s := c.Sleeps(); len(s) != 0 {
		t.Fatalf("first %d sends slept %v", gLimit, s)
	}
	at, err := b.wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := start.Add(gWindow + gMargin)
	if !at.Equal(want) {
		t.Errorf("6th sent at +%s, want +%s", at.Sub(start), want.Sub(start))
	}
	if s := c.Sleeps(); !slices.Equal(s, []time.Duration{want.Sub(start.Add(5 * time.Second))}) {
		t.Errorf("sleeps = %v", s)
	}
	st := readState(t, b)
	if len(st.Sent) != gLimit || st.Sent[len(st.Sent)-1] != want.UnixNano() {
		t.Errorf("state after 6th: %+v", st)
	}
	if st.Limit != gLimit || st.WindowMs != gWindow.Milliseconds() {
		t.Errorf("state rate = %d/%dms", st.Limit, st.WindowMs)
	}
}

func TestNextSlotDoesNotRecord(t *testing.T) {
	c := newFakeClock()
	b := openFake(t, t.TempDir(), c)
	start := c.Now()
	if got, _ := b.NextSlot(); !got.Equal(start) {
		t.Errorf("empty bucket: NextSlot = %s, want now", got)
	}
	for range gLimit {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	before := readState(t, b)
	got, err := b.NextSlot()
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(gWindow + gMargin); !got.Equal(want) {
		t.Errorf("NextSlot = +%s, want +%s", got.Sub(start), want.Sub(start))
	}
	if after := readState(t, b); !slices.Equal(before.Sent, after.Sent) {
		t.Errorf("NextSlot recorded: %v -> %v", before.Sent, after.Sent)
	}
}

func TestHoldIsShared(t *testing.T) {
	c := newFakeClock()
	dir := t.TempDir()
	a, b := openFake(t, dir, c), openFake(t, dir, c)
	start := c.Now()
	if err := a.Hold(start.Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// An earlier hold must not shorten the first.
	if err := a.Hold(start.Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.NextSlot(); !got.Equal(start.Add(30 * time.Second)) {
		t.Errorf("NextSlot = +%s, want +30s", got.Sub(start))
	}
	at, err := b.wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !at.Equal(start.Add(30 * time.Second)) {
		t.Errorf("sent at +%s, want +30s", at.Sub(start))
	}
}

func TestHoldIsBounded(t *testing.T) {
	c := newFakeClock()
	b := openFake(t, t.TempDir(), c)
	start := c.Now()
	if err := b.Hold(start.Add(1000 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.NextSlot(); !got.Equal(start.Add(maxHold)) {
		t.Errorf("NextSlot = +%s, want +%s", got.Sub(start), maxHold)
	}
	// A hold far ahead in the file (clock went back) is dropped.
	writeRaw(t, b, state{HoldUntil: start.Add(2 * maxHold).UnixNano()})
	if got, _ := b.NextSlot(); !got.Equal(start) {
		t.Errorf("after clock went back: NextSlot = +%s, want now", got.Sub(start))
	}
}

func writeRaw(t *testing.T, b *Bucket, st state) {
	t.Helper()
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b.path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptStateStartsOver(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":    "\x00\xffnot json",
		"wrong type": `{"limit":"x","sent":"nope"}`,
		"truncated":  `{"limit":5,"windowMs":10000,"sent":[1,2`,
		"empty":      ``,
		"null":       `null`,
	} {
		t.Run(name, func(t *testing.T) {
			c := newFakeClock()
			b := openFake(t, t.TempDir(), c)
			if err := os.WriteFile(b.path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			at, err := b.wait(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !at.Equal(c.Now()) || len(c.Sleeps()) != 0 {
				t.Errorf("corrupt file delayed the send: slept %v", c.Sleeps())
			}
			if st := readState(t, b); len(st.Sent) != 1 {
				t.Errorf("state not rewritten: %+v", st)
			}
		})
	}
}

func TestFutureTimestamps(t *testing.T) {
	c := newFakeClock()
	b := openFake(t, t.TempDir(), c)
	now := c.Now()
	// More than a window ahead: the clock went back; dropped.
	far := make([]int64, gLimit)
	for i := range far {
		far[i] = now.Add(gWindow + time.Second).UnixNano()
	}
	writeRaw(t, b, state{Sent: far})
	if at, err := b.wait(context.Background()); err != nil || !at.Equal(now) {
		t.Fatalf("far-future entries blocked: at +%s, err %v", at.Sub(now), err)
	}
	// Within a window ahead (another process's clock a little fast): counted.
	near := make([]int64, gLimit)
	for i := range near {
		near[i] = now.Add(2 * time.Second).UnixNano()
	}
	writeRaw(t, b, state{Sent: near})
	if got, _ := b.NextSlot(); !got.Equal(now.Add(2*time.Second + gWindow + gMargin)) {
		t.Errorf("NextSlot = +%s", got.Sub(now))
	}
}

func TestCallerRateWins(t *testing.T) {
	c := newFakeClock()
	dir := t.TempDir()
	now := c.Now()
	// The file was written by someone allowing 10 per window; we allow 5,
	// so the 6th must wait until 6 of the 10 have left.
	sent := make([]int64, 10)
	for i := range sent {
		sent[i] = now.Add(time.Duration(i-10) * 100 * time.Millisecond).UnixNano()
	}
	b := openFake(t, dir, c)
	writeRaw(t, b, state{Limit: 10, WindowMs: 60000, Sent: sent})
	got, _ := b.NextSlot()
	if want := time.Unix(0, sent[5]).Add(gWindow + gMargin); !got.Equal(want) {
		t.Errorf("NextSlot = %s, want %s", got, want)
	}
	if _, err := b.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := readState(t, b); st.Limit != gLimit || st.WindowMs != gWindow.Milliseconds() {
		t.Errorf("file rate = %d/%dms, want caller's", st.Limit, st.WindowMs)
	}
}

func TestWaitCanceled(t *testing.T) {
	c := newFakeClock()
	b := openFake(t, t.TempDir(), c)
	for range gLimit {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if st := readState(t, b); len(st.Sent) != gLimit {
		t.Errorf("canceled Wait recorded a send: %d entries", len(st.Sent))
	}
}

func TestWaitCanceledWhileSleeping(t *testing.T) {
	// Real clock: a full bucket with a one-hour window; cancel mid-sleep.
	b, err := Open(t.TempDir(), testKey, 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := b.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
}

func TestWaitCanceledWhileLocked(t *testing.T) {
	// Another holder of the lock (another process, as far as flock goes).
	dir := t.TempDir()
	b, err := Open(dir, testKey, 5, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(dir, testKey, 5, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := other.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want DeadlineExceeded", err)
	}
}

func TestInvalidRate(t *testing.T) {
	for _, r := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Second}, {-1, time.Second}, {5, 0}} {
		if _, err := Open(t.TempDir(), testKey, r.limit, r.window); err == nil {
			t.Errorf("Open(%d, %s) succeeded", r.limit, r.window)
		}
	}
}

func TestKeyFileName(t *testing.T) {
	a := Key{"global", "Contoso", "SCIM.1"}.fileName()
	if len(a) != 32 {
		t.Errorf("name %q: want 32 hex chars", a)
	}
	if b := (Key{"global", " contoso", "scim.1"}).fileName(); a != b {
		t.Errorf("case/space variants differ: %s %s", a, b)
	}
	// The separator keeps ("ab","c") and ("a","bc") apart.
	if (Key{"g", "ab", "c"}).fileName() == (Key{"g", "a", "bc"}).fileName() {
		t.Error("keys collide")
	}
	if (Key{"../..", "/etc", "x"}).fileName() == "" {
		t.Error("empty name")
	}
}
