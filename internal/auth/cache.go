package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/gofrs/flock"
)

// File names inside Config.ConfigDir.
const (
	cacheFileName   = "msal_token_cache.json"
	accountFileName = "account.json"
)

// lockTimeout bounds the wait for another provctl process holding the cache
// lock, so a stuck process cannot hang a CI job.
var lockTimeout = 10 * time.Second

// fileCache is MSAL's persistent token cache: one JSON file (MSAL's
// cross-language format), 0600, replaced atomically, guarded by a lock file
// shared by all provctl processes. It implements cache.ExportReplace.
//
// The lock is held per operation, not across MSAL's read-modify-write, so
// two processes writing at the same instant keep the last writer's tokens
// (the loser just redeems its refresh token again later); the file is
// always complete, valid JSON.
type fileCache struct {
	path string
	warn func(string)
	evictor

	mu      sync.Mutex
	problem error // why the file on disk could not be used; nil when fine
	warned  bool
}

var _ cache.ExportReplace = (*fileCache)(nil)

func newFileCache(cfg Config) *fileCache {
	return &fileCache{path: filepath.Join(cfg.ConfigDir, cacheFileName), warn: cfg.warn}
}

// Replace loads the file into MSAL. A missing file is an empty cache. An
// unreadable or corrupted one is treated as empty too (so `provctl login`
// can overwrite it) and remembered in problem, which silent sign-in turns
// into a clear error instead of a crash.
func (c *fileCache) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	data, err := c.read(ctx)
	var lockErr *lockError
	if errors.As(err, &lockErr) || ctx.Err() != nil {
		return err
	}
	if err == nil && len(bytes.TrimSpace(data)) > 0 && !isJSONObject(data) {
		err = errNotJSON
	}
	if err == nil {
		if u.Unmarshal(c.filter(data)) == nil {
			c.setProblem(nil)
			return nil
		}
		err = errNotCache
	}
	c.setProblem(err)
	return u.Unmarshal(nil)
}

// Export writes MSAL's cache to the file, unless the file already holds
// exactly that.
func (c *fileCache) Export(ctx context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	data, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("encoding the token cache: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	unlock, err := c.lock(ctx, true)
	if err != nil {
		return err
	}
	defer unlock()
	if old, err := os.ReadFile(c.path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := writeFileAtomic(c.path, data); err != nil {
		return fmt.Errorf("writing the token cache %s: %w", c.path, err)
	}
	c.setProblem(nil)
	return nil
}

// clear replaces the file with an empty cache (`provctl logout`).
func (c *fileCache) clear(ctx context.Context) error {
	if _, err := os.Lstat(c.path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unlock, err := c.lock(ctx, true)
	if err != nil {
		return err
	}
	defer unlock()
	if err := writeFileAtomic(c.path, []byte("{}")); err != nil {
		return fmt.Errorf("clearing the token cache %s: %w", c.path, err)
	}
	c.setProblem(nil)
	return nil
}

// read returns the file's content under a shared lock; nil when missing.
func (c *fileCache) read(ctx context.Context) ([]byte, error) {
	if _, err := os.Lstat(c.path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // nothing to lock for: don't create the directory on a read
	}
	unlock, err := c.lock(ctx, false)
	var lockErr *lockError
	switch {
	case err == nil:
		defer unlock()
	case errors.As(err, &lockErr) || ctx.Err() != nil:
		return nil, err
	default:
		// The lock file cannot be created (read-only directory with a
		// pre-seeded cache): reading without it is still safe, because
		// writers replace the file atomically.
	}
	data, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

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

// setProblem records whether the file was usable, warning once per
// process when it is not.
func (c *fileCache) setProblem(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problem = err
	if err != nil && !c.warned && c.warn != nil {
		c.warned = true
		c.warn(fmt.Sprintf("ignoring the token cache %s: it is unreadable (%s); run `provctl login` to replace it", c.path, describeFileError(err)))
	}
}

// unreadable returns the not-signed-in error for a cache that could not be
// used, or nil when it was fine.
func (c *fileCache) unreadable() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.problem == nil {
		return nil
	}
	return notSignedIn(fmt.Sprintf("the token cache at %s is unreadable (%s): run `provctl login` to sign in again", c.path, describeFileError(c.problem)))
}

// Reasons a file's content is unusable.
var (
	errNotJSON  = errors.New("not valid JSON")
	errNotCache = errors.New("not an MSAL token cache")
)

// describeFileError says what is wrong with the file without echoing its
// content (JSON syntax errors can quote bytes of it).
func describeFileError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, errNotJSON), errors.Is(err, errNotCache):
		return err.Error()
	case errors.As(err, &syn), errors.As(err, &typ):
		return errNotJSON.Error()
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "corrupted"
}

// isJSONObject reports whether data is one JSON object.
func isJSONObject(data []byte) bool {
	var v map[string]json.RawMessage
	return json.Unmarshal(data, &v) == nil
}

// memCache keeps an app-only client's tokens in memory only: app tokens are
// cheap to get again from the credential in the environment, so they are
// never written to disk. It exists (instead of MSAL's built-in cache) so a
// forced refresh can evict the refused token.
type memCache struct {
	evictor
	mu   sync.Mutex
	data []byte
}

func (c *memCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	c.mu.Lock()
	data := c.data
	c.mu.Unlock()
	return u.Unmarshal(c.filter(data))
}

func (c *memCache) Export(_ context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.data = data
	c.mu.Unlock()
	return nil
}
