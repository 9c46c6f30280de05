package emulator

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// fault is one rule of POST /_emulator/faults: the next Count requests whose
// method matches (empty = any) and whose URL path contains Path get it.
type fault struct {
	Method     string  `json:"method,omitempty"`
	Path       string  `json:"path,omitempty"`
	Status     int     `json:"status,omitempty"`
	RetryAfter *string `json:"retryAfter,omitempty"` // sent verbatim as Retry-After
	Count      int     `json:"count,omitempty"`      // 0 means 1; negative means every matching request
	DelayMs    int     `json:"delayMs,omitempty"`
	Malformed  bool    `json:"malformed,omitempty"`
	Code       string  `json:"code,omitempty"`    // overrides the error code for Status
	Message    string  `json:"message,omitempty"` // overrides the error message
}

func (f *fault) validate() error {
	if f.Status == 0 && f.DelayMs <= 0 && !f.Malformed {
		return errors.New("a fault needs status, delayMs or malformed")
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return errors.New("status must be an HTTP status code")
	}
	if f.Status != 0 && f.Malformed {
		return errors.New("status and malformed exclude each other (malformed answers 200)")
	}
	if f.Count == 0 {
		f.Count = 1
	}
	return nil
}

// faultSet holds the armed faults in the order they were added.
type faultSet struct {
	mu   sync.Mutex
	list []*fault
}

func (fs *faultSet) add(f fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &f)
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

func (fs *faultSet) snapshot() []fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]fault, 0, len(fs.list))
	for _, f := range fs.list {
		out = append(out, *f)
	}
	return out
}

// take consumes one use of the first fault matching the request.
func (fs *faultSet) take(method, path string) *fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if (f.Method == "" || strings.EqualFold(f.Method, method)) && strings.Contains(path, f.Path) {
			hit := *f
			if f.Count > 0 {
				f.Count--
				if f.Count == 0 {
					fs.list = append(fs.list[:i], fs.list[i+1:]...)
				}
			}
			return &hit
		}
	}
	return nil
}

// injectFault applies f and reports whether it answered the request; a pure
// delay returns false so the request is then answered normally.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, kind requestKind, f *fault) bool {
	if f.DelayMs > 0 {
		t := time.NewTimer(time.Duration(f.DelayMs) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		case <-s.closing:
			return true
		}
	}
	switch {
	case f.Malformed:
		s.answerMalformed(w, r, kind)
		return true
	case f.Status != 0:
		s.answerFault(w, r, kind, f)
		return true
	}
	return false
}

// answerMalformed answers 200 with the first half of the real answer: a body
// that starts right and ends in the middle of the JSON.
func (s *Server) answerMalformed(w http.ResponseWriter, r *http.Request, kind requestKind) {
	buf := &bufferWriter{header: http.Header{}}
	s.route(kind, buf, r)
	body := buf.body.Bytes()
	cut := body[:len(body)/2]
	if len(cut) == 0 {
		cut = []byte(`{"value":[{"id":`)
	}
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", graphContentType)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(cut)
}

// answerFault answers f.Status with an error body shaped like the side the
// request was for.
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, kind requestKind, f *fault) {
	if f.RetryAfter != nil {
		w.Header().Set("Retry-After", *f.RetryAfter)
	}
	if kind == kindEntra {
		code, desc := entraCodeForStatus(f.Status)
		if f.Code != "" {
			code = f.Code
		}
		if f.Message != "" {
			desc = f.Message
		}
		s.entraError(w, r, f.Status, code, desc, 0)
		return
	}
	code, msg := graphCodeForStatus(f.Status), graphMessageForStatus(f.Status)
	if f.Code != "" {
		code = f.Code
	}
	if f.Message != "" {
		msg = f.Message
	}
	var extra map[string]any
	if f.Status == http.StatusTooManyRequests {
		extra = throttledInner()
	}
	rid, crid := newGUID(), r.Header.Get("client-request-id")
	if crid == "" {
		crid = rid
	}
	setGraphHeaders(w, rid, crid)
	writeJSON(w, f.Status, graphContentType, graphErrorBody(code, msg, rid, crid, s.clock.now(), extra))
}

// bufferWriter captures a response so it can be altered before sending.
type bufferWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }
