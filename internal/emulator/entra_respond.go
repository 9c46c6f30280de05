package emulator

import (
	"fmt"
	"net/http"
	"time"
)

// entraReq is one request to the Entra side, for tenant segment tenant.
type entraReq struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	tenant  string // as in the path
	traceID string
}

// entraTimestampFormat is the timestamp of Entra error bodies.
const entraTimestampFormat = "2006-01-02 15:04:05Z"

func (e *entraReq) json(status int, v any) {
	h := e.w.Header()
	h.Set("Cache-Control", "no-store, no-cache")
	h.Set("Pragma", "no-cache")
	h.Set("x-ms-request-id", e.traceID)
	if crid := e.r.Header.Get("client-request-id"); crid != "" {
		h.Set("client-request-id", crid)
	}
	writeJSON(e.w, status, "application/json; charset=utf-8", v)
}

// fail writes an Entra (AADSTS) error. aadsts 0 leaves the prefix out.
func (e *entraReq) fail(status int, code string, aadsts int, message string) {
	e.json(status, entraErrorBody(code, aadsts, message, e.traceID, e.r.Header.Get("client-request-id"), e.s.clock.now()))
}

func entraErrorBody(code string, aadsts int, message, traceID, correlationID string, now time.Time) map[string]any {
	if correlationID == "" {
		correlationID = newGUID()
	}
	ts := now.UTC().Format(entraTimestampFormat)
	desc := message
	codes := []int{}
	if aadsts != 0 {
		desc = fmt.Sprintf("AADSTS%d: %s", aadsts, message)
		codes = append(codes, aadsts)
	}
	desc += fmt.Sprintf(" Trace ID: %s Correlation ID: %s Timestamp: %s", traceID, correlationID, ts)
	body := map[string]any{
		"error":             code,
		"error_description": desc,
		"error_codes":       codes,
		"timestamp":         ts,
		"trace_id":          traceID,
		"correlation_id":    correlationID,
	}
	if aadsts != 0 {
		body["error_uri"] = fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts)
	}
	return body
}

// entraError writes an Entra error outside a parsed request (faults).
func (s *Server) entraError(w http.ResponseWriter, r *http.Request, status int, code, desc string, aadsts int) {
	e := &entraReq{s: s, w: w, r: r, traceID: newGUID()}
	e.fail(status, code, aadsts, desc)
}

// entraCodeForStatus is the OAuth error a fault of that status carries.
func entraCodeForStatus(status int) (code, desc string) {
	switch {
	case status == http.StatusBadRequest:
		return "invalid_request", "The request is not valid."
	case status == http.StatusUnauthorized:
		return "invalid_client", "Client authentication failed."
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return "temporarily_unavailable", "The server is temporarily too busy to handle the request."
	case status >= 500:
		return "server_error", "An internal server error occurred."
	}
	return "invalid_request", http.StatusText(status)
}
