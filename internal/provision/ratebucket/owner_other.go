//go:build !unix

package ratebucket

import "io/fs"

func ownedByUs(fs.FileInfo) bool { return true }
