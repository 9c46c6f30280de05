// Package ratebucket paces requests against a server-side rate limit
// shared by every process of the user on the machine: a sliding-window
// log kept in a small file under the config dir and guarded by a file
// lock, so parallel provctl runs on one provisioning job never draw a 429.
package ratebucket

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Key names one shared budget: Graph counts provisionOnDemand per job.
type Key struct{ Cloud, Tenant, Job string }

// Options replaces the clock in tests; zero fields mean the real clock.
type Options struct {
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Bucket is one process's handle on a shared budget. Safe for concurrent
// use; goroutines are serialized in-process and processes by the lock.
type Bucket struct {
	path   string // state file
	lock   *flock.Flock
	limit  int
	window time.Duration
	margin time.Duration
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	mu     sync.Mutex // a Flock value is not safe for concurrent lockers
	last   int64      // the time recorded for this process's last request
}

// lockRetry is how often a waiting process polls the lock; holders keep
// it for one read-modify-write only.
const lockRetry = 5 * time.Millisecond

// holdLockTimeout bounds Hold's wait for the lock (it has no ctx).
const holdLockTimeout = 10 * time.Second

// maxHold bounds a Retry-After hold, so a wild value or a clock that went
// back can never block every process for good.
const maxHold = 15 * time.Minute

// Open prepares dir and the state file for key; limit requests per window.
func Open(dir string, key Key, limit int, window time.Duration) (*Bucket, error) {
	return OpenWithOptions(dir, key, limit, window, Options{})
}

// OpenWithOptions is Open with an injectable clock.
func OpenWithOptions(dir string, key Key, limit int, window time.Duration, opts Options) (*Bucket, error) {
	if limit <= 0 || window <= 0 {
		return nil, fmt.Errorf("ratebucket: invalid rate %d per %s", limit, window)
	}
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	base := filepath.Join(dir, key.fileName())
	// Create the state file now so its mode is 0600 from the start; later
	// writes replace it by renaming a 0600 temp file.
	f, err := os.OpenFile(base+".json", os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ratebucket: %w", err)
	}
	_ = f.Close()
	b := &Bucket{
		path:   base + ".json",
		lock:   flock.New(base+".lock", flock.SetPermissions(0o600)),
		limit:  limit,
		window: window,
		margin: Margin(window),
		now:    opts.Now,
		sleep:  opts.Sleep,
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.sleep == nil {
		b.sleep = sleepContext
	}
	return b, nil
}

// Margin is added to the window so requests that reach the server with a
// little jitter still never exceed its window: max(window/100, 20ms).
func Margin(window time.Duration) time.Duration {
	return max(window/100, 20*time.Millisecond)
}

// fileName hashes the key so no user-supplied string reaches a path.
// Case and spaces are folded: tenant and job ids are case-insensitive.
func (k Key) fileName() string {
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	sum := sha256.Sum256([]byte("provctl-ratebucket/v1\x00" + norm(k.Cloud) + "\x00" + norm(k.Tenant) + "\x00" + norm(k.Job)))
	return hex.EncodeToString(sum[:])[:32]
}

// Wait blocks until one more request fits in the window for every process
// sharing the file, records it, and returns. ctx cancels the wait.
func (b *Bucket) Wait(ctx context.Context) error {
	_, err := b.wait(ctx)
	return err
}

// wait returns the time recorded for the request (tests check spacing).
func (b *Bucket) wait(ctx context.Context) (time.Time, error) {
	for {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		at, delay, err := b.tryTake(ctx)
		if err != nil {
			return time.Time{}, err
		}
		if delay <= 0 {
			return at, nil
		}
		// Sleep without the lock so other processes can take their turn.
		if err := b.sleep(ctx, delay); err != nil {
			return time.Time{}, err
		}
	}
}

// tryTake records a request if one fits now; otherwise it reports how
// long to wait before trying again.
func (b *Bucket) tryTake(ctx context.Context) (time.Time, time.Duration, error) {
	unlock, err := b.acquire(ctx)
	if err != nil {
		return time.Time{}, 0, err
	}
	defer unlock()
	now := b.now()
	st := b.load(now)
	if d := b.delay(st, now); d > 0 {
		return time.Time{}, d, nil
	}
	st.Sent = append(st.Sent, now.UnixNano())
	if err := b.store(st); err != nil {
		return time.Time{}, 0, err
	}
	b.last = now.UnixNano()
	return now, 0, nil
}

// Answered moves the time recorded for this process's last request to
// now, when its answer came. The server counts a request when it arrives,
// somewhere between the two; spacing the next requests from the answer
// keeps every server window within the limit whatever the latency (a first
// request's TLS handshake, a slow encoder), at the cost of one round trip
// per window.
func (b *Bucket) Answered() error {
	ctx, cancel := context.WithTimeout(context.Background(), holdLockTimeout)
	defer cancel()
	unlock, err := b.acquire(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	now := b.now()
	st := b.load(now)
	for i, t := range st.Sent {
		if t == b.last {
			st.Sent[i] = max(t, now.UnixNano())
			slices.Sort(st.Sent)
			b.last = 0
			return b.store(st)
		}
	}
	return nil // pruned already, or the file was reset: nothing to move
}

// Hold records that nobody may send before t (Graph's Retry-After after a
// 429), shared with other processes. An earlier hold is never shortened.
func (b *Bucket) Hold(t time.Time) error {
	// Bounded: a process stopped while holding the lock must not hang us.
	ctx, cancel := context.WithTimeout(context.Background(), holdLockTimeout)
	defer cancel()
	unlock, err := b.acquire(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	now := b.now()
	if limit := now.Add(maxHold); t.After(limit) {
		t = limit
	}
	st := b.load(now)
	if n := t.UnixNano(); n > st.HoldUntil {
		st.HoldUntil = n
	}
	return b.store(st)
}

// NextSlot reports, without recording, when the next request could be
// sent (for an ETA). It reads without the lock: writes are atomic renames.
func (b *Bucket) NextSlot() (time.Time, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	return now.Add(max(b.delay(b.load(now), now), 0)), nil
}

// delay is how long until st admits one more request (<= 0: now).
func (b *Bucket) delay(st *state, now time.Time) time.Duration {
	n := now.UnixNano()
	var d time.Duration
	if st.HoldUntil > n {
		d = time.Duration(st.HoldUntil - n)
	}
	if len(st.Sent) >= b.limit {
		// Sent is sorted; this entry must leave for one more to fit (more
		// than one when the file was written with a larger limit).
		leave := st.Sent[len(st.Sent)-b.limit]
		d = max(d, time.Duration(leave-n)+b.window+b.margin)
		if d <= 0 { // cannot happen after pruning; never spin
			d = time.Millisecond
		}
	}
	return d
}

// acquire takes the in-process mutex, then the cross-process lock.
func (b *Bucket) acquire(ctx context.Context) (func(), error) {
	b.mu.Lock()
	ok, err := b.lock.TryLockContext(ctx, lockRetry)
	if err == nil && !ok {
		err = errors.New("lock not taken")
	}
	if err != nil {
		b.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("ratebucket: locking %s: %w", b.lock.Path(), err)
	}
	return func() {
		_ = b.lock.Unlock()
		b.mu.Unlock()
	}, nil
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
