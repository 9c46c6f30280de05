package emulator

import (
	"net/http"
	"strconv"
	"time"
)

// drip sends a captured answer a byte at a time, waiting f.DripMs before
// each byte. Content-Length announces the whole body. With f.DripLimit the
// connection is cut after that many bytes (a truncated body); with
// f.DripEndless the body goes on with one space per f.DripMs after its end
// (whitespace a JSON decoder keeps reading) until the client gives up.
func (s *Server) drip(w http.ResponseWriter, r *http.Request, a *bufferWriter, f *fault) faultResult {
	body := a.body.Bytes()
	a.copyHeader(w)
	if !f.DripEndless {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(a.code())
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return faultAborted
	}
	n := len(body)
	truncated := f.DripLimit > 0 && f.DripLimit < n
	if truncated {
		n = f.DripLimit
	}
	step := msDuration(f.DripMs)
	for i := 0; i < n; i++ {
		if !s.dripByte(w, r, rc, body[i:i+1], step) {
			return faultAborted
		}
	}
	if truncated {
		return faultAborted
	}
	for f.DripEndless {
		if !s.dripByte(w, r, rc, []byte(" "), step) {
			return faultAborted
		}
	}
	return faultAnswered
}

// dripByte waits step, then writes and flushes b; false means the client
// gave up, the server is closing or the write failed.
func (s *Server) dripByte(w http.ResponseWriter, r *http.Request, rc *http.ResponseController, b []byte, step time.Duration) bool {
	if !s.wait(r, step) {
		return false
	}
	if _, err := w.Write(b); err != nil {
		return false
	}
	return rc.Flush() == nil
}
