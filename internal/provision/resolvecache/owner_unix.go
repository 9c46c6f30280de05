//go:build unix

package resolvecache

import (
	"io/fs"
	"os"
	"syscall"
)

// trusted: the file is ours and nobody else can write it.
func trusted(fi fs.FileInfo) bool {
	if fi.Mode().Perm()&0o022 != 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Geteuid()
}
