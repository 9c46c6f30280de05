package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
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
	// RetryBudget is set when provctl gave up because Graph's Retry-After
	// passed its retry budget (RetryPolicy.MaxTotal), so the message can
	// say how long Graph asked to wait.
	RetryBudget time.Duration
}

// Error is Graph's message (credentials masked, clipped to MaxMessageRunes)
// with the code, status and ids that let Microsoft support find the call.
func (e *Error) Error() string {
	var b strings.Builder
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	b.WriteString(shownMessage(msg))
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
	if e.RetryBudget > 0 {
		fmt.Fprintf(&b, "; Graph asked to wait %s before trying again, longer than provctl waits (%s in all): try again later", e.RetryAfter, e.RetryBudget)
	}
	return b.String()
}

// StatusOf is the HTTP status of the Graph error answer err is or wraps
// (an *Error), or 0 when err holds none (a network failure, a bad id…).
func StatusOf(err error) int {
	var gerr *Error
	if errors.As(err, &gerr) {
		return gerr.StatusCode
	}
	return 0
}

// IsStatus reports whether err is or wraps a Graph error answer with one of
// the HTTP status codes.
func IsStatus(err error, codes ...int) bool {
	status := StatusOf(err)
	if status == 0 {
		return false
	}
	for _, c := range codes {
		if status == c {
			return true
		}
	}
	return false
}

// wireError accepts both "innerError" (what Graph sends) and "innererror"
// (what the schema text says); encoding/json matches keys case-insensitively,
// so one field covers both spellings.
type wireError struct {
	Code       string     `json:"code"`
	Message    string     `json:"message"`
	InnerError *wireInner `json:"innerError"`
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
	// An HTTP-date Retry-After is measured from the answer's own Date, so
	// a skewed local clock cannot stretch or skip the wait.
	ref := time.Now()
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		ref = d
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), ref); ok {
		e.RetryAfter, e.HasRetryAfter = d, true
	}
	if e.Date == "" {
		e.Date = resp.Header.Get("Date")
	}
	return e
}

// parseErrorBody fills e from a Graph error body; anything unparseable
// becomes a short, single-line message so HTML error pages don't flood.
// An OAuth-style body ({"error":"invalid_grant","error_description":…}),
// as a gateway or token endpoint may send, yields its code and description.
func parseErrorBody(body []byte, e *Error) {
	var outer struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
	}
	var w wireError
	switch {
	case json.Unmarshal(body, &outer) != nil || len(outer.Error) == 0 || string(outer.Error) == "null":
	case outer.Error[0] == '"':
		var code string
		if json.Unmarshal(outer.Error, &code) == nil {
			e.Code = code
			e.Message = firstLine(strings.TrimSpace(outer.Description), 200)
			return
		}
	case outer.Error[0] == '{':
		if json.Unmarshal(outer.Error, &w) == nil {
			e.Code = w.Code
			e.Message = w.Message
			for in := w.InnerError; in != nil; in = in.InnerError {
				if e.RequestID == "" {
					e.RequestID = in.RequestID
				}
				if e.ClientRequestID == "" {
					e.ClientRequestID = in.ClientRequestID
				}
				if e.Date == "" {
					e.Date = in.Date
				}
			}
			return
		}
	}
	if s := strings.TrimSpace(string(body)); s != "" {
		e.Message = firstLine(s, 200)
	}
}

// firstLine returns s up to its first line break, cut to at most max bytes
// on a rune boundary, with invalid UTF-8 replaced.
func firstLine(s string, max int) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
