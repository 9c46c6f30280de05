package emulator

import (
	"net/http"
	"testing"
	"time"
)

// An entry planted with visibleAfterSeconds is listed only once that time
// has passed on the emulator's clock, with its own (older) activityDateTime:
// what a follower of real logs meets. A given cycleId is kept.
func TestPlantLogsLate(t *testing.T) {
	h := start(t, Options{})
	r := h.call("POST", "/_emulator/logs", map[string]any{
		"jobId": boxJob, "subjectId": meganID, "status": "failure", "errorCode": "LateOne",
		"activityOffsetSeconds": -120, "visibleAfterSeconds": 30, "cycleId": "5c7e9a1b-0000-4000-8000-00000000c1c1",
	})
	wantStatus(t, r, http.StatusOK)
	if all := get(h.graph("GET", logsQuery(""), nil).body, "value").([]any); containsLog(all, "cycleId", "5c7e9a1b-0000-4000-8000-00000000c1c1") {
		t.Fatal("the late entry is listed before its time")
	}
	h.s.clock.advance(31 * time.Second)
	all := get(h.graph("GET", logsQuery(""), nil).body, "value").([]any)
	if !containsLog(all, "cycleId", "5c7e9a1b-0000-4000-8000-00000000c1c1") {
		t.Fatal("the late entry is not listed once its time has passed")
	}
	e := h.newestLog(t, "cycleId eq '5c7e9a1b-0000-4000-8000-00000000c1c1'")
	at, err := time.Parse(time.RFC3339, get(e, "activityDateTime").(string))
	if err != nil {
		t.Fatal(err)
	}
	// Planted 31 s ago (emulator clock) with an offset of -120 s.
	if d := h.s.clock.now().Sub(at); d < 140*time.Second || d > 160*time.Second {
		t.Errorf("activityDateTime %v is %v before the emulator's now, want about 151s", at, d)
	}
	if get(e, "provisioningStatusInfo", "errorInformation", "errorCode") != "LateOne" {
		t.Errorf("late entry = %v", e)
	}

	for _, v := range []any{-1, 7*24*3600 + 1, "soon"} {
		wantStatus(t, h.call("POST", "/_emulator/logs", map[string]any{"jobId": boxJob, "subjectId": adeleID, "visibleAfterSeconds": v}), http.StatusBadRequest)
	}
}

// The seeded history's entries of one job at one time are one provisioning
// cycle: they share a cycleId, and other times or jobs have other ones.
func TestSeedLogCycles(t *testing.T) {
	h := shared(t)
	byCycle := map[string]string{} // cycleId → job@time
	byRun := map[string]string{}   // job@time → cycleId
	for _, v := range get(h.graph("GET", logsQuery("", "$top", "1000"), nil).body, "value").([]any) {
		cycle, _ := get(v, "cycleId").(string)
		run := get(v, "jobId").(string) + "@" + get(v, "activityDateTime").(string)
		if cycle == "" {
			t.Fatalf("entry without cycleId: %v", v)
		}
		if prev, ok := byCycle[cycle]; ok && prev != run {
			t.Errorf("cycle %s holds %s and %s", cycle, prev, run)
		}
		if prev, ok := byRun[run]; ok && prev != cycle {
			t.Errorf("%s is in cycles %s and %s", run, prev, cycle)
		}
		byCycle[cycle], byRun[run] = run, cycle
	}
	if len(byRun) < 3 || len(byCycle) != len(byRun) {
		t.Errorf("%d runs in %d cycles", len(byRun), len(byCycle))
	}
}

func containsLog(entries []any, field, value string) bool {
	for _, e := range entries {
		if get(e, field) == value {
			return true
		}
	}
	return false
}
