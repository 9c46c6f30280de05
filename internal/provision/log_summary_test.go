package provision

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// summaryEntry is a provisioning-log entry in Graph's wire shape.
func summaryEntry(id, cycle, status, action, code, reason string, at time.Time) string {
	errInfo := "null"
	if code != "" {
		errInfo = `{"errorCode":"` + code + `","reason":"` + reason + `"}`
	}
	return `{"id":"` + id + `","activityDateTime":"` + at.Format(time.RFC3339) + `","cycleId":"` + cycle + `","jobId":"BoxOutDelta.1.2",
	  "provisioningAction":"` + action + `","provisioningStatusInfo":{"status":"` + status + `","errorInformation":` + errInfo + `},
	  "provisioningSteps":[{"name":"EntrySynchronizationSkip","provisioningStepType":"export","status":"` + status + `","description":"Skip step","details":{"SkipReason":"RedundantExport"}}]}`
}

func decodeEntries(t *testing.T, docs ...string) ([]graph.ProvisioningObjectSummary, []json.RawMessage) {
	t.Helper()
	entries := make([]graph.ProvisioningObjectSummary, len(docs))
	raws := make([]json.RawMessage, len(docs))
	for i, d := range docs {
		raws[i] = json.RawMessage(d)
		if err := json.Unmarshal(raws[i], &entries[i]); err != nil {
			t.Fatal(err)
		}
	}
	return entries, raws
}

// Counts by state and action, the most frequent reasons with the newest
// message, and per-cycle totals, newest cycle first.
func TestSummarizeEntries(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	entries, raws := decodeEntries(t,
		summaryEntry("1", "c2", "failure", "create", "BoxEntryConflict", "newest conflict", t0.Add(3*time.Minute)),
		summaryEntry("2", "c2", "failure", "create", "BoxEntryConflict", "older conflict", t0.Add(2*time.Minute)),
		summaryEntry("3", "c2", "skipped", "other", "", "", t0.Add(2*time.Minute)),
		summaryEntry("4", "c1", "success", "update", "", "", t0),
		summaryEntry("5", "c1", "warning", "update", "SlowTarget", "took long", t0),
		summaryEntry("6", "c1", "failure", "delete", "NotFound", "gone", t0.Add(-time.Minute)),
		summaryEntry("7", "", "success", "stagedDelete", "", "", t0.Add(-2*time.Minute)),
	)
	s := SummarizeEntries(entries, raws)
	if s.Entries != 7 || !s.Oldest.Equal(t0.Add(-2*time.Minute)) || !s.Newest.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("entries %d, oldest %v, newest %v", s.Entries, s.Oldest, s.Newest)
	}
	if want := (StateCounts{Success: 2, Warning: 1, Skipped: 1, Failure: 3}); s.ByState != want {
		t.Errorf("byState %+v", s.ByState)
	}
	if want := map[string]int{"create": 2, "other": 1, "update": 2, "delete": 1, "stageddelete": 1}; !reflect.DeepEqual(s.ByAction, want) {
		t.Errorf("byAction %v", s.ByAction)
	}
	if len(s.TopErrors) != 3 {
		t.Fatalf("topErrors %+v", s.TopErrors)
	}
	top := s.TopErrors[0]
	if top.Code != "BoxEntryConflict" || top.Count != 2 || top.Message != "newest conflict" || !top.LastSeen.Equal(t0.Add(3*time.Minute)) || top.State != StateFailure {
		t.Errorf("top error %+v", top)
	}
	// equal counts: the most recent first
	if s.TopErrors[1].Code != "SlowTarget" || s.TopErrors[1].State != StateWarning || s.TopErrors[2].Code != "NotFound" {
		t.Errorf("topErrors order %+v", s.TopErrors)
	}
	if len(s.TopSkipReasons) != 1 || s.TopSkipReasons[0].Code != "RedundantExport" || s.TopSkipReasons[0].Message != "Skip step" {
		t.Errorf("topSkipReasons %+v", s.TopSkipReasons)
	}
	if len(s.Cycles) != 3 {
		t.Fatalf("cycles %+v", s.Cycles)
	}
	c2, c1, none := s.Cycles[0], s.Cycles[1], s.Cycles[2]
	if c2.CycleID != "c2" || c2.Entries != 3 || c2.ByState != (StateCounts{Failure: 2, Skipped: 1}) || !c2.First.Equal(t0.Add(2*time.Minute)) || c2.JobID != "BoxOutDelta.1.2" {
		t.Errorf("cycle c2 %+v", c2)
	}
	if c1.CycleID != "c1" || c1.Entries != 3 || c1.ByState != (StateCounts{Success: 1, Warning: 1, Failure: 1}) {
		t.Errorf("cycle c1 %+v", c1)
	}
	if none.CycleID != "" || none.Entries != 1 {
		t.Errorf("entries without a cycle %+v", none)
	}
}

// Nothing to count is zeros and empty lists, never null; every documented
// field is present.
func TestSummarizeNothing(t *testing.T) {
	b, err := json.Marshal(SummarizeEntries(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"since":null,"until":null,"entries":0,"truncated":false,"oldest":null,"newest":null,` +
		`"byState":{"success":0,"warning":0,"skipped":0,"failure":0,"pending":0},"byAction":{},"topErrors":[],"topSkipReasons":[],"cycles":[]}`
	if string(b) != want {
		t.Errorf("empty summary:\n got %s\nwant %s", b, want)
	}
}

// Only the top reasons are kept.
func TestSummarizeTopTen(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var docs []string
	for i := range 15 {
		for range i + 1 {
			docs = append(docs, summaryEntry("x", "c", "failure", "create", "Code"+strings.Repeat("I", i+1), "m", t0))
		}
	}
	entries, raws := decodeEntries(t, docs...)
	s := SummarizeEntries(entries, raws)
	if len(s.TopErrors) != summaryTopReasons || s.TopErrors[0].Count != 15 || s.TopErrors[9].Count != 6 {
		t.Errorf("topErrors %+v", s.TopErrors)
	}
}

// SummarizeLogs pages through the period up to the cap, and says when the
// period held more.
func TestSummarizeLogsCap(t *testing.T) {
	svc, g, _ := newFollowTest()
	for i := range 30 {
		g.publish("e"+string(rune('a'+i)), followT0.Add(-time.Duration(i)*time.Minute), followT0)
	}
	since := followT0.Add(-time.Hour)
	q := LogQuery{JobID: "j", Since: since.Format(time.RFC3339)}
	s, err := svc.SummarizeLogs(context.Background(), SummaryRequest{Query: q, Since: since, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if s.Entries != 10 || !s.Truncated || !s.Since.Equal(since) || s.Until != nil || !s.Newest.Equal(followT0) {
		t.Errorf("summary %+v", s)
	}
	if q := g.queries[0]; q.Limit != 11 || q.Top != 11 || q.JobID != "j" || q.Since != since.Format(time.RFC3339) {
		t.Errorf("asked %+v", q)
	}
	s, err = svc.SummarizeLogs(context.Background(), SummaryRequest{Query: q})
	if err != nil || s.Entries != 30 || s.Truncated {
		t.Errorf("summary %+v, %v", s, err)
	}
	if q := g.queries[1]; q.Limit != DefaultSummaryLimit+1 || q.Top != summaryPageSize {
		t.Errorf("asked %+v", q)
	}
	if _, err := svc.SummarizeLogs(context.Background(), SummaryRequest{Query: q, Limit: MaxSummaryLimit + 1}); err == nil {
		t.Error("a limit above the cap is accepted")
	}
}

// docs/output.md ("Provisioning-log summary") names exactly the JSON
// fields of the summary types.
func TestLogSummaryDocumented(t *testing.T) {
	types := map[string]reflect.Type{
		"LogSummary":  reflect.TypeOf(LogSummary{}),
		"StateCounts": reflect.TypeOf(StateCounts{}),
		"ReasonCount": reflect.TypeOf(ReasonCount{}),
		"CycleTotal":  reflect.TypeOf(CycleTotal{}),
	}
	documented := documentedTables(t, "../../docs/output.md", "## Provisioning-log summary")
	for name, typ := range types {
		if got, want := documented[name], jsonNames(t, typ); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: documented %v, JSON encodes %v", name, got, want)
		}
	}
	for name := range documented {
		if _, ok := types[name]; !ok {
			t.Errorf("docs/output.md documents %s, which is no summary type", name)
		}
	}
}
