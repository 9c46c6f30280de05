package emulator

import (
	"fmt"
	"net/http"
	"time"
)

// maxLogLagMs bounds the lag (a day), so no value overflows a duration.
const maxLogLagMs = 24 * 60 * 60 * 1000

// configRequest is the body of POST /_emulator/config; absent members keep
// their value.
type configRequest struct {
	Profile       *string `json:"profile"`       // seed | real
	ApplyResource *bool   `json:"applyResource"` // overrides the profile for GET jobs/apply.{id}
	LogLagMs      *int64  `json:"logLagMs"`      // overrides the profile's log lag
	LogShape      *string `json:"logShape"`      // current | old
	RateLimit     *bool   `json:"rateLimit"`     // provisionOnDemand throttling
}

// controlConfig reads or changes the switches. Setting profile drops the
// applyResource and logLagMs overrides unless the same request sets them,
// so a profile means the same thing whatever was set before.
func (s *Server) controlConfig(w http.ResponseWriter, r *http.Request) {
	var req configRequest
	if r.Method == http.MethodPost {
		if !decodeControl(w, r, &req, false) {
			return
		}
		if err := req.validate(); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	d := s.dir
	d.mu.Lock()
	if req.Profile != nil {
		d.profile, d.applyOverride, d.lagOverride = *req.Profile, nil, nil
	}
	if req.ApplyResource != nil {
		v := *req.ApplyResource
		d.applyOverride = &v
	}
	if req.LogLagMs != nil {
		lag := time.Duration(*req.LogLagMs) * time.Millisecond
		d.lagOverride = &lag
	}
	if req.LogShape != nil {
		d.logShape = *req.LogShape
	}
	if req.RateLimit != nil {
		d.rateLimit = *req.RateLimit
	}
	cfg := object(
		"profile", d.profile,
		"applyResource", d.applyResourceOn(),
		"logLagMs", d.logLag().Milliseconds(),
		"logShape", d.logShape,
		"rateLimit", d.rateLimit,
	)
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, "application/json", cfg)
}

// validate checks every member before any is applied.
func (c configRequest) validate() error {
	if c.Profile != nil {
		if err := CheckProfile(*c.Profile); err != nil {
			return err
		}
	}
	if c.LogLagMs != nil && (*c.LogLagMs < 0 || *c.LogLagMs > maxLogLagMs) {
		return fmt.Errorf("logLagMs %d is out of range: use 0 to %d (a day)", *c.LogLagMs, maxLogLagMs)
	}
	if c.LogShape != nil && *c.LogShape != logShapeCurrent && *c.LogShape != logShapeOld {
		return fmt.Errorf("logShape %q: use %q or %q", *c.LogShape, logShapeCurrent, logShapeOld)
	}
	return nil
}
