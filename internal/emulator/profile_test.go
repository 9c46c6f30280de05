package emulator

import (
	"net/http"
	"testing"
	"time"
)

// changeEntries counts the visible log entries of a change id.
func (h *harness) changeEntries(t *testing.T, changeID string) int {
	t.Helper()
	r := h.graph("GET", logsQuery("changeId eq '"+changeID+"'"), nil)
	wantStatus(t, r, http.StatusOK)
	return len(get(r.body, "value").([]any))
}

func TestProfileReal(t *testing.T) {
	h := start(t, Options{Profile: ProfileReal})
	r := h.graph("GET", jobPath(boxSP, "apply."+boxJob), nil)
	wantGraphError(t, r, http.StatusBadRequest, "BadRequest")
	if get(r.body, "error", "message") != "Invalid job id 'apply."+boxJob+"'." {
		t.Errorf("message = %v", get(r.body, "error", "message"))
	}
	cfg := h.call("GET", "/_emulator/config", nil)
	if jsonOf(cfg.body) != `{"applyResource":false,"logLagMs":20000,"logShape":"current","profile":"real","rateLimit":true,"rateLimitSpec":"5/10s"}` {
		t.Errorf("config = %s", cfg.raw)
	}
	if orderedKeys(t, string(cfg.raw)) != "profile,applyResource,logLagMs,logShape,rateLimit,rateLimitSpec" {
		t.Errorf("config members = %s", orderedKeys(t, string(cfg.raw)))
	}

	// Seeded history is there at once; an on-demand entry only after the lag.
	if n := len(get(h.graph("GET", logsQuery(""), nil).body, "value").([]any)); n == 0 {
		t.Error("seeded entries are hidden")
	}
	a := h.provision(t, boxSP, boxJob, onDemandBody(boxRule, meganID, "User"))
	change := a.value["changeId"].(string)
	if n := h.changeEntries(t, change); n != 0 {
		t.Errorf("visible at once: %d", n)
	}
	h.s.clock.advance(RealLogLag - time.Second)
	if n := h.changeEntries(t, change); n != 0 {
		t.Errorf("visible before the lag: %d", n)
	}
	h.s.clock.advance(time.Second)
	if n := h.changeEntries(t, change); n != 1 {
		t.Errorf("visible after the lag: %d", n)
	}
}

func TestLogLagOptions(t *testing.T) {
	for name, tt := range map[string]struct {
		opts Options
		lag  time.Duration
	}{
		"real, given lag":  {Options{Profile: ProfileReal, LogLag: 3 * time.Second}, 3 * time.Second},
		"real, set to 0":   {Options{Profile: ProfileReal, LogLagSet: true}, 0},
		"seed, given lag":  {Options{LogLag: 2 * time.Second}, 2 * time.Second},
		"seed, no lag":     {Options{}, 0},
		"seed by its name": {Options{Profile: ProfileSeed}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			h := start(t, tt.opts)
			change := h.provision(t, boxSP, boxJob, onDemandBody(boxRule, meganID, "User")).value["changeId"].(string)
			if tt.lag > 0 {
				if n := h.changeEntries(t, change); n != 0 {
					t.Errorf("visible before %s", tt.lag)
				}
				h.s.clock.advance(tt.lag)
			}
			if n := h.changeEntries(t, change); n != 1 {
				t.Errorf("not visible after %s", tt.lag)
			}
		})
	}
}

func TestStartRejectsBadProfileAndLag(t *testing.T) {
	if _, err := Start(Options{Addr: "127.0.0.1:0", Profile: "staging"}); err == nil {
		t.Error("unknown profile accepted")
	}
	if _, err := Start(Options{Addr: "127.0.0.1:0", LogLag: -time.Second}); err == nil {
		t.Error("negative lag accepted")
	}
	if err := CheckProfile("real"); err != nil {
		t.Error(err)
	}
}

func TestProfileSwitchAtRuntime(t *testing.T) {
	h := start(t, Options{})
	config := func(body map[string]any) map[string]any {
		t.Helper()
		r := h.call("POST", "/_emulator/config", body)
		wantStatus(t, r, http.StatusOK)
		return r.body
	}
	apply := func() int { return h.graph("GET", jobPath(slackSP, "apply."+slackJob), nil).status }
	if apply() != http.StatusOK {
		t.Error("seed: apply. does not answer")
	}
	if c := config(map[string]any{"profile": "real"}); c["applyResource"] != false || c["logLagMs"] != float64(20000) {
		t.Errorf("real: %v", c)
	}
	if apply() != http.StatusBadRequest {
		t.Error("real: apply. answers")
	}
	if c := config(map[string]any{"profile": "real", "logLagMs": 3000}); c["logLagMs"] != float64(3000) {
		t.Errorf("real with lag: %v", c)
	}
	// applyResource overrides the profile until the profile is set again.
	config(map[string]any{"applyResource": true})
	if apply() != http.StatusOK {
		t.Error("applyResource:true did not override the profile")
	}
	if c := config(map[string]any{"profile": "seed"}); c["applyResource"] != true || c["logLagMs"] != float64(0) {
		t.Errorf("seed again: %v", c)
	}
	config(map[string]any{"applyResource": false})
	if apply() != http.StatusBadRequest {
		t.Error("applyResource:false in seed")
	}
	for _, bad := range []map[string]any{{"profile": "staging"}, {"logLagMs": -1}, {"logShape": "new"}, {"lag": 1}} {
		wantStatus(t, h.call("POST", "/_emulator/config", bad), http.StatusBadRequest)
	}
}
