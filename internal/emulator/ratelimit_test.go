package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

func TestParseRateLimit(t *testing.T) {
	for spec, want := range map[string]struct {
		limit  int
		window time.Duration
	}{
		"5/10s":      {5, 10 * time.Second},
		"5/1s":       {5, time.Second},
		" 1 / 100ms": {1, 100 * time.Millisecond},
		"1000/1h":    {1000, time.Hour},
		"30/1m30s":   {30, 90 * time.Second},
		"off":        {0, 0},
		"OFF":        {0, 0},
	} {
		limit, window, err := ParseRateLimit(spec)
		if err != nil || limit != want.limit || window != want.window {
			t.Errorf("%q = %d, %s, %v; want %d, %s", spec, limit, window, err, want.limit, want.window)
		}
	}
	for spec, mention := range map[string]string{
		"":          "N/D",
		"5":         "N/D",
		"0/1s":      "1 to 1000",
		"1001/1s":   "1 to 1000",
		"-1/1s":     "1 to 1000",
		"x/1s":      "1 to 1000",
		"5/":        "not a duration",
		"5/10":      "not a duration",
		"5/99ms":    "out of range",
		"5/1h1s":    "out of range",
		"5/-1s":     "out of range",
		"5/10s/2":   "not a duration",
		"on":        "N/D",
		"2.5/1s":    "1 to 1000",
		"5/1second": "not a duration",
	} {
		_, _, err := ParseRateLimit(spec)
		if err == nil || !strings.Contains(err.Error(), mention) {
			t.Errorf("%q: error %v, want one mentioning %q", spec, err, mention)
		}
	}
	if _, err := Start(Options{Addr: "127.0.0.1:0", RateLimit: "5/0s"}); err == nil {
		t.Error("Start accepted a bad rate limit")
	}
}

func TestFormatRateLimit(t *testing.T) {
	for spec, want := range map[string]string{"5/10s": "5/10s", "5/1m0s": "5/1m", "2/1h": "2/1h", "7/90s": "7/1m30s", "1/100ms": "1/100ms", "3/59m30s": "3/59m30s", "4/1.5s": "4/1.5s"} {
		limit, window, err := ParseRateLimit(spec)
		if err != nil {
			t.Fatal(err)
		}
		got := formatRateLimit(true, tenant.OnDemandRate{Limit: limit, Window: window})
		if got != want {
			t.Errorf("%s → %s, want %s", spec, got, want)
		}
		if l2, w2, err := ParseRateLimit(got); err != nil || l2 != limit || w2 != window {
			t.Errorf("%s does not read back: %d, %s, %v", got, l2, w2, err)
		}
	}
	if got := formatRateLimit(false, tenant.OnDemandRate{Limit: 5, Window: time.Second}); got != "off" {
		t.Errorf("off → %s", got)
	}
	if got := formatDuration(90 * time.Minute); got != "1h30m" {
		t.Errorf("90m → %s", got)
	}
}

// podAt provisions Megan on Box and returns the status and Retry-After.
func (h *harness) podAt(t *testing.T) (int, string) {
	t.Helper()
	r := h.graph("POST", jobPath(boxSP, boxJob)+"/provisionOnDemand", onDemandBody(boxRule, meganID, "User"))
	return r.status, r.header.Get("Retry-After")
}

func TestRateLimitWindowFivePerSecond(t *testing.T) {
	h := start(t, Options{RateLimit: "5/1s"})
	cfg := h.call("GET", "/_emulator/config", nil)
	if cfg.body["rateLimit"] != true || cfg.body["rateLimitSpec"] != "5/1s" {
		t.Errorf("config = %s", cfg.raw)
	}
	for i := 0; i < 5; i++ {
		if status, _ := h.podAt(t); status != http.StatusOK {
			t.Fatalf("call %d: %d", i+1, status)
		}
	}
	status, ra := h.podAt(t)
	if status != http.StatusTooManyRequests {
		t.Fatalf("6th call: %d", status)
	}
	secs, err := strconv.ParseFloat(ra, 64)
	if err != nil || secs <= 0 || secs > 1 {
		t.Errorf("Retry-After = %q, want (0, 1]", ra)
	}
	// Half a second later the window is still full; a second after the
	// first call it has room for exactly one more... and then five.
	h.s.clock.advance(500 * time.Millisecond)
	if status, _ := h.podAt(t); status != http.StatusTooManyRequests {
		t.Errorf("after 0.5s: %d", status)
	}
	h.s.clock.advance(500 * time.Millisecond)
	for i := 0; i < 5; i++ {
		if status, _ := h.podAt(t); status != http.StatusOK {
			t.Fatalf("after 1s, call %d: %d", i+1, status)
		}
	}
	if status, _ := h.podAt(t); status != http.StatusTooManyRequests {
		t.Errorf("6th call of the second window: %d", status)
	}
	// Other jobs have their own window.
	r := h.graph("POST", jobPath(slackSP, slackJob)+"/provisionOnDemand", onDemandBody(slackRule, adeleID, "User"))
	wantStatus(t, r, http.StatusOK)
}

func TestRateLimitOffOption(t *testing.T) {
	h := start(t, Options{RateLimit: "off"})
	for i := 0; i < 12; i++ {
		if status, _ := h.podAt(t); status != http.StatusOK {
			t.Fatalf("call %d: %d", i+1, status)
		}
	}
	if cfg := h.call("GET", "/_emulator/config", nil); cfg.body["rateLimit"] != false || cfg.body["rateLimitSpec"] != "off" {
		t.Errorf("config = %s", cfg.raw)
	}
}

func TestRateLimitSpecConfig(t *testing.T) {
	h := start(t, Options{})
	config := func(body string) response {
		t.Helper()
		return h.call("POST", "/_emulator/config", body)
	}
	if cfg := h.call("GET", "/_emulator/config", nil); cfg.body["rateLimitSpec"] != "5/10s" || cfg.body["rateLimit"] != true {
		t.Errorf("default config = %s", cfg.raw)
	}
	r := config(`{"rateLimitSpec":"2/500ms"}`)
	wantStatus(t, r, http.StatusOK)
	if r.body["rateLimitSpec"] != "2/500ms" || r.body["rateLimit"] != true {
		t.Errorf("config = %s", r.raw)
	}
	h.podAt(t)
	h.podAt(t)
	if status, ra := h.podAt(t); status != http.StatusTooManyRequests || ra == "" {
		t.Errorf("3rd call: %d, Retry-After %q", status, ra)
	}
	h.s.clock.advance(500 * time.Millisecond)
	if status, _ := h.podAt(t); status != http.StatusOK {
		t.Errorf("after the window: %d", status)
	}

	// "off" and the bool agree; turning throttling back on restores 2/500ms.
	r = config(`{"rateLimitSpec":"off"}`)
	if r.body["rateLimit"] != false || r.body["rateLimitSpec"] != "off" {
		t.Errorf("off: %s", r.raw)
	}
	for i := 0; i < 4; i++ {
		if status, _ := h.podAt(t); status != http.StatusOK {
			t.Errorf("throttled while off: %d", status)
		}
	}
	r = config(`{"rateLimit":true}`)
	if r.body["rateLimit"] != true || r.body["rateLimitSpec"] != "2/500ms" {
		t.Errorf("back on: %s", r.raw)
	}
	if r = config(`{"rateLimit":false}`); r.body["rateLimitSpec"] != "off" {
		t.Errorf("rateLimit false: %s", r.raw)
	}
	if r = config(`{"rateLimit":true,"rateLimitSpec":"5/1s"}`); r.body["rateLimitSpec"] != "5/1s" {
		t.Errorf("both: %s", r.raw)
	}

	// Bad values change nothing.
	for _, bad := range []string{`{"rateLimitSpec":"5"}`, `{"rateLimitSpec":"0/1s"}`, `{"rateLimitSpec":"5/10ms"}`, `{"rateLimitSpec":5}`,
		`{"rateLimit":true,"rateLimitSpec":"off"}`, `{"rateLimit":false,"rateLimitSpec":"5/1s"}`, `{"rateLimitSpec":"2/1s","logShape":"nope"}`} {
		r := config(bad)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d", bad, r.status)
		}
	}
	if cfg := h.call("GET", "/_emulator/config", nil); cfg.body["rateLimitSpec"] != "5/1s" {
		t.Errorf("after bad values: %s", cfg.raw)
	}
}

func TestRequestLogTimeAndSubjects(t *testing.T) {
	h := start(t, Options{RateLimit: "2/10s"})
	wantStatus(t, h.call("DELETE", "/_emulator/requests", nil), http.StatusNoContent)
	before := time.Now().UTC()
	onDemand := jobPath(boxSP, boxJob) + "/provisionOnDemand"
	h.graph("GET", "/beta/users/"+adeleID, nil)
	h.graph("POST", onDemand, onDemandBody(boxRule, waveUser(3), "User"))
	h.graph("POST", onDemand, onDemandBody(boxGRule, salesID, "Group", adeleID, meganID))
	h.graph("POST", onDemand, onDemandBody(boxRule, waveUser(4), "User")) // throttled
	h.graph("POST", onDemand, `{"parameters":`, "Content-Type", "application/json")
	h.graph("POST", jobPath(boxSP, boxJob)+"/start", nil)
	after := time.Now().UTC()

	r := h.call("GET", "/_emulator/requests", nil)
	var recs []struct {
		Method, Path, Time string
		Status             int
		Subjects           *[]string
	}
	if err := json.Unmarshal(r.raw, &recs); err != nil || len(recs) != 6 {
		t.Fatalf("records (%v) = %s", err, r.raw)
	}
	var last time.Time
	for i, rec := range recs {
		at, err := time.Parse(time.RFC3339Nano, rec.Time)
		if err != nil || !strings.HasSuffix(rec.Time, "Z") || len(rec.Time) != len("2026-01-02T15:04:05.123456789Z") {
			t.Errorf("record %d time %q: %v", i, rec.Time, err)
		}
		if at.Before(before.Add(-time.Second)) || at.After(after.Add(time.Second)) || at.Before(last) {
			t.Errorf("record %d time %s outside [%s, %s] or before %s", i, at, before, after, last)
		}
		last = at
	}
	wantSubjects := []string{"", waveUser(3), salesID + "," + adeleID + "," + meganID, waveUser(4), "", ""}
	for i, rec := range recs {
		got := ""
		if rec.Subjects != nil {
			got = strings.Join(*rec.Subjects, ",")
			if got == "" {
				t.Errorf("record %d: an empty subjects list is sent", i)
			}
		}
		if got != wantSubjects[i] {
			t.Errorf("record %d (%s %s): subjects %q, want %q", i, rec.Method, rec.Path, got, wantSubjects[i])
		}
	}
	if recs[3].Status != http.StatusTooManyRequests || recs[1].Status != http.StatusOK {
		t.Errorf("statuses %d, %d", recs[1].Status, recs[3].Status)
	}
	if strings.Contains(string(r.raw), "ruleId") || strings.Contains(string(r.raw), h.token) {
		t.Error("a body or a token leaked into the records")
	}
}
