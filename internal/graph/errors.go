package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is a Graph error answer: {"error":{"code","message","innerError":{…}}}.
type Error struct {
	StatusCode      int
	Code            string // branch on this, never on Message
	Message         string
	RequestID       string
	ClientRequestID string
	Date            string        // as Graph sent it (innerError.date has no time zone)
	RetryAfter      time.Duration // parsed Retry-After, 0 when absent
	HasRetryAfter   bool
}

func (e *Error) Error() string {
	var b strings.Builder
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	b.WriteString(msg)
	b.WriteString(" (")
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(", ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.RequestID != "" {
		b.WriteString(", request-id ")
		b.WriteString(e.RequestID)
	}
	if e.ClientRequestID != "" {
		b.WriteString(", client-request-id ")
		b.WriteString(e.ClientRequestID)
	}
	if e.Date != "" {
		b.WriteString(", date ")
		b.WriteString(e.Date)
	}
	b.WriteString(")")
	return b.String()
}

// wireError accepts both "innerError" (what Graph sends) and "innererror"
// (what the schema text says); encoding/json matches keys case-insensitively,
// so one field covers both spellings.
type wireError struct {
	Error *struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		InnerError *wireInner `json:"innerError"`
	} `json:"error"`
}

type wireInner struct {
	Date            string     `json:"date"`
	RequestID       string     `json:"request-id"`
	ClientRequestID string     `json:"client-request-id"`
	Code            string     `json:"code"`
	InnerError      *wireInner `json:"innerError"`
}

// newError builds an *Error from a non-2xx response. Headers win over body
// fields for request ids because they are always present on real answers.
func newError(resp *Response) *Error {
	e := &Error{StatusCode: resp.StatusCode, RequestID: resp.RequestID, ClientRequestID: resp.ClientRequestID}
	parseErrorBody(resp.Body, e)
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter, e.HasRetryAfter = d, true
	}
	if e.Date == "" {
		e.Date = resp.Header.Get("Date")
	}
	return e
}

// parseErrorBody fills e from a Graph error body; anything unparseable
// becomes a short, single-line message so HTML error pages don't flood.
func parseErrorBody(body []byte, e *Error) {
	var w wireError
	if err := json.Unmarshal(body, &w); err != nil || w.Error == nil {
		if s := strings.TrimSpace(string(body)); s != "" {
			e.Message = firstLine(s, 200)
		}
		return
	}
	e.Code = w.Error.Code
	e.Message = w.Error.Message
	for in := w.Error.InnerError; in != nil; in = in.InnerError {
		if e.RequestID == "" {
			e.RequestID = in.RequestID
		}
		if in.ClientRequestID != "" && e.ClientRequestID == "" {
			e.ClientRequestID = in.ClientRequestID
		}
		if e.Date == "" {
			e.Date = in.Date
		}
	}
}

func firstLine(s string, max int) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
