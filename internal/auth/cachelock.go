package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// lockTimeout bounds the wait for another provctl process holding the cache
// lock, so a stuck process cannot hang a CI job.
var lockTimeout = 10 * time.Second

// lockError means another process held the cache lock for too long.
type lockError struct{ path string }

func (e *lockError) Error() string {
	return fmt.Sprintf("the token cache is locked by another provctl process (waited %s for %s)", lockTimeout, e.path)
}

// lock takes the cache lock file (exclusive for writes), waiting at most
// lockTimeout. A new flock per call: MSAL may call Replace concurrently
// from several goroutines, and a Flock value is not safe for that.
func (c *fileCache) lock(ctx context.Context, exclusive bool) (func(), error) {
	return lockFile(ctx, c.path, ".lock", exclusive)
}

// redeemLock serializes silent token acquisition across processes. The
// cache lock is held per file operation only, so without this ten parallel
// processes with a refused token would all redeem the same refresh token;
// Entra may rotate it, failing all but the first. Under this lock the
// later ones find the first one's new token in the file instead.
func (c *fileCache) redeemLock(ctx context.Context) (func(), error) {
	return lockFile(ctx, c.path, ".redeem.lock", true)
}

func lockFile(ctx context.Context, path, suffix string, exclusive bool) (func(), error) {
	fl := flock.New(path+suffix, flock.SetPermissions(0o600))
	lctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	try := fl.TryRLockContext
	if exclusive {
		try = fl.TryLockContext
	}
	ok, err := try(lctx, 10*time.Millisecond)
	if ctx.Err() != nil {
		if ok { // taken just as ctx ended: don't leave it held for the next caller
			_ = fl.Unlock()
		}
		return nil, ctx.Err()
	}
	if !ok || err != nil {
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("locking the token cache: %w", err)
		}
		return nil, &lockError{path: path + suffix}
	}
	return func() { _ = fl.Unlock() }, nil
}
