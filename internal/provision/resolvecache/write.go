package resolvecache

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// maxField bounds a stored ref or value: real names and ids are short, and
// a pasted paragraph must not bloat a file every command reads.
const maxField = 1024

// lockRetry is how often a waiting writer polls the lock; holders keep it
// for one read-merge-write only.
const lockRetry = 5 * time.Millisecond

var (
	errNewer    = errors.New("resolvecache: the file was written by a newer provctl; not overwritten")
	errTooLong  = fmt.Errorf("resolvecache: value longer than %d bytes; not cached", maxField)
	errEmptyRef = errors.New("resolvecache: empty reference or id; not cached")
)

// PutServicePrincipal records that ref resolved to sp.
func (c *Cache) PutServicePrincipal(ref string, sp SP) error {
	if err := checkFields(ref, sp.ID, sp.AppID, sp.DisplayName); err != nil {
		return err
	}
	return c.update(func(t table, scope string, now int64) {
		t.put(entry{Scope: scope, Kind: kindSP, Key: norm(ref), ID: sp.ID, AppID: sp.AppID, Name: sp.DisplayName, At: now})
	})
}

// PutJob records that ref ("" for the app's only job) on spID is jobID.
func (c *Cache) PutJob(spID, ref, jobID string) error {
	if err := checkFields(spID, jobID, ref); err != nil {
		return err
	}
	return c.update(func(t table, scope string, now int64) {
		t.put(entry{Scope: scope, Kind: kindJob, Key: jobKey(spID, ref), SP: spID, ID: jobID, At: now})
	})
}

// MarkVerified records that Graph has shown (spID, jobID) to exist.
func (c *Cache) MarkVerified(spID, jobID string) error {
	if err := checkFields(spID, jobID); err != nil {
		return err
	}
	return c.update(func(t table, scope string, now int64) {
		t.put(entry{Scope: scope, Kind: kindVerified, Key: pairKey(spID, jobID), SP: spID, ID: jobID, At: now})
	})
}

// MarkApplyAbsent records that this tenant has no apply. resource.
func (c *Cache) MarkApplyAbsent() error {
	return c.update(func(t table, scope string, now int64) {
		t.put(entry{Scope: scope, Kind: kindApplyAbsent, At: now})
	})
}

// ForgetServicePrincipal drops every entry naming spID: the refs resolving
// to it, its jobs and its verified pairs. Called after Graph answered 404.
func (c *Cache) ForgetServicePrincipal(spID string) error {
	id := norm(spID)
	if id == "" {
		return nil
	}
	return c.update(func(t table, scope string, _ int64) {
		t.deleteIf(func(e entry) bool {
			if e.Scope != scope {
				return false
			}
			if e.Kind == kindSP {
				return norm(e.ID) == id
			}
			return norm(e.SP) == id
		})
	})
}

// ForgetJob drops the entries naming jobID on spID. Called after Graph
// answered 404 for the job.
func (c *Cache) ForgetJob(spID, jobID string) error {
	sp, job := norm(spID), norm(jobID)
	if sp == "" || job == "" {
		return nil
	}
	return c.update(func(t table, scope string, _ int64) {
		t.deleteIf(func(e entry) bool {
			return e.Scope == scope && (e.Kind == kindJob || e.Kind == kindVerified) &&
				norm(e.SP) == sp && norm(e.ID) == job
		})
	})
}

// change edits the table for this cache's scope at now.
type change func(t table, scope string, now int64)

// update applies ch to the file and to this process's view. The file part
// is a read-merge-write under the lock, so concurrent writers of other
// entries never undo each other. When the lock is not had within the
// timeout (or the file cannot be written) the write is skipped and the
// error returned, but the view still changes: a Forget holds for this
// process even then.
func (c *Cache) update(ch change) error {
	if c.disabled() {
		return nil
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	now := c.now().Unix()
	data, err := c.writeLocked(ch, now)
	if err != nil {
		c.mu.RLock()
		base := c.data
		c.mu.RUnlock()
		var eerr error
		if data, eerr = c.apply(base, ch, now); eerr != nil {
			return err
		}
	}
	c.mu.Lock()
	c.data = data // after a write: also what other processes wrote
	c.mu.Unlock()
	return err
}

// writeLocked takes the file lock, merges ch into the file and writes
// it; it returns the bytes written.
func (c *Cache) writeLocked(ch change, now int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.lockTimeout)
	defer cancel()
	if ok, err := c.lock.TryLockContext(ctx, lockRetry); err != nil || !ok {
		return nil, fmt.Errorf("resolvecache: lock %s not taken; write skipped: %v", c.lock.Path(), err)
	}
	defer func() { _ = c.lock.Unlock() }()
	removeOrphans(c.path)

	old, _ := readFile(c.path) // unreadable or untrusted: replaced
	if _, newer := parse(old); newer {
		return nil, errNewer
	}
	data, err := c.apply(old, ch, now)
	if err != nil {
		return nil, err
	}
	if err := writeFile(c.path, data); err != nil {
		return nil, err
	}
	return data, nil
}

// apply returns base with ch made, expired entries pruned and caps kept.
func (c *Cache) apply(base []byte, ch change, now int64) ([]byte, error) {
	t, _ := parse(base)
	ch(t, c.key, now)
	prune(t, func(at int64) bool { return c.fresh(at, now) })
	for {
		out, err := encode(t)
		// Half the read limit: what we write is always read back.
		if err != nil || len(out) <= maxFileSize/2 {
			return out, err
		}
		shrink(t, c.key) // only reached with many long names
	}
}

// checkFields refuses an empty key or id (the first two) and any value
// longer than maxField.
func checkFields(key, id string, more ...string) error {
	if norm(key) == "" || norm(id) == "" {
		return errEmptyRef
	}
	for _, v := range append([]string{key, id}, more...) {
		if len(v) > maxField {
			return errTooLong
		}
	}
	return nil
}

func (t table) put(e entry) { t[e.k()] = e }

func (t table) deleteIf(drop func(entry) bool) {
	for k, e := range t {
		if drop(e) {
			delete(t, k)
		}
	}
}
