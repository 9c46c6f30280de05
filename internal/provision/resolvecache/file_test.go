package resolvecache

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// breakFile replaces the cache file with a non-empty directory.
func breakFile(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, FileName)
	mustNil(t, os.RemoveAll(p))
	mustNil(t, os.MkdirAll(filepath.Join(p, "x"), 0o700))
}

// Whatever is on disk, Open succeeds with an empty cache, and the next
// write replaces the bad file with a good one.
func TestBadFilesReadAsEmpty(t *testing.T) {
	good := func(t *testing.T, dir string) {
		c := mustOpen(t, dir, testScope, nil)
		mustNil(t, c.PutServicePrincipal("Box", box))
	}
	k := testScope.key()
	boxLine := `{"kind":"sp","key":"box","id":"stale","at":` + strconv.FormatInt(time.Now().Unix(), 10) + `}`
	scoped := func(lines ...string) []byte {
		return []byte(string(header) + `{"scope":"` + k + `"}` + "\n" + strings.Join(lines, "\n") + "\n")
	}
	cases := map[string][]byte{
		"garbage":         []byte("\x00\x01not json"),
		"truncated line":  scoped(boxLine[:strings.Index(boxLine, `,"at"`)]),
		"wrong types":     scoped(strings.Replace(boxLine, `"id":"stale"`, `"id":7`, 1)),
		"no id":           scoped(strings.Replace(boxLine, `"id":"stale",`, ``, 1)),
		"unknown kind":    scoped(strings.Replace(boxLine, `"sp"`, `"xx"`, 1)),
		"no scope line":   []byte(string(header) + boxLine + "\n"),
		"other scope":     []byte(string(header) + `{"scope":"` + otherScope.key() + `"}` + "\n" + boxLine + "\n"),
		"no header":       scoped(boxLine)[len(header):],
		"old version":     []byte(`{"version":0}` + string(scoped(boxLine)[len(header)-1:])),
		"a JSON document": []byte(`{"version":1,"scopes":{"` + k + `":{"sps":{"box":{"id":"stale","at":1}}}}}`),
		"null":            []byte(`null`),
		"empty":           {},
		"oversized":       append(scoped(boxLine), bytes.Repeat([]byte("\n"), maxFileSize)...),
	}
	// The control: the same line, intact, is found.
	ctl := t.TempDir()
	mustNil(t, os.WriteFile(filepath.Join(ctl, FileName), scoped(boxLine), 0o600))
	if sp, ok := mustOpen(t, ctl, testScope, nil).ServicePrincipal("Box"); !ok || sp.ID != "stale" {
		t.Fatalf("control: %+v, %v", sp, ok)
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			mustNil(t, os.WriteFile(filepath.Join(dir, FileName), content, 0o600))
			c := mustOpen(t, dir, testScope, nil)
			if _, ok := c.ServicePrincipal("Box"); ok {
				t.Fatal("hit from a bad file")
			}
			good(t, dir)
			if sp, ok := mustOpen(t, dir, testScope, nil).ServicePrincipal("Box"); !ok || sp != box {
				t.Errorf("after rewrite: %+v, %v", sp, ok)
			}
			readDisk(t, dir)
		})
	}
}

func TestDirectoryInsteadOfFile(t *testing.T) {
	dir := t.TempDir()
	breakFile(t, dir)
	c := mustOpen(t, dir, testScope, nil)
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Fatal("hit")
	}
	start := time.Now()
	if err := c.PutServicePrincipal("Box", box); err == nil {
		t.Error("Put over a directory reported success")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("failed write took %v", d)
	}
	// Nothing of ours is left behind, and the user's directory is untouched.
	assertNoTemp(t, dir)
	if _, err := os.Stat(filepath.Join(dir, FileName, "x")); err != nil {
		t.Error("the directory was modified")
	}
}

// Open fails only when the dir cannot be made; the caller then runs
// without a cache (a nil *Cache works as a disabled one).
func TestOpenFailsOnlyWithoutADir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	mustNil(t, os.WriteFile(f, nil, 0o600))
	if _, err := Open(f, testScope, DefaultTTL); err == nil {
		t.Error("Open on a regular file succeeded")
	}
	if _, err := Open(filepath.Join(f, "sub"), testScope, DefaultTTL); err == nil {
		t.Error("Open below a regular file succeeded")
	}
	if _, err := Open("", testScope, DefaultTTL); err == nil {
		t.Error("Open with no dir succeeded")
	}
}

// A newer provctl's file is neither read nor overwritten.
func TestNewerVersionUntouched(t *testing.T) {
	dir := t.TempDir()
	content := []byte(`{"version":2,"scopes":{}}`)
	p := filepath.Join(dir, FileName)
	mustNil(t, os.WriteFile(p, content, 0o600))
	c := mustOpen(t, dir, testScope, nil)
	if err := c.PutServicePrincipal("Box", box); err == nil {
		t.Error("Put over a newer file reported success")
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
		t.Errorf("newer file rewritten: %s", got)
	}
	if _, ok := c.ServicePrincipal("Box"); !ok {
		t.Error("the value is not kept for this process")
	}
}

// A writer stopped while holding the lock costs the others a skipped
// write after the timeout, never a hang.
func TestLockHeldWriteIsSkipped(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenWithOptions(dir, testScope, DefaultTTL, Options{LockTimeout: 100 * time.Millisecond})
	mustNil(t, err)
	holder := flock.New(filepath.Join(dir, FileName+".lock"))
	if ok, err := holder.TryLock(); !ok || err != nil {
		t.Fatal("could not take the lock", err)
	}
	defer holder.Unlock()
	start := time.Now()
	if err := c.PutServicePrincipal("Box", box); err == nil || !strings.Contains(err.Error(), "skipped") {
		t.Errorf("Put under a held lock: %v", err)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 2*time.Second {
		t.Errorf("gave up after %v, want about 100ms", d)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !os.IsNotExist(err) {
		t.Error("file written without the lock")
	}
	_ = holder.Unlock()
	mustNil(t, c.PutServicePrincipal("Box", box))
}

func TestOrphanTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	orphan := filepath.Join(dir, FileName+".tmp-12345")
	mustNil(t, os.WriteFile(orphan, []byte("half"), 0o600))
	mustNil(t, mustOpen(t, dir, testScope, nil).PutServicePrincipal("Box", box))
	assertNoTemp(t, dir)
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

// The caps keep a runaway caller from growing the file without bound.
func TestCaps(t *testing.T) {
	t.Run("per scope", func(t *testing.T) {
		dir := t.TempDir()
		clk := newFakeClock()
		// A full scope on disk, stamped oldest first, then five more writes.
		var es []entry
		for i := range maxPerScope {
			es = append(es, entry{Scope: testScope.key(), Kind: kindJob, Key: jobKey(box.ID, "ref"+strconv.Itoa(i)), SP: box.ID, ID: "job", At: clk.Now().Unix() - int64(maxPerScope-i)})
		}
		writeDisk(t, dir, es...)
		c := mustOpen(t, dir, testScope, clk)
		for i := range 5 {
			mustNil(t, c.PutJob(box.ID, "new"+strconv.Itoa(i), "job"))
		}
		if n := countScope(readDisk(t, dir), testScope); n != maxPerScope {
			t.Errorf("%d entries, want %d", n, maxPerScope)
		}
		for _, ref := range []string{"ref0", "ref4"} {
			if _, ok := c.Job(box.ID, ref); ok {
				t.Errorf("%s, among the oldest, was kept", ref)
			}
		}
		for _, ref := range []string{"ref5", "new4"} {
			if _, ok := c.Job(box.ID, ref); !ok {
				t.Errorf("%s was dropped", ref)
			}
		}
	})
	t.Run("total", func(t *testing.T) {
		dir := t.TempDir()
		clk := newFakeClock()
		// Three full tenants, each written a second after the previous.
		var es []entry
		for sc := range 3 {
			scope := Scope{Cloud: "c", Tenant: "t" + strconv.Itoa(sc)}.key()
			for i := range maxPerScope {
				es = append(es, entry{Scope: scope, Kind: kindSP, Key: strconv.Itoa(i), ID: "x", At: clk.Now().Unix() - int64(3-sc)})
			}
		}
		writeDisk(t, dir, es...)
		mustNil(t, mustOpen(t, dir, testScope, clk).MarkApplyAbsent())
		tb := readDisk(t, dir)
		if len(tb) != maxEntries {
			t.Errorf("%d entries, want %d", len(tb), maxEntries)
		}
		// 3001 entries: the 1001 oldest go, all of t0 and one of t1.
		for tenant, want := range map[string]int{"t0": 0, "t1": maxPerScope - 1, "t2": maxPerScope} {
			if n := countScope(tb, Scope{Cloud: "c", Tenant: tenant}); n != want {
				t.Errorf("%s kept %d entries, want %d", tenant, n, want)
			}
		}
		if countScope(tb, testScope) != 1 {
			t.Error("the new entry was dropped")
		}
	})
	t.Run("size", func(t *testing.T) {
		// Long names everywhere: encode drops other scopes, then the
		// oldest halves of ours, until the file fits.
		long := strings.Repeat("n", maxField)
		tb := table{}
		for sc := range 3 {
			for i := range maxPerScope {
				tb.put(entry{Scope: strconv.Itoa(sc), Kind: kindSP, Key: strconv.Itoa(i) + long, ID: long, AppID: long, Name: long, At: int64(i + 1)})
			}
		}
		c := &Cache{key: "1", ttl: DefaultTTL}
		out, err := c.apply(nil, func(t table, _ string, _ int64) {
			for k, e := range tb {
				t[k] = e
			}
		}, maxPerScope)
		mustNil(t, err)
		if len(out) > maxFileSize/2 {
			t.Errorf("encoded %d bytes", len(out))
		}
		got, _ := parse(out)
		for k := range got {
			if k.scope != "1" {
				t.Fatalf("scope %s kept", k.scope)
			}
		}
		if _, ok := got[entryKey{"1", kindSP, strconv.Itoa(maxPerScope-1) + long}]; !ok {
			t.Error("the newest entry was dropped")
		}
	})
}
