//go:build unix

package resolvecache

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "provctl")
	c := mustOpen(t, dir, testScope, nil)
	mustNil(t, c.PutServicePrincipal("Box", box))
	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(p)
		mustNil(t, err)
		return fi.Mode().Perm()
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("dir mode %04o, want 0700", m)
	}
	if m := mode(filepath.Join(dir, FileName)); m != 0o600 {
		t.Errorf("file mode %04o, want 0600", m)
	}
	if m := mode(filepath.Join(dir, FileName+".lock")); m != 0o600 {
		t.Errorf("lock mode %04o, want 0600", m)
	}
	// A file someone made 0644 is still read (ids only) and comes back 0600.
	mustNil(t, os.Chmod(filepath.Join(dir, FileName), 0o644))
	c = mustOpen(t, dir, testScope, nil)
	if _, ok := c.ServicePrincipal("Box"); !ok {
		t.Error("a 0644 file was not read")
	}
	mustNil(t, c.MarkApplyAbsent())
	if m := mode(filepath.Join(dir, FileName)); m != 0o600 {
		t.Errorf("file mode after rewrite %04o, want 0600", m)
	}
}

// A file others can write could name any object: it is not trusted, and
// the next write replaces it with our own.
func TestWritableByOthersNotTrusted(t *testing.T) {
	dir := t.TempDir()
	mustNil(t, mustOpen(t, dir, testScope, nil).PutServicePrincipal("Box", box))
	p := filepath.Join(dir, FileName)
	mustNil(t, os.Chmod(p, 0o666))
	c := mustOpen(t, dir, testScope, nil)
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("entry served from a world-writable file")
	}
	mustNil(t, c.PutServicePrincipal("Slack", SP{ID: "s"}))
	c = mustOpen(t, dir, testScope, nil)
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("the untrusted entry was merged into the new file")
	}
	if _, ok := c.ServicePrincipal("Slack"); !ok {
		t.Error("the new entry is missing")
	}
}

// An existing config dir keeps its mode: it is not ours to change.
func TestExistingDirModeKept(t *testing.T) {
	dir := t.TempDir()
	mustNil(t, os.Chmod(dir, 0o750))
	mustNil(t, mustOpen(t, dir, testScope, nil).PutServicePrincipal("Box", box))
	fi, err := os.Stat(dir)
	mustNil(t, err)
	if fi.Mode().Perm() != 0o750 {
		t.Errorf("dir mode changed to %04o", fi.Mode().Perm())
	}
}
