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
	"reflect"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

// File names inside Config.ConfigDir.
const (
	cacheFileName   = "msal_token_cache.json"
	accountFileName = "account.json"
)

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

	hooks *fileHooks // nil outside tests

	mu         sync.Mutex
	problem    error // why the file on disk could not be used; nil when fine
	warned     bool
	unsaved    []byte // this process's newer cache that could not be written
	saveErr    error  // why it could not; nil once a write succeeds
	saveWarned bool

	// MSAL reloads the cache before every operation (a command's sign-in
	// does twice: its accounts, then the silent token). When the file
	// still holds what MSAL's in-memory cache was filled from, decoding it
	// again changes nothing, so Replace skips it. MSAL changes its
	// in-memory cache only with a token from the network (then Export)
	// or before an Export, so the skip is only for a cache told of MSAL's
	// requests (watched), off for good once MSAL sent one, and forgotten
	// at every Export.
	loadedInto cache.Unmarshaler // what the last full Replace filled; nil: none to trust
	loaded     []byte            // the file content it was filled from
	loadedAs   []byte            // what MSAL was given (loaded after filter)
	watched    bool              // markNetworked is called before each MSAL request
	networked  bool              // MSAL sent a request through this process's client
}

var _ cache.ExportReplace = (*fileCache)(nil)

// fileHooks replace the cache's file writes in tests, which run as root:
// no permission bits make a write fail there.
type fileHooks struct {
	write func(path string, data []byte) error // nil = writeFileAtomic
	probe func(dir string) error               // nil = probeWritable
}

func newFileCache(cfg Config) *fileCache {
	return &fileCache{path: filepath.Join(cfg.ConfigDir, cacheFileName), warn: cfg.warn, hooks: cfg.files}
}

// Replace loads the file into MSAL. A missing file is an empty cache. An
// unreadable, empty or corrupted one is treated as empty too (so `provctl
// login` can overwrite it) and remembered in problem, which silent sign-in
// turns into a clear error instead of a crash. Tokens this process could
// not save win over the older file.
func (c *fileCache) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	if data := c.pending(); data != nil {
		c.forgetLoaded()
		return u.Unmarshal(c.filter(data))
	}
	data, found, err := c.read(ctx)
	var lockErr *lockError
	switch {
	case errors.As(err, &lockErr):
		return err
	case ctx.Err() != nil:
		// Even after a good read: returning nil unread would leave MSAL an
		// empty cache, and an interrupt would read as "sign-in expired".
		return ctx.Err()
	}
	var given []byte // what MSAL gets: the file without any evicted token
	if err == nil && found {
		given = c.filter(data)
		if c.stillLoaded(u, data, given) {
			c.setProblem(nil)
			return nil
		}
	}
	switch {
	case err != nil:
	case found && len(bytes.TrimSpace(data)) == 0:
		// Never written by provctl (every write is a whole document): an
		// interrupted copy or a truncation, not a signed-out cache.
		err = errEmpty
	case found && !isJSONObject(data):
		err = errNotJSON
	}
	if err == nil {
		if !found {
			given = c.filter(data)
		}
		if u.Unmarshal(given) == nil {
			c.setLoaded(u, found, data, given)
			c.setProblem(nil)
			return nil
		}
		err = errNotCache
	}
	c.forgetLoaded()
	c.setProblem(err)
	return u.Unmarshal(nil)
}

// stillLoaded reports whether u was last filled from exactly data (given
// as given) and nothing can have changed it since.
func (c *fileCache) stillLoaded(u cache.Unmarshaler, data, given []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.watched && !c.networked && c.loadedInto != nil && sameUnmarshaler(c.loadedInto, u) &&
		bytes.Equal(c.loaded, data) && bytes.Equal(c.loadedAs, given)
}

// setLoaded records that u now holds the file's content data.
func (c *fileCache) setLoaded(u cache.Unmarshaler, found bool, data, given []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !found || c.networked || !reflect.TypeOf(u).Comparable() {
		c.loadedInto, c.loaded, c.loadedAs = nil, nil, nil
		return
	}
	c.loadedInto, c.loaded, c.loadedAs = u, data, given
}

// forgetLoaded makes the next Replace decode the file whatever it holds.
func (c *fileCache) forgetLoaded() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loadedInto, c.loaded, c.loadedAs = nil, nil, nil
}

// watchNetwork is called when the MSAL client over this cache will call
// markNetworked before each request; only then may Replace skip a decode.
func (c *fileCache) watchNetwork() func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watched = true
	return c.markNetworked
}

// markNetworked is called before MSAL sends a request: from then on its
// in-memory cache may hold tokens no file has (until an Export), so every
// Replace decodes the file again, as MSAL expects.
func (c *fileCache) markNetworked() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.networked = true
	c.loadedInto, c.loaded, c.loadedAs = nil, nil, nil
}

// sameUnmarshaler compares two comparable Unmarshalers (setLoaded keeps
// only comparable ones).
func sameUnmarshaler(a, b cache.Unmarshaler) bool {
	return reflect.TypeOf(a) == reflect.TypeOf(b) && a == b
}

// Export writes MSAL's cache to the file, unless the file already holds
// exactly that. A write that fails keeps the data for this process and
// warns instead of failing: by now the authority may have rotated the
// refresh token, and the answer in hand is the only usable one.
func (c *fileCache) Export(ctx context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	c.forgetLoaded() // MSAL changed its cache: the next Replace decodes the file
	data, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("encoding the token cache: %w", err)
	}
	if err := c.save(ctx, data); err != nil {
		c.keepUnsaved(data, err)
		return nil
	}
	c.setSaved()
	c.setProblem(nil)
	return nil
}

// save writes data to the file under the exclusive lock.
func (c *fileCache) save(ctx context.Context, data []byte) error {
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
	if err := c.writeFile(c.path, data); err != nil {
		return fmt.Errorf("writing the token cache %s: %w", c.path, err)
	}
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
	if err := c.writeFile(c.path, []byte("{}")); err != nil {
		return fmt.Errorf("clearing the token cache %s: %w", c.path, err)
	}
	c.setSaved()
	c.setProblem(nil)
	return nil
}

func (c *fileCache) writeFile(path string, data []byte) error {
	if c.hooks != nil && c.hooks.write != nil {
		return c.hooks.write(path, data)
	}
	return writeFileAtomic(path, data)
}

// read returns the file's content under a shared lock; found is false when
// there is no file.
func (c *fileCache) read(ctx context.Context) (data []byte, found bool, err error) {
	if _, err := os.Lstat(c.path); errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil // nothing to lock for: don't create the directory on a read
	}
	unlock, err := c.lock(ctx, false)
	var lockErr *lockError
	switch {
	case err == nil:
		defer unlock()
	case errors.As(err, &lockErr) || ctx.Err() != nil:
		return nil, false, err
	default:
		// The lock file cannot be created (read-only directory with a
		// pre-seeded cache): reading without it is still safe, because
		// writers replace the file atomically.
	}
	data, err = os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, true, err
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
	errEmpty    = errors.New("empty")
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
	case errors.Is(err, errEmpty), errors.Is(err, errNotJSON), errors.Is(err, errNotCache):
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
