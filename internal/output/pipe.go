package output

import (
	"errors"
	"syscall"
)

// IsBrokenPipe reports whether err comes from writing to a pipe whose reader
// has gone (`provctl … | head`). That is the reader's choice, not a failure:
// provctl should end quietly. (Writes to the real stdout usually never return
// it: Go's runtime then dies of SIGPIPE as other tools do, unless SIGPIPE is
// ignored.)
func IsBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || isWindowsBrokenPipe(err)
}
