package resolvecache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// DefaultTTL is how long an entry is trusted when no setting says otherwise.
const DefaultTTL = 24 * time.Hour

// FileName is the cache file inside the config dir; the lock is FileName+".lock".
const FileName = "resolve-cache.json"

// defaultLockTimeout bounds a write's wait for the file lock: a cache
// write must never hang a command, so after this it is skipped.
const defaultLockTimeout = 2 * time.Second

// Scope separates tenants and clouds: the same name means different
// objects in each.
type Scope struct {
	Cloud  string // the Graph root URL
	Tenant string // as configured; case-insensitive
}

// SP is what is cached for a service principal reference.
type SP struct {
	ID, AppID, DisplayName string
}

// Options replaces defaults in tests; zero fields mean the defaults.
type Options struct {
	Now         func() time.Time
	LockTimeout time.Duration
}

// Cache is one process's view of the cache for one scope. Safe for
// concurrent use. A nil *Cache is a disabled cache, so a caller whose Open
// failed can use it as is.
type Cache struct {
	path        string
	key         string // the scope's key in the file
	ttl         time.Duration
	now         func() time.Time
	lockTimeout time.Duration
	lock        *flock.Flock

	wmu sync.Mutex // serializes writers: a Flock value is not safe for concurrent lockers

	mu      sync.RWMutex // guards the fields below
	data    []byte       // the file as last read or written; replaced, never modified
	refresh bool         // getters miss (--refresh)
}

// Open reads <dir>/resolve-cache.json for scope. ttl <= 0 disables the
// cache: nothing is read or written. A missing, unreadable or corrupt file
// is an empty cache; Open fails only when dir cannot be created (the
// caller then runs without a cache).
func Open(dir string, scope Scope, ttl time.Duration) (*Cache, error) {
	return OpenWithOptions(dir, scope, ttl, Options{})
}

// OpenWithOptions is Open with an injectable clock and lock timeout.
func OpenWithOptions(dir string, scope Scope, ttl time.Duration, opts Options) (*Cache, error) {
	c := &Cache{
		key:         scope.key(),
		ttl:         ttl,
		now:         opts.Now,
		lockTimeout: opts.LockTimeout,
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.lockTimeout <= 0 {
		c.lockTimeout = defaultLockTimeout
	}
	if ttl <= 0 {
		return c, nil // disabled: touch no file
	}
	if dir == "" {
		return nil, errors.New("resolvecache: no config dir")
	}
	c.path = filepath.Join(dir, FileName)
	data, err := readFile(c.path)
	if err != nil {
		// Only now is the dir checked: a file that reads means it exists,
		// and Open is on every command's path.
		if err := ensureDir(dir); err != nil {
			return nil, err
		}
	}
	c.data = checkHeader(data)
	c.lock = flock.New(c.path+".lock", flock.SetPermissions(0o600))
	return c, nil
}

// ensureDir creates dir 0700 when missing; an existing dir keeps its mode
// (it is the config dir, guarded like the rest of provctl's files).
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("resolvecache: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("resolvecache: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("resolvecache: %s is not a directory", dir)
	}
	return nil
}

// key hashes cloud and tenant: one file holds every scope, and the hash
// keeps keys short and uniform. Case, spaces and a trailing slash on the
// Graph root do not make a different scope.
func (s Scope) key() string {
	cloud := strings.TrimRight(norm(s.Cloud), "/")
	sum := sha256.Sum256([]byte("provctl-resolvecache/v1\x00" + cloud + "\x00" + norm(s.Tenant)))
	return hex.EncodeToString(sum[:16])
}

// norm is the key form of a reference or id: Graph matches names and ids
// case-insensitively.
func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Refresh makes every getter miss for the rest of this process while Put*
// still write: `--refresh` resolves anew and leaves a fresh cache behind.
func (c *Cache) Refresh() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.refresh = true
	c.mu.Unlock()
}

func (c *Cache) disabled() bool { return c == nil || c.ttl <= 0 }

// fresh reports whether an entry stamped at is younger than the TTL. An
// entry from the future (the clock went back) is not trusted.
func (c *Cache) fresh(at, now int64) bool {
	age := now - at
	return at > 0 && age >= -maxSkew && time.Duration(age)*time.Second < c.ttl
}

// maxSkew tolerates small clock steps between processes (seconds).
const maxSkew = 60
