package auth

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// ensureConfigDir creates dir with mode 0700 for `provctl login`. A folder
// other users can write to is refused (checkConfigDir); one they can only
// enter is warned about: it may be one the user chose on purpose, and the
// files in it are 0600 anyway.
func ensureConfigDir(cfg Config) error {
	if cfg.ConfigDir == "" {
		return &Error{Err: fmt.Errorf("no config directory to keep the sign-in in: set PROVCTL_CONFIG_DIR")}
	}
	if err := os.MkdirAll(cfg.ConfigDir, 0o700); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	st, err := os.Stat(cfg.ConfigDir)
	if err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	if err := checkConfigDir(cfg.ConfigDir); err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
		cfg.warn(fmt.Sprintf("config directory %s is accessible by other users (mode %04o); run `chmod 700 %s`", cfg.ConfigDir, st.Mode().Perm(), cfg.ConfigDir))
	}
	return nil
}

// unsafeDirError refuses a config folder other users can write to.
type unsafeDirError struct {
	dir  string
	mode fs.FileMode
}

func (e *unsafeDirError) Error() string {
	return fmt.Sprintf("the config folder %s is writable by other users (mode %04o), who could replace the sign-in kept there, so it is not used: run `chmod 700 %s`",
		e.dir, e.mode, e.dir)
}

// checkConfigDir is run before every use of the cached sign-in: another
// local user who can write to the folder could swap the token cache or
// account.json for their own, whatever the files' modes. A missing folder
// holds nothing to trust.
func checkConfigDir(dir string) error {
	if dir == "" || runtime.GOOS == "windows" { // no POSIX modes there: Go reports 0777
		return nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	if perm := st.Mode().Perm(); perm&0o022 != 0 {
		return &unsafeDirError{dir: dir, mode: perm}
	}
	return nil
}
