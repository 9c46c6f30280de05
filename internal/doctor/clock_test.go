package doctor

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestClockSkew(t *testing.T) {
	sent := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	answered := sent.Add(200 * time.Millisecond)
	for _, tc := range []struct {
		serverAt time.Time
		status   Status
		detail   string
	}{
		{sent, OK, "agrees with the clock of Graph (x) (within a second)"},
		{sent.Add(90 * time.Second), OK, "1m30s behind the clock of Graph"},
		{sent.Add(3 * time.Minute), Warning, "3m behind"},
		{sent.Add(-3 * time.Minute), Warning, "ahead of the clock of Graph"},
		{sent.Add(6 * time.Minute), Failed, "6m behind"},
		{sent.Add(-2 * time.Hour), Failed, "2h00m ahead of"},
	} {
		skew, err := ClockSkew(tc.serverAt.Format(http.TimeFormat), sent, answered)
		if err != nil {
			t.Fatal(err)
		}
		r := ClockResult(skew, "Graph (x)")
		if r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) || (r.Status != OK) != (r.Fix != "") {
			t.Errorf("server at %s: %+v, want %s with %q", tc.serverAt, r, tc.status, tc.detail)
		}
	}
	if _, err := ClockSkew("yesterday", sent, answered); err == nil {
		t.Error("a bad Date was accepted")
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45s", 270 * time.Second: "4m30s", 59 * time.Minute: "59m",
		65 * time.Minute: "1h05m", 72 * time.Hour: "3d",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
