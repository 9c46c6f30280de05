//go:build !windows

package output

// isWindowsBrokenPipe: elsewhere EPIPE is the only spelling.
func isWindowsBrokenPipe(error) bool { return false }
