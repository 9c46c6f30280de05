package resolvecache

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// maxFileSize guards against a huge or runaway file: a bigger one reads as
// empty and is replaced on the next write. Caps in prune keep ours far
// below it.
const maxFileSize = 4 << 20

var errUntrusted = errors.New("resolvecache: not a regular file of the current user, or writable by others")

// readFile returns the cache file's bytes, or an error for a missing,
// unreadable, oversized or untrusted file (all read as an empty cache).
// It checks the opened file, not the path, so a rename in between cannot
// mislead it.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// Another user's file could name any object: never trust its ids.
	if !fi.Mode().IsRegular() || !trusted(fi) {
		return nil, errUntrusted
	}
	if fi.Size() > maxFileSize {
		return nil, fmt.Errorf("resolvecache: %s is larger than %d bytes", path, maxFileSize)
	}
	// Sized from Stat: writers replace the file by rename and never write
	// in place, so the open file keeps this size; one read, no regrowth.
	buf := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// writeFile replaces path atomically (temp file in the same dir, 0600,
// fsync, rename): a reader without the lock or a crash never sees half a
// file.
func writeFile(path string, data []byte) error {
	dir, name := filepath.Split(path)
	tmp, err := os.CreateTemp(dir, name+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("resolvecache: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("resolvecache: writing %s: %w", path, err)
	}
	return nil
}

// removeOrphans deletes temp files left by a process killed mid-write.
// Called with the lock held: every writer holds it, so no temp file is in
// use by anyone else.
func removeOrphans(path string) {
	names, _ := filepath.Glob(path + ".tmp-*")
	for _, n := range names {
		_ = os.Remove(n)
	}
}
