package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
)

// The config file names the servers provctl sends its token to (graph-url,
// authority-host, ca-file): a file another local user can write could send
// the token to a server of theirs. As ssh does with its config, provctl
// reads it only when it is the user's own (or root's) and no one else can
// write it, checked on the file it opened so nothing can be swapped in
// between. A write also needs a folder no one else can write (the token
// cache's rule), unless its sticky bit keeps others from replacing files
// (/tmp).

// untrustedConfigError refuses a config file, or the folder it would be
// written to, that another user could change. It is an error (exit 1),
// like a config folder others can write: the fix is on the machine.
type untrustedConfigError struct {
	path  string
	mode  fs.FileMode
	owner int  // the owner's uid when it is another user's, else -1
	dir   bool // path is the folder a write would go to
}

func (e *untrustedConfigError) Error() string {
	switch {
	case e.dir:
		return fmt.Sprintf("the config folder %s is writable by other users (mode %04o), who could replace the config file, so provctl does not write there: run `chmod 700 %s`", e.path, e.mode, e.path)
	case e.owner >= 0:
		return fmt.Sprintf("config file %s belongs to another user (uid %d), who could point provctl's requests, and your token, at a server of theirs, so it is not read: use a file of your own (copy it, then `chmod 600` the copy)", e.path, e.owner)
	}
	return fmt.Sprintf("config file %s is writable by other users (mode %04o), who could point provctl's requests, and your token, at a server of theirs, so it is not read: run `chmod 600 %s`", e.path, e.mode, e.path)
}

// fix is what to run, for doctor.
func (e *untrustedConfigError) fix() string {
	switch {
	case e.dir:
		return "chmod 700 " + e.path
	case e.owner >= 0:
		return "use a config file of your own: copy " + e.path + ", `chmod 600` the copy and point --config at it (or put it in the config folder)"
	}
	return "chmod 600 " + e.path
}

// checkConfigFileTrust refuses a file someone else could have written.
// Only regular files are checked: reading anything else fails anyway.
func checkConfigFileTrust(path string, fi fs.FileInfo) error {
	if runtime.GOOS == "windows" || !fi.Mode().IsRegular() {
		return nil // no POSIX modes there: Go reports 0666
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Geteuid() && uid != 0 {
		return &untrustedConfigError{path: path, mode: fi.Mode().Perm(), owner: uid}
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return &untrustedConfigError{path: path, mode: perm, owner: -1}
	}
	return nil
}

// checkConfigDirTrust refuses to write into a folder others can write,
// unless its sticky bit stops them replacing the user's files. A missing
// folder is created 0700.
func checkConfigDirTrust(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return &untrustedConfigError{path: dir, mode: perm, owner: -1, dir: true}
	}
	return nil
}

// readTrustedConfig reads the config file after checking, on the file
// opened, that no one else could have written it. The file's mode comes
// with it (for an edit to keep).
func readTrustedConfig(path string) ([]byte, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if err := checkConfigFileTrust(path, fi); err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, 0, err
	}
	return data, fi.Mode().Perm(), nil
}

// isUntrustedConfig says whether err refuses the config file or folder.
func isUntrustedConfig(err error) (*untrustedConfigError, bool) {
	var ue *untrustedConfigError
	ok := errors.As(err, &ue)
	return ue, ok
}
