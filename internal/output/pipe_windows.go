package output

import (
	"errors"
	"syscall"
)

// errNoData is ERROR_NO_DATA, "The pipe is being closed", what Windows
// answers a write to a pipe whose reader has gone.
const errNoData = syscall.Errno(232)

func isWindowsBrokenPipe(err error) bool {
	return errors.Is(err, syscall.ERROR_BROKEN_PIPE) || errors.Is(err, errNoData)
}
