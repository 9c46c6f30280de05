package emulator

import (
	"fmt"
	"net/http"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
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
	RateLimitSpec *string `json:"rateLimitSpec"` // its limit, "N/D" or "off" (ParseRateLimit)
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
	change := tenant.ConfigChange{Profile: req.Profile, ApplyResource: req.ApplyResource, LogShape: req.LogShape, RateLimit: req.RateLimit}
	if req.LogLagMs != nil {
		lag := time.Duration(*req.LogLagMs) * time.Millisecond
		change.LogLag = &lag
	}
	if req.RateLimitSpec != nil {
		change.RateLimit, change.OnDemandRate = rateLimitChange(*req.RateLimitSpec)
	}
	c := s.dir.Configure(change)
	cfg := tenant.NewObject(
		"profile", c.Profile,
		"applyResource", c.ApplyResource,
		"logLagMs", c.LogLag.Milliseconds(),
		"logShape", c.LogShape,
		"rateLimit", c.RateLimit,
		"rateLimitSpec", formatRateLimit(c.RateLimit, c.OnDemandRate),
	)
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
	if c.LogShape != nil && *c.LogShape != tenant.LogShapeCurrent && *c.LogShape != tenant.LogShapeOld {
		return fmt.Errorf("logShape %q: use %q or %q", *c.LogShape, tenant.LogShapeCurrent, tenant.LogShapeOld)
	}
	if c.RateLimitSpec != nil {
		limit, _, err := ParseRateLimit(*c.RateLimitSpec)
		if err != nil {
			return fmt.Errorf("rateLimitSpec: %w", err)
		}
		if c.RateLimit != nil && *c.RateLimit != (limit > 0) {
			return errRateLimitConflict
		}
	}
	return nil
}

// rateLimitChange turns a valid rate-limit spec into the switch and, unless
// it is "off", the limit. Turning throttling off keeps the limit, so a later
// {"rateLimit":true} restores it.
func rateLimitChange(spec string) (*bool, *tenant.OnDemandRate) {
	limit, window, _ := ParseRateLimit(spec)
	on := limit > 0
	if !on {
		return &on, nil
	}
	return &on, &tenant.OnDemandRate{Limit: limit, Window: window}
}
