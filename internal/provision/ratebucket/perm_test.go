//go:build unix

package ratebucket

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "buckets")
	b, err := Open(dir, testKey, 5, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("dir mode %04o, want 0700", m)
	}
	if m := mode(b.path); m != 0o600 {
		t.Errorf("state file mode %04o, want 0600", m)
	}
	if err := b.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	// After an atomic replace and with the lock file created.
	if m := mode(b.path); m != 0o600 {
		t.Errorf("state file mode after write %04o, want 0600", m)
	}
	if m := mode(b.lock.Path()); m != 0o600 {
		t.Errorf("lock file mode %04o, want 0600", m)
	}
	if !strings.HasPrefix(filepath.Base(b.path), testKey.fileName()) {
		t.Errorf("state file %s not named by the key hash", b.path)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

func TestRefusesWritableDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, testKey, 5, time.Second); err == nil || !strings.Contains(err.Error(), "writable by other users") {
		t.Errorf("Open on a 0777 dir: %v", err)
	}
}

func TestRefusesFileAsDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f, testKey, 5, time.Second); err == nil {
		t.Error("Open on a regular file succeeded")
	}
}
