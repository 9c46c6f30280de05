package ratebucket

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Goroutines sharing one Bucket and others holding their own Bucket on
// the same file (as separate processes would) stay within the limit.
func TestConcurrentGoroutines(t *testing.T) {
	const (
		limit   = 4
		window  = 100 * time.Millisecond
		buckets = 3
		workers = 3 // per bucket
		each    = 2 // sends per worker
	)
	dir := t.TempDir()
	var (
		mu   sync.Mutex
		sent []time.Time
		wg   sync.WaitGroup
	)
	for range buckets {
		b, err := Open(dir, testKey, limit, window)
		if err != nil {
			t.Fatal(err)
		}
		for range workers {
			wg.Go(func() {
				for range each {
					at, err := b.wait(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					sent = append(sent, at)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if want := buckets * workers * each; len(sent) != want {
		t.Fatalf("%d sends, want %d", len(sent), want)
	}
	checkSpacing(t, sent, limit, window)
}
