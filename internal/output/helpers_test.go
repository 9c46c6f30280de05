package output

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// sgr matches the color sequences the renderer itself writes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// assertTerminalSafe fails when s is not valid UTF-8 or holds a control
// character (C0 other than the layout's \n and \t, DEL, C1), a bidi
// control or another hidden rune. With colored set, the renderer's own SGR sequences are removed
// first.
func assertTerminalSafe(t *testing.T, s string, colored bool) {
	t.Helper()
	if colored {
		s = sgr.ReplaceAllString(s, "")
	}
	if !utf8.ValidString(s) {
		t.Errorf("output is not valid UTF-8: %q", s)
	}
	for i, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if isControl(r) || isHidden(r) {
			t.Errorf("output has raw %U at byte %d: %q", r, i, s)
			return
		}
	}
}

// assertNoEscape fails when s holds an ESC byte anywhere.
func assertNoEscape(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsRune(s, '\x1b') {
		t.Errorf("output has an ESC byte: %q", s)
	}
}

// syncBuffer is a bytes.Buffer safe to write from one goroutine and read
// from another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeClock is a settable time source.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
