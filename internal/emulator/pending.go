package emulator

import (
	"net/http"
	"time"
)

// Parts not built yet answer 501; they are replaced in the next commits.

type entraState struct{}

func newEntraState() *entraState { return &entraState{} }

func (e *entraState) revokeAll() {}

func (s *Server) serveEntra(w http.ResponseWriter, r *http.Request) {
	s.entraError(w, r, http.StatusNotImplemented, "server_error", "not implemented yet", 0)
}

func (s *Server) serveDeviceLogin(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}

func (s *Server) entraError(w http.ResponseWriter, r *http.Request, status int, code, desc string, aadsts int) {
	writeJSON(w, status, "application/json; charset=utf-8", map[string]any{"error": code, "error_description": desc})
}

func entraCodeForStatus(status int) (string, string) { return "server_error", http.StatusText(status) }

func (g *graphReq) provisionOnDemand(j *jobState) {
	g.fail(http.StatusNotImplemented, "NotImplemented", "not implemented yet")
}

func (g *graphReq) listProvisioningLogs() {
	g.fail(http.StatusNotImplemented, "NotImplemented", "not implemented yet")
}

func seedLogs(d *directory, start time.Time) []map[string]any { return nil }
