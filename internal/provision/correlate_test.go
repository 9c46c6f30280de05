package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

func TestRequestTimeUsesGraphsClock(t *testing.T) {
	sent := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) // a local clock 3 hours ahead
	got := requestTime("Mon, 30 Nov 2026 09:00:05 GMT", sent, sent.Add(4*time.Second))
	want := time.Date(2026, 11, 30, 9, 0, 1, 0, time.UTC).Add(-clockSkew)
	if !got.Equal(want) {
		t.Fatalf("requestTime = %v, want %v", got, want)
	}
	if got := requestTime("", sent, sent); !got.Equal(sent.Add(-clockSkew)) {
		t.Fatalf("without Date: %v", got)
	}
}

func TestLogMatch(t *testing.T) {
	m := LogMatch{JobID: "J", SubjectID: "U1", ChangeID: "c1", NotBefore: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	entry := func(s string) *graph.ProvisioningObjectSummary {
		var e graph.ProvisioningObjectSummary
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			t.Fatal(err)
		}
		return &e
	}
	tests := []struct {
		name, entry string
		want        bool
	}{
		{"its own entry", `{"jobId":"J","changeId":"c1","activityDateTime":"2026-11-30T09:00:03Z","sourceIdentity":{"id":"u1"}}`, true},
		{"another subject", `{"jobId":"J","changeId":"c1","activityDateTime":"2026-11-30T09:00:03Z","sourceIdentity":{"id":"u2"}}`, false},
		{"no subject", `{"jobId":"J","changeId":"c1","activityDateTime":"2026-11-30T09:00:03Z"}`, false},
		{"older than the request", `{"jobId":"J","changeId":"c1","activityDateTime":"2026-11-30T08:59:59Z","sourceIdentity":{"id":"u1"}}`, false},
		{"no time", `{"jobId":"J","changeId":"c1","sourceIdentity":{"id":"u1"}}`, false},
		{"another change", `{"jobId":"J","changeId":"c2","activityDateTime":"2026-11-30T09:00:03Z","sourceIdentity":{"id":"u1"}}`, false},
		{"another job", `{"jobId":"K","changeId":"c1","activityDateTime":"2026-11-30T09:00:03Z","sourceIdentity":{"id":"u1"}}`, false},
	}
	for _, tt := range tests {
		if got := m.matches(entry(tt.entry)); got != tt.want {
			t.Errorf("%s: matches = %v, want %v", tt.name, got, tt.want)
		}
	}
	if f := m.query().Filter(); f != "jobid eq 'J' and changeid eq 'c1' and sourceIdentity/id eq 'U1' and activityDateTime gt 2026-11-30T08:59:59Z" {
		t.Errorf("filter = %s", f)
	}
}

// tenantFake is a Graph that answers provisionOnDemand with a Date three
// hours behind this machine's clock and serves a log that ignores every
// filter (the hardest case): newest first, with stray entries for other
// subjects and old entries for the same one. The subject's own entries
// appear only from the given poll on, as on real tenants.
type tenantFake struct {
	mu        sync.Mutex
	graphNow  time.Time
	logPolls  int
	appearAt  int
	entries   []string // always there
	late      []string // there from poll appearAt on
	podAnswer string
	podHangs  bool // the POST never answers
	spHangs   bool // the service principal lookup never answers
}

func (f *tenantFake) serve(t *testing.T) *Service {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Date", f.graphNow.Format(http.TimeFormat))
		p := strings.TrimPrefix(r.URL.Path, "/beta/")
		switch {
		case f.spHangs && strings.HasPrefix(p, "servicePrincipals/"):
			f.mu.Unlock()
			<-r.Context().Done()
			f.mu.Lock()
		case r.Method == http.MethodGet && p == "servicePrincipals/11111111-1111-1111-1111-111111111111":
			fmt.Fprint(w, `{"id":"11111111-1111-1111-1111-111111111111","displayName":"Box"}`)
		case r.Method == http.MethodGet && p == "servicePrincipals/"+fakeSP+"/synchronization/jobs":
			fmt.Fprint(w, `{"value":[{"id":"J","templateId":"T"}]}`)
		case r.Method == http.MethodGet && strings.HasPrefix(p, "users/"):
			id := strings.TrimPrefix(p, "users/")
			fmt.Fprintf(w, `{"id":%q,"userPrincipalName":"%s@contoso.test"}`, id, id[:4])
		case r.Method == http.MethodGet && strings.HasPrefix(p, "groups/"):
			fmt.Fprintf(w, `{"id":%q,"displayName":"Sales"}`, strings.TrimPrefix(p, "groups/"))
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/provisionOnDemand"):
			if f.podHangs {
				f.mu.Unlock()
				// Read the body so the server notices the client leaving.
				_, _ = io.Copy(io.Discard, r.Body)
				<-r.Context().Done()
				f.mu.Lock()
				return
			}
			fmt.Fprint(w, f.podAnswer)
		case r.Method == http.MethodGet && p == "auditLogs/provisioning":
			f.logPolls++
			list := append([]string{}, f.late...)
			if f.logPolls < f.appearAt {
				list = nil
			}
			list = append(list, f.entries...)
			fmt.Fprintf(w, `{"value":[%s]}`, strings.Join(list, ","))
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":{"code":"NotFound","message":"%s %s"}}`, r.Method, p)
		}
	}))
	t.Cleanup(srv.Close)
	return &Service{Graph: &graph.Client{BaseURL: srv.URL, HTTP: srv.Client(), Retry: graph.RetryPolicy{MaxAttempts: 1}}}
}

const (
	fakeSP    = "11111111-1111-1111-1111-111111111111"
	adeleID   = "aaaaaaaa-0000-0000-0000-000000000001"
	meganID   = "bbbbbbbb-0000-0000-0000-000000000002"
	salesID   = "cccccccc-0000-0000-0000-000000000003"
	otherGrID = "dddddddd-0000-0000-0000-000000000004"
)

func logEntry(subject, typ, changeID, status string, at time.Time) string {
	return fmt.Sprintf(`{"id":"%s-%s","jobId":"J","changeId":%q,"activityDateTime":%q,"provisioningAction":"create",
"provisioningStatusInfo":{"status":%q,"errorInformation":null},
"sourceIdentity":{"id":%q,"displayName":"","identityType":%q,"details":{}}}`, subject[:4], status, changeID, at.UTC().Format(time.RFC3339), status, subject, typ)
}

func TestRunReportsOnlyItsOwnSubject(t *testing.T) {
	graphNow := time.Now().Add(-3 * time.Hour).Truncate(time.Second) // Graph's clock, not ours
	f := &tenantFake{
		graphNow: graphNow, appearAt: 2,
		podAnswer: `{"key":"{\"result\":\"Success\",\"details\":{}}","value":"{\"action\":\"Create\",\"changeId\":\"c-new\",\"provisioningSteps\":[{\"name\":\"EntryExportAdd\",\"type\":\"Export\",\"status\":\"Success\"}],\"sourceIdentity\":{\"id\":\"` + adeleID + `\",\"type\":\"User\"}}"}`,
		entries: []string{
			logEntry(meganID, "User", "c-megan", "failure", graphNow.Add(time.Minute)),   // newer, another subject
			logEntry(adeleID, "User", "c-new", "failure", graphNow.Add(-time.Hour)),      // same subject and change id, but old
			logEntry(adeleID, "User", "c-old", "failure", graphNow.Add(-30*time.Minute)), // same subject, old
		},
		late: []string{logEntry(adeleID, "User", "c-new", "success", graphNow.Add(time.Second))},
	}
	svc := f.serve(t)
	outcomes, err := svc.Run(context.Background(), RunRequest{
		SP: fakeSP, Job: "J", Rule: "r1", Users: []string{adeleID}, Wait: true, Interval: 100 * time.Millisecond, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	o := outcomes[0]
	if o.Source != SourceProvisioningLogs || o.State != StateSuccess || o.Subject.ID != adeleID || o.ChangeID != "c-new" {
		t.Fatalf("outcome: source %s state %s subject %+v change %s", o.Source, o.State, o.Subject, o.ChangeID)
	}
	if f.logPolls < 2 {
		t.Fatalf("logs read %d times: the entry that was not there yet cannot have been waited for", f.logPolls)
	}
}

func TestRunGroupWaitsForItsOwnEntryAndMembers(t *testing.T) {
	graphNow := time.Now().Truncate(time.Second)
	f := &tenantFake{
		// The first two log reads are made before the request is sent.
		graphNow: graphNow, appearAt: 3,
		podAnswer: `{"key":"{\"result\":\"Success\",\"details\":{}}","value":"{}"}`,
		entries: []string{
			logEntry(otherGrID, "Group", "c-x", "failure", graphNow.Add(2*time.Minute)), // another group, newer
			logEntry(salesID, "Group", "c-y", "failure", graphNow),                      // this group, a request a moment earlier
		},
		late: []string{
			logEntry(meganID, "User", "c-m", "failure", graphNow.Add(time.Second)),
			logEntry(salesID, "Group", "c-g", "success", graphNow.Add(time.Second)),
		},
	}
	svc := f.serve(t)
	outcomes, err := svc.Run(context.Background(), RunRequest{
		SP: fakeSP, Job: "J", Rule: "r#V2", Group: salesID, Members: []string{meganID}, Wait: true, Interval: 100 * time.Millisecond, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	o := outcomes[0]
	if o.Subject.ID != salesID || o.State != StateSuccess || o.ChangeID != "c-g" {
		t.Fatalf("group outcome: %+v %s", o.Subject, o.State)
	}
	if len(o.Members) != 1 || o.Members[0].Subject.ID != meganID || o.Members[0].State != StateFailure {
		t.Fatalf("members = %+v", o.Members)
	}
	if WorstState(outcomes) != StateFailure {
		t.Fatalf("worst = %s: a failed member must decide the exit code", WorstState(outcomes))
	}
}

func TestRunWaitTimesOutWithTheAnswer(t *testing.T) {
	f := &tenantFake{
		graphNow:  time.Now(),
		appearAt:  1,
		podAnswer: `{"key":"{\"result\":\"Success\",\"details\":{}}","value":"{\"changeId\":\"c1\",\"provisioningSteps\":[{\"name\":\"EntryExportAdd\",\"type\":\"Export\",\"status\":\"Success\"}]}"}`,
	}
	svc := f.serve(t)
	outcomes, err := svc.Run(context.Background(), RunRequest{SP: fakeSP, Job: "J", Rule: "r1", Users: []string{adeleID}, Wait: true, Interval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond})
	var lt *LogWaitTimeout
	if !errors.Is(err, ErrWaitTimeout) || !errors.As(err, &lt) || lt.Answer.State != StateSuccess {
		t.Fatalf("err = %v", err)
	}
	// The printed state must agree with the exit code: pending, from the logs.
	if len(outcomes) != 1 || outcomes[0].Source != SourceProvisioningLogs || outcomes[0].State != StatePending || outcomes[0].Subject.ID != adeleID {
		t.Fatalf("outcomes = %+v", outcomes[0])
	}
}

func TestRunRequestValidate(t *testing.T) {
	bad := []RunRequest{
		{Users: []string{"a@x.com"}},
		{SP: "Box"},
		{SP: "Box", Users: []string{"a@x.com"}, Group: "G"},
		{SP: "Box", Members: []string{"a@x.com"}},
		{SP: "Box", Group: "G", Members: []string{"a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com", "f@x.com"}},
		{SP: "Box", Users: []string{"adele"}},
		{SP: "Box", Job: "../users", Users: []string{"a@x.com"}},
		{SP: "Box", Rule: "r\x1b", Users: []string{"a@x.com"}},
		{SP: "Box", Users: []string{"a@x.com"}, Interval: time.Millisecond},
	}
	for _, r := range bad {
		var ue *UsageError
		if err := r.Validate(); err == nil || !errorsAs(err, &ue) {
			t.Errorf("%+v: err = %v, want a usage error", r, err)
		}
	}
	if err := (RunRequest{SP: "Box", Group: "Sales", Members: []string{"a@x.com"}}).Validate(); err != nil {
		t.Errorf("valid request refused: %v", err)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// --timeout bounds the whole run, a POST that never answers included.
func TestRunTimeoutBoundsAHangingPost(t *testing.T) {
	f := &tenantFake{graphNow: time.Now(), podHangs: true}
	svc := f.serve(t)
	start := time.Now()
	_, err := svc.Run(context.Background(), RunRequest{SP: fakeSP, Job: "J", Rule: "r1", Users: []string{adeleID}, Wait: true, Interval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond})
	var rt *RunTimeout
	if !errors.Is(err, ErrWaitTimeout) || !errors.As(err, &rt) {
		t.Fatalf("err = %v, want a run timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("run took %s: the timeout did not bound the POST", d)
	}
}

// poll --wait --timeout bounds the lookups before the wait too.
func TestPollTimeoutBoundsAHangingLookup(t *testing.T) {
	f := &tenantFake{graphNow: time.Now(), spHangs: true}
	svc := f.serve(t)
	start := time.Now()
	_, err := svc.PollOutcome(context.Background(), PollCommand{SP: fakeSP, Job: "J", Source: PollAuto, Wait: true, Interval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("poll took %s: the timeout did not bound the lookup", d)
	}
}
