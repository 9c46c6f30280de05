package resolvecache

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	testScope  = Scope{Cloud: "https://graph.microsoft.com", Tenant: "contoso.onmicrosoft.com"}
	otherScope = Scope{Cloud: "https://graph.microsoft.com", Tenant: "fabrikam.onmicrosoft.com"}
)

// fakeClock is a settable clock shared by the caches of one test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) opts() Options { return Options{Now: c.Now} }

// mustOpen opens dir for scope with the default TTL and clk (nil: real clock).
func mustOpen(t testing.TB, dir string, scope Scope, clk *fakeClock) *Cache {
	t.Helper()
	var opts Options
	if clk != nil {
		opts = clk.opts()
	}
	c, err := OpenWithOptions(dir, scope, DefaultTTL, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// readDisk parses the cache file as written, failing on any line that
// is not a valid entry.
func readDisk(t testing.TB, dir string) table {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, header) || !bytes.HasSuffix(data, []byte("\n")) {
		t.Fatalf("no header or no final newline:\n%s", data)
	}
	var lines [][]byte
	for _, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))[1:] {
		if !bytes.HasPrefix(l, []byte(`{"scope":"`)) {
			lines = append(lines, l)
		}
	}
	for _, l := range lines {
		var e entry
		if err := json.Unmarshal(l, &e); err != nil || !e.valid() {
			t.Fatalf("bad line %q: %v", l, err)
		}
	}
	tb, newer := parse(data)
	if newer || len(tb) != len(lines) {
		t.Fatalf("%d lines parse as %d entries", len(lines), len(tb))
	}
	return tb
}

// countScope is how many entries scope holds.
func countScope(tb table, scope Scope) int {
	n := 0
	for k := range tb {
		if k.scope == scope.key() {
			n++
		}
	}
	return n
}

var box = SP{ID: "11111111-1111-1111-1111-111111111111", AppID: "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", DisplayName: "Box"}

// writeDisk stores entries as the cache file, as a writer would.
func writeDisk(t testing.TB, dir string, entries ...entry) {
	t.Helper()
	tb := table{}
	for _, e := range entries {
		tb.put(e)
	}
	data, err := encode(tb)
	mustNil(t, err)
	mustNil(t, os.WriteFile(filepath.Join(dir, FileName), data, 0o600))
}
