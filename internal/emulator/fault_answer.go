package emulator

import (
	"bytes"
	"net/http"
)

// answerFault answers f.Status with an error body shaped like the side the
// request was for; echo, when set, is added to the message and to
// WWW-Authenticate (fault_echo.go).
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, kind requestKind, f *fault, echo *echoed) {
	if f.RetryAfter != nil {
		w.Header().Set("Retry-After", *f.RetryAfter)
	}
	if echo != nil {
		w.Header().Set("WWW-Authenticate", echo.wwwAuthenticate())
	}
	if kind == kindEntra {
		code, desc := entraCodeForStatus(f.Status)
		if f.Code != "" {
			code = f.Code
		}
		if f.Message != "" {
			desc = f.Message
		}
		if echo != nil {
			desc += " " + echo.entraText()
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
	if echo != nil {
		msg += " " + echo.graphText()
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

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }

// code is the status written, 200 when none was.
func (b *bufferWriter) code() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

// truncate turns the answer into a malformed one: 200 with the first half of
// the body, which starts right and ends in the middle of the JSON.
func (b *bufferWriter) truncate() {
	cut := b.body.Bytes()[:b.body.Len()/2]
	if len(cut) == 0 {
		cut = []byte(`{"value":[{"id":`)
	}
	cut = append([]byte(nil), cut...)
	b.body.Reset()
	b.body.Write(cut)
	b.status = http.StatusOK
	if b.header.Get("Content-Type") == "" {
		b.header.Set("Content-Type", graphContentType)
	}
}

// copyHeader copies the captured headers to w.
func (b *bufferWriter) copyHeader(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
}

// sendTo writes the captured answer.
func (b *bufferWriter) sendTo(w http.ResponseWriter) {
	b.copyHeader(w)
	w.WriteHeader(b.code())
	_, _ = w.Write(b.body.Bytes())
}

// verbatim answers f.Body as it is, with Graph's headers and f.Status (200
// when not set).
func (b *bufferWriter) verbatim(r *http.Request, f *fault) {
	rid, crid := newGUID(), r.Header.Get("client-request-id")
	if crid == "" {
		crid = rid
	}
	setGraphHeaders(b, rid, crid)
	b.header.Set("Content-Type", graphContentType)
	b.status = f.Status
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body.WriteString(*f.Body)
}
