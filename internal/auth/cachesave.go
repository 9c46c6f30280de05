package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// notWritableError means a silent refresh was stopped before its token
// request because the cache folder cannot take the answer: redeeming then
// would trade the refresh token on disk for one that is lost at exit.
type notWritableError struct {
	dir string
	err error
}

func (e *notWritableError) Error() string {
	return fmt.Sprintf("the sign-in needs refreshing, but the token cache folder %s is not writable (%s), so the new refresh token could not be saved: "+
		"make it writable (`chmod 700 %s`) and run the command again (nothing was redeemed: the sign-in on disk still works)",
		e.dir, describeFileError(e.err), e.dir)
}

func (e *notWritableError) Unwrap() error { return e.err }

// checkWritable tells whether a new cache could be written: a temporary
// file can be created in the folder (what writeFileAtomic needs).
func (c *fileCache) checkWritable() error {
	probe := probeWritable
	if c.hooks != nil && c.hooks.probe != nil {
		probe = c.hooks.probe
	}
	dir := filepath.Dir(c.path)
	if err := probe(dir); err != nil {
		return &notWritableError{dir: dir, err: err}
	}
	return nil
}

// probeWritable creates and removes an empty temporary file in dir. It is
// named like the cache's own temporary files, so logout removes a leftover.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, tempPrefix(cacheFileName))
	if err != nil {
		return err
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}

// pending returns the cache this process could not write, if any.
func (c *fileCache) pending() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unsaved
}

// keepUnsaved remembers data that could not be written, warning once.
func (c *fileCache) keepUnsaved(data []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unsaved, c.saveErr = data, err
	if !c.saveWarned && c.warn != nil {
		c.saveWarned = true
		c.warn(fmt.Sprintf("could not save the refreshed sign-in to %s (%s): this command goes on with it, but a later one may need `provctl login`; %s",
			c.path, describeSaveError(err), saveFix(err, filepath.Dir(c.path))))
	}
}

// setSaved records a successful write.
func (c *fileCache) setSaved() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unsaved, c.saveErr = nil, nil
}

// unsavedErr is why the last write failed; nil when it did not.
func (c *fileCache) unsavedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.saveErr
}

// describeSaveError names a write failure without the wrapping paths.
func describeSaveError(err error) string {
	var lockErr *lockError
	if errors.As(err, &lockErr) {
		return "locked by another provctl process"
	}
	return describeFileError(err)
}

// saveFix says what to do about a failed save.
func saveFix(err error, dir string) string {
	var lockErr *lockError
	if errors.As(err, &lockErr) {
		return "check for a stuck provctl process"
	}
	return fmt.Sprintf("check that %s is writable (`chmod 700 %s`)", dir, dir)
}
