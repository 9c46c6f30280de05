package resolvecache

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

const perWriter = 50

// patient is for the concurrency tests, which check that no write is
// lost: under -race on a loaded machine a writer may wait past the
// default 2 s, and a skipped write would read as a lost one.
var patient = Options{LockTimeout: time.Minute}

func openPatient(t testing.TB, dir string) *Cache {
	t.Helper()
	c, err := OpenWithOptions(dir, testScope, DefaultTTL, patient)
	mustNil(t, err)
	return c
}

// putMany stores perWriter entries named after writer.
func putMany(c *Cache, writer string) error {
	for i := range perWriter {
		ref := fmt.Sprintf("%s-%d", writer, i)
		if err := c.PutServicePrincipal(ref, SP{ID: "id-" + ref}); err != nil {
			return err
		}
	}
	return nil
}

// checkAll asserts every writer's entries are in the file, with the
// right ids, and that it parses.
func checkAll(t *testing.T, dir string, writers ...string) {
	t.Helper()
	readDisk(t, dir)
	c := mustOpen(t, dir, testScope, nil)
	for _, w := range writers {
		for i := range perWriter {
			ref := fmt.Sprintf("%s-%d", w, i)
			if sp, ok := c.ServicePrincipal(ref); !ok || sp.ID != "id-"+ref {
				t.Errorf("%s: %+v, %v", ref, sp, ok)
			}
		}
	}
	if n := countScope(readDisk(t, dir), testScope); n != perWriter*len(writers) {
		t.Errorf("%d entries, want %d", n, perWriter*len(writers))
	}
}

// Goroutines with their own Cache (as separate commands would be) and
// goroutines sharing one: no write is lost.
func TestConcurrentGoroutines(t *testing.T) {
	dir := t.TempDir()
	shared := openPatient(t, dir)
	writers := []string{"own-a", "own-b", "shared-a", "shared-b"}
	var wg sync.WaitGroup
	for _, w := range writers {
		c := shared
		if w[:3] == "own" {
			c = openPatient(t, dir)
		}
		wg.Go(func() {
			if err := putMany(c, w); err != nil {
				t.Error(err)
			}
			// Readers run alongside writers without the lock.
			for i := range perWriter {
				c.ServicePrincipal(fmt.Sprintf("%s-%d", w, i))
			}
		})
	}
	wg.Wait()
	checkAll(t, dir, writers...)
}
