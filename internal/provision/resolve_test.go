package provision

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

const spBox = `{"id":"8783a342-f7a2-46fb-8243-3658cee556ce","appId":"11111111-1111-1111-1111-111111111111","displayName":"Box"}`

func TestResolveServicePrincipal(t *testing.T) {
	ctx := context.Background()
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/8783a342-f7a2-46fb-8243-3658cee556ce":              {200, spBox},
		"GET servicePrincipals/22222222":                                          {404, `{"error":{"code":"Request_ResourceNotFound","message":"nope"}}`},
		"GET servicePrincipals?$filter=appId+eq+%2722222222":                      {200, `{"value":[` + spBox + `]}`},
		"GET servicePrincipals?$filter=displayName+eq+%27Box%27":                  {200, `{"value":[` + spBox + `]}`},
		"GET servicePrincipals?$filter=displayName+eq+%27Sales%27":                {200, `{"value":[]}`},
		"GET servicePrincipals?$filter=startswith%28displayName%2C%27Sales%27%29": {200, `{"value":[{"id":"a","displayName":"Salesforce"},{"id":"b","displayName":"Salesforce Sandbox"}]}`},
		"GET servicePrincipals?$filter=displayName+eq+%27O%27%27Brien%27":         {200, `{"value":[{"id":"c","displayName":"O'Brien"}]}`},
	})
	sp, err := svc.ResolveServicePrincipal(ctx, "8783a342-f7a2-46fb-8243-3658cee556ce")
	if err != nil || sp.DisplayName != "Box" {
		t.Fatalf("by object id: %v %v", sp, err)
	}
	sp, err = svc.ResolveServicePrincipal(ctx, "22222222-2222-2222-2222-222222222222")
	if err != nil || sp.ID != "8783a342-f7a2-46fb-8243-3658cee556ce" {
		t.Fatalf("by appId: %v %v", sp, err)
	}
	if sp, err = svc.ResolveServicePrincipal(ctx, "Box"); err != nil || sp.DisplayName != "Box" {
		t.Fatalf("by name: %v %v", sp, err)
	}
	if sp, err = svc.ResolveServicePrincipal(ctx, "O'Brien"); err != nil || sp.ID != "c" {
		t.Fatalf("quoted name: %v %v (requests %v)", sp, err, fg.requests())
	}
	_, err = svc.ResolveServicePrincipal(ctx, "Sales")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Candidates) != 2 || !strings.Contains(err.Error(), "Salesforce Sandbox") {
		t.Fatalf("ambiguous prefix: %v", err)
	}
}

func TestResolveJob(t *testing.T) {
	ctx := context.Background()
	jobs := `{"value":[{"id":"BoxOutDelta.abc.123","templateId":"BoxOutDelta"},{"id":"Other.abc.456","templateId":"Other"}]}`
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/sp1/synchronization/jobs": {200, jobs},
		"GET servicePrincipals/sp2/synchronization/jobs": {200, `{"value":[{"id":"Only.x.y","templateId":"Only"}]}`},
	})
	if id, err := svc.ResolveJob(ctx, "sp1", "BoxOutDelta.abc.123"); err != nil || id != "BoxOutDelta.abc.123" {
		t.Fatalf("full id: %q %v", id, err)
	}
	if n := len(fg.requests()); n != 0 {
		t.Fatalf("a full job id must not need a request, sent %d", n)
	}
	if id, err := svc.ResolveJob(ctx, "sp1", "apply.BoxOutDelta.abc.123"); err != nil || id != "BoxOutDelta.abc.123" {
		t.Fatalf("apply prefix not stripped: %q %v", id, err)
	}
	if id, err := svc.ResolveJob(ctx, "sp1", "boxoutdelta"); err != nil || id != "BoxOutDelta.abc.123" {
		t.Fatalf("template id: %q %v", id, err)
	}
	if id, err := svc.ResolveJob(ctx, "sp2", ""); err != nil || id != "Only.x.y" {
		t.Fatalf("single job: %q %v", id, err)
	}
	_, err := svc.ResolveJob(ctx, "sp1", "")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Candidates) != 2 {
		t.Fatalf("two jobs without --job must be ambiguous: %v", err)
	}
	var nf *NotFoundError
	if _, err := svc.ResolveJob(ctx, "sp1", "Nope"); !errors.As(err, &nf) {
		t.Fatalf("unknown template: %v", err)
	}
	before := len(fg.requests())
	var ue *UsageError
	if _, err := svc.ResolveJob(ctx, "sp1", "../../users"); !errors.As(err, &ue) {
		t.Fatalf("traversal must be a usage error: %v", err)
	}
	if len(fg.requests()) != before {
		t.Fatal("a request was sent for an invalid job id")
	}
}

func TestPollFallsBackToLogs(t *testing.T) {
	ctx := context.Background()
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/sp/synchronization/jobs/apply.J": {400, `{"error":{"code":"BadRequest","message":"Invalid job id"}}`},
		"GET servicePrincipals/sp/synchronization/jobs/J":       {200, `{"id":"J","templateId":"T"}`},
		"GET auditLogs/provisioning":                            {200, `{"value":[{"id":"l1","jobId":"J","changeId":"c1","provisioningStatusInfo":{"status":"success"},"provisioningSteps":[{"name":"EntryExportAdd","provisioningStepType":"export","status":"success"}]}]}`},
	})
	o, err := svc.Poll(ctx, PollRequest{ServicePrincipalID: "sp", JobID: "J", Source: PollAuto})
	if err != nil {
		t.Fatal(err)
	}
	if o.Source != SourceProvisioningLogs || o.State != StateSuccess || o.ChangeID != "c1" {
		t.Fatalf("outcome = %+v", o)
	}
	reqs := fg.requests()
	if len(reqs) != 3 || !strings.HasPrefix(reqs[0], "GET servicePrincipals/sp/synchronization/jobs/apply.J") || !strings.Contains(reqs[2], "jobid+eq+%27J%27") {
		t.Fatalf("requests = %v", reqs)
	}
	// --source apply does not fall back.
	if _, err := svc.Poll(ctx, PollRequest{ServicePrincipalID: "sp", JobID: "J", Source: PollApply}); err == nil {
		t.Fatal("apply source must surface the 400")
	}
}

// A change id or subject is only known to the logs: the apply. resource,
// which cannot say whose outcome it holds, is not asked.
func TestPollWithChangeIDReadsLogsOnly(t *testing.T) {
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/sp/synchronization/jobs/J": {200, `{"id":"J","templateId":"T"}`},
		"GET auditLogs/provisioning": {200, `{"value":[
			{"id":"l2","jobId":"J","changeId":"other","provisioningStatusInfo":{"status":"failure"}},
			{"id":"l1","jobId":"J","changeId":"c1","provisioningStatusInfo":{"status":"success"}}]}`},
	})
	o, err := svc.Poll(context.Background(), PollRequest{ServicePrincipalID: "sp", JobID: "J", Source: PollAuto, ChangeID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	// The server ignored the filter: the entry of another change is still refused.
	if o.ID != "l1" || o.State != StateSuccess {
		t.Fatalf("outcome = %+v", o)
	}
	for _, r := range fg.requests() {
		if strings.Contains(r, "apply.") {
			t.Fatalf("apply. resource asked: %v", fg.requests())
		}
	}
	if reqs := fg.requests(); !strings.Contains(reqs[len(reqs)-1], "changeid+eq+%27c1%27") {
		t.Fatalf("requests = %v", reqs)
	}
}

func TestPollLogsEmptyIsPending(t *testing.T) {
	svc, _ := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/sp/synchronization/jobs/J": {200, `{"id":"J","templateId":"T"}`},
		"GET auditLogs/provisioning":                      {200, `{"value":[]}`},
	})
	o, err := svc.Poll(context.Background(), PollRequest{ServicePrincipalID: "sp", JobID: "J", Source: PollLogs})
	if err != nil || o.State != StatePending {
		t.Fatalf("%+v %v", o, err)
	}
}

// --source logs with a job Graph does not know is Graph's 404, not pending
// forever (design.md §10).
func TestPollLogsUnknownJobIsAnError(t *testing.T) {
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{"GET auditLogs/provisioning": {200, `{"value":[]}`}})
	if _, err := svc.Poll(context.Background(), PollRequest{ServicePrincipalID: "sp", JobID: "Mistyped.x.y", Source: PollLogs}); err == nil {
		t.Fatal("an unknown job read as pending")
	}
	for _, r := range fg.requests() {
		if strings.Contains(r, "auditLogs") {
			t.Fatalf("the logs were read for an unknown job: %v", fg.requests())
		}
	}
}

// Once the apply. resource proved absent, later polls of a wait go to the
// logs directly: one request per poll, not two.
func TestPollSkipsAnAbsentApplyResource(t *testing.T) {
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/sp/synchronization/jobs/apply.J": {400, `{"error":{"code":"BadRequest","message":"Invalid job id"}}`},
		"GET servicePrincipals/sp/synchronization/jobs/J":       {200, `{"id":"J","templateId":"T"}`},
		"GET auditLogs/provisioning":                            {200, `{"value":[]}`},
	})
	for i := 0; i < 3; i++ {
		if _, err := svc.Poll(context.Background(), PollRequest{ServicePrincipalID: "sp", JobID: "J", Source: PollAuto}); err != nil {
			t.Fatal(err)
		}
	}
	apply, job := 0, 0
	for _, r := range fg.requests() {
		switch {
		case strings.Contains(r, "apply.J"):
			apply++
		case strings.HasPrefix(r, "GET servicePrincipals/sp/synchronization/jobs/J"):
			job++
		}
	}
	if apply != 1 || job != 1 {
		t.Fatalf("apply. asked %d times, the job %d times, want 1 and 1: %v", apply, job, fg.requests())
	}
}

func TestCheckFilterValue(t *testing.T) {
	for _, ok := range []string{"", "c1", "CN=Adele Vance,CN=Users,DC=contoso,DC=com", "O'Brien"} {
		if err := CheckFilterValue("subject", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"a\nb", "\x1b[2J", strings.Repeat("x", 2000)} {
		var ue *UsageError
		if err := CheckFilterValue("subject", bad); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

// A mistyped job misses the apply. resource too: it must not read as
// "pending" from empty logs, but fail with Graph's 404.
func TestPollUnknownJobIsAnError(t *testing.T) {
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals/sp/synchronization/jobs/apply.Nope.1": {404, `{"error":{"code":"ResourceNotFound","message":"no"}}`},
		"GET auditLogs/provisioning":                                 {200, `{"value":[]}`},
	})
	_, err := svc.Poll(context.Background(), PollRequest{ServicePrincipalID: "sp", JobID: "Nope.1", Source: PollAuto})
	if !graph.IsStatus(err, http.StatusNotFound) {
		t.Fatalf("err = %v, want the 404", err)
	}
	for _, r := range fg.requests() {
		if strings.Contains(r, "auditLogs") {
			t.Fatal("the logs were read for a job that does not exist")
		}
	}
}
