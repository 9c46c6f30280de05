package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// graphContentType is what Graph sends for OData JSON; clients must accept
// the parameters.
const graphContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// graphDateFormat is innerError.date: UTC without a time-zone designator.
const graphDateFormat = "2006-01-02T15:04:05"

// graphReq is one Graph request being answered.
type graphReq struct {
	s               *Server
	w               http.ResponseWriter
	r               *http.Request
	version         string   // "beta" or "v1.0"
	segs            []string // unescaped path segments after the version
	requestID       string
	clientRequestID string
	caller          *caller
}

// setGraphHeaders writes the headers every Graph response carries.
func setGraphHeaders(w http.ResponseWriter, requestID, clientRequestID string) {
	h := w.Header()
	h.Set("request-id", requestID)
	h.Set("client-request-id", clientRequestID)
	h.Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"Local","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"provctl-emulator"}}`)
	h.Set("Strict-Transport-Security", "max-age=31536000")
}

// writeJSON encodes v like Graph does (no HTML escaping: the JSON strings
// inside provisionOnDemand answers keep their quotes and angle brackets).
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // values are maps and slices of plain types: cannot fail
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (g *graphReq) json(status int, v any) {
	writeJSON(g.w, status, graphContentType, v)
}

func (g *graphReq) noContent() {
	g.w.WriteHeader(http.StatusNoContent)
}

// fail writes a Graph-shaped error.
func (g *graphReq) fail(status int, code, message string) {
	g.json(status, graphErrorBody(code, message, g.requestID, g.clientRequestID, g.s.clock.now(), nil))
}

// graphErrorBody is Graph's error envelope; extra adds innerError members
// (429 answers carry code/status/message there).
func graphErrorBody(code, message, requestID, clientRequestID string, now time.Time, extra map[string]any) map[string]any {
	inner := map[string]any{
		"date":              now.UTC().Format(graphDateFormat),
		"request-id":        requestID,
		"client-request-id": clientRequestID,
	}
	for k, v := range extra {
		inner[k] = v
	}
	return map[string]any{"error": map[string]any{"code": code, "message": message, "innerError": inner}}
}

// odataContext returns the @odata.context URL for a metadata fragment.
func (g *graphReq) odataContext(fragment string) string {
	return g.s.url + "/" + g.version + "/$metadata#" + fragment
}

// graphCodeForStatus is the error code a fault of that status carries.
func graphCodeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BadRequest"
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken"
	case http.StatusForbidden:
		return "Authorization_RequestDenied"
	case http.StatusNotFound:
		return "ResourceNotFound"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "serviceNotAvailable"
	case http.StatusGatewayTimeout:
		return "UnknownError"
	default:
		return "generalException"
	}
}

// graphMessageForStatus is the matching message.
func graphMessageForStatus(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Please retry again later."
	case http.StatusServiceUnavailable:
		return "The service is temporarily unavailable. Please retry later."
	case http.StatusGatewayTimeout:
		return "The operation timed out."
	default:
		return http.StatusText(status)
	}
}

// throttledInner is what Graph puts in innerError of a 429.
func throttledInner() map[string]any {
	return map[string]any{"code": "429", "status": "429", "message": "Please retry after"}
}
