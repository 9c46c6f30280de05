package ratebucket

import (
	"fmt"
	"os"
	"runtime"
)

// ensureDir creates dir 0700 if missing and refuses one that another user
// could write to: they could swap the state file and stall or burst us.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("ratebucket: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("ratebucket: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("ratebucket: %s is not a directory", dir)
	}
	if runtime.GOOS == "windows" { // mode bits mean little there
		return nil
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("ratebucket: %s is writable by other users (mode %04o); use chmod go-w", dir, fi.Mode().Perm())
	}
	if !ownedByUs(fi) {
		return fmt.Errorf("ratebucket: %s is not owned by the current user", dir)
	}
	return nil
}
