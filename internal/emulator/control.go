package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// serveControl answers the test control API under /_emulator/. It needs no
// authentication and so answers only loopback clients.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		controlError(w, http.StatusForbidden, "the control API answers loopback clients only")
		return
	}
	route := r.Method + " " + strings.TrimSuffix(r.URL.Path, "/")
	switch route {
	case "POST /_emulator/faults":
		s.controlAddFaults(w, r)
	case "GET /_emulator/faults":
		writeJSON(w, http.StatusOK, "application/json", s.faults.snapshot())
	case "DELETE /_emulator/faults":
		s.faults.clear()
		w.WriteHeader(http.StatusNoContent)
	case "GET /_emulator/requests":
		writeJSON(w, http.StatusOK, "application/json", s.requests.snapshot())
	case "DELETE /_emulator/requests":
		s.requests.reset()
		w.WriteHeader(http.StatusNoContent)
	case "GET /_emulator/secrets":
		writeJSON(w, http.StatusOK, "application/json", s.secrets.snapshot())
	case "POST /_emulator/outcomes":
		s.controlOutcomes(w, r)
	case "GET /_emulator/config", "POST /_emulator/config":
		s.controlConfig(w, r)
	case "POST /_emulator/logs":
		s.controlPlantLogs(w, r)
	case "POST /_emulator/expire-tokens":
		s.tokens.expireAll()
		w.WriteHeader(http.StatusNoContent)
	case "POST /_emulator/revoke":
		s.entra.revokeAll()
		w.WriteHeader(http.StatusNoContent)
	case "POST /_emulator/federated-token":
		s.controlFederatedToken(w, r)
	case "GET " + githubTokenPath:
		s.serveGitHubIDToken(w, r)
	default:
		controlError(w, http.StatusNotFound, "no control endpoint "+route+" (see docs/emulator.md)")
	}
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, "application/json", map[string]string{"error": msg})
}

// decodeControl strictly decodes a control request body; an empty body is
// allowed when optional.
func decodeControl(w http.ResponseWriter, r *http.Request, v any, optional bool) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !(optional && errors.Is(err, io.EOF)) {
		controlError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// controlAddFaults arms one fault (an object) or several (an array).
func (s *Server) controlAddFaults(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if !decodeControl(w, r, &raw, false) {
		return
	}
	var list []fault
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		if err := strictUnmarshal(raw, &list); err != nil {
			controlError(w, http.StatusBadRequest, "invalid fault list: "+err.Error())
			return
		}
	} else {
		var f fault
		if err := strictUnmarshal(raw, &f); err != nil {
			controlError(w, http.StatusBadRequest, "invalid fault: "+err.Error())
			return
		}
		list = append(list, f)
	}
	for i := range list {
		if err := list[i].validate(); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	for _, f := range list {
		s.faults.add(f)
	}
	w.WriteHeader(http.StatusNoContent)
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// controlOutcomes sets how many further polls of a job's apply. resource stay
// pending, and optionally the final outcome (success, skipped or failure).
func (s *Server) controlOutcomes(w http.ResponseWriter, r *http.Request) {
	var req struct {
		JobID        string `json:"jobId"`
		PendingPolls *int   `json:"pendingPolls"`
		Outcome      string `json:"outcome"`
	}
	if !decodeControl(w, r, &req, false) {
		return
	}
	if req.Outcome != "" && !tenant.IsJobOutcome(req.Outcome) {
		controlError(w, http.StatusBadRequest, "outcome must be success, skipped or failure")
		return
	}
	if err := s.dir.SetOutcome(req.JobID, req.PendingPolls, req.Outcome, s.clock.now()); err != nil {
		controlError(w, http.StatusNotFound, fmt.Sprintf("no job %q", req.JobID))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// controlFederatedToken mints a token of the stand-in external issuer that
// the app's federated credential trusts. The body may override subject,
// audience, issuer and lifetimeSeconds to make tokens that must be refused.
func (s *Server) controlFederatedToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Issuer          string `json:"issuer"`
		Subject         string `json:"subject"`
		Audience        string `json:"audience"`
		LifetimeSeconds int    `json:"lifetimeSeconds"`
	}
	if !decodeControl(w, r, &req, true) {
		return
	}
	if len(s.app.federated) > 0 {
		fc := s.app.federated[0]
		req.Issuer = nameOr(req.Issuer, fc.Issuer)
		req.Subject = nameOr(req.Subject, fc.Subject)
		if len(fc.Audiences) > 0 {
			req.Audience = nameOr(req.Audience, fc.Audiences[0])
		}
	}
	if req.Issuer == "" || req.Subject == "" {
		controlError(w, http.StatusBadRequest, "the app has no federated credential: give issuer and subject")
		return
	}
	lifetime := 10 * time.Minute
	if req.LifetimeSeconds != 0 {
		lifetime = time.Duration(req.LifetimeSeconds) * time.Second
	}
	tok, err := s.federated.mint(req.Issuer, req.Subject, nameOr(req.Audience, "api://AzureADTokenExchange"), s.clock.now(), lifetime)
	if err != nil {
		controlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.secrets.add(secretFederatedToken, tok)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, tok)
}
