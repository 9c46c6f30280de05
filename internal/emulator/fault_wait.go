package emulator

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// wait sleeps d (forever when d is 0) and reports whether it ran out;
// false means the client gave up (the request context ended) or the server
// is closing, and the request must then be cut, not answered.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

func msDuration(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }

// maxBufferedBody bounds what bufferBody holds in memory; a longer body is
// read on from the connection by whoever reads r.Body next.
const maxBufferedBody = 4 << 20

// bufferBody reads the request body and puts it back as a fresh reader, so
// it can be read again (by an echo and then by the route). Reading it also
// matters for waiting: net/http notices a client that went away, and ends
// r.Context(), only once the body has been consumed.
func bufferBody(r *http.Request) []byte {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, maxBufferedBody))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
	return b
}
