package provision

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	bfGroupSales = "11111111-1111-4111-8111-111111111111"
	bfGroupEU    = "22222222-2222-4222-8222-222222222222"
)

// bfAssignedTenant: user 1 assigned directly; group Sales assigned, with
// user 2 a direct member and group EU (user 3) nested in it; others not.
func bfAssignedTenant(t *testing.T) (*Service, *bulkFake) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 7)
	f.groups[bfGroupSales] = &bfGroup{id: bfGroupSales, name: "Sales", users: []string{bfUserID(2)}, groups: []string{bfGroupEU}}
	f.groups[bfGroupEU] = &bfGroup{id: bfGroupEU, name: "EU", users: []string{bfUserID(3)}}
	f.assign("User", bfUserID(1))
	f.assign("Group", bfGroupSales)
	f.assign("ServicePrincipal", "33333333-3333-4333-8333-333333333333")
	return svc, f
}

func TestPlanChecksEachUsersAssignment(t *testing.T) {
	svc, f := bfAssignedTenant(t)
	const dn = "CN=Adele Vance,OU=Staff,DC=contoso,DC=com"
	r, pacer, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3), bfUPN(4), dn, "ghost@contoso.com", bfUPN(5), bfUPN(6), bfUPN(7))
	r.DryRun = true
	r.Prior = bfPrior{
		bfUserID(5): {State: StateSuccess, Line: 3},
		bfUserID(6): {State: StatePending, SentAt: bfT0, Line: 4},
		bfUserID(7): {State: StateFailure, Line: 5}, // sent again (RetryFailed)
	}
	r.RetryFailed = true
	plan, err := svc.Plan(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, action, reason string }
	var got []row
	for _, it := range plan.Items {
		got = append(got, row{it.Subject.ID.String(), it.Action, it.Reason.String()})
		if it.RuleID != bfRule || it.Request == nil || it.Request.ID != it.Subject.ID.String() || it.Request.SentAt != nil {
			t.Errorf("item %+v request %+v", it, it.Request)
		}
	}
	want := []row{
		{bfUserID(1), "send", ""},
		{bfUserID(2), "send", ""},               // a direct member of an assigned group
		{bfUserID(3), "skip", "not assigned"},   // a member of a nested group is not
		{bfUserID(4), "skip", "not assigned"},   // not assigned at all
		{dn, "send", "cloud sync"},              // not checked
		{bfUserID(5), "skip", "results file"},   // done before
		{bfUserID(6), "skip", "not sent again"}, // sent before, pending
		{bfUserID(7), "skip", "not assigned"},   // failed before: checked again
	}
	if len(got) != len(want) {
		t.Fatalf("items = %+v", got)
	}
	for i, w := range want {
		if got[i].id != w.id || got[i].action != w.action || (w.reason == "" && got[i].reason != "") || !strings.Contains(got[i].reason, w.reason) {
			t.Errorf("item %d = %+v, want %+v", i, got[i], w)
		}
	}
	if plan.Counts != (PlanCounts{Send: 3, NotAssigned: 3, Resumed: 2, Unknown: 1}) {
		t.Errorf("counts = %+v", plan.Counts)
	}
	if len(plan.Unknown) != 1 || plan.Unknown[0] != (PlanRef{Ref: "ghost@contoso.com", Origin: "users.txt:6"}) {
		t.Errorf("unknown = %+v", plan.Unknown)
	}
	if plan.Assignments == nil || *plan.Assignments != (Assignment{Users: 1, Groups: 1}) {
		t.Errorf("assignments = %+v", plan.Assignments)
	}
	if plan.ServicePrincipalID != bfSPID || plan.ServicePrincipal != "Box" || plan.JobID != bfJobID || plan.Lookups != 1 {
		t.Errorf("plan = %+v", plan)
	}
	// Sales' direct members only; nothing sent, paced or recorded.
	if !slices.Equal(f.groupReads, []string{bfGroupSales + " transitive=false"}) {
		t.Errorf("group reads = %q", f.groupReads)
	}
	if w, a := pacer.counts(); f.postCount() != 0 || w != 0 || a != 0 || len(journal.states()) != 0 {
		t.Errorf("posts %d, pacer %d/%d, journal %v", f.postCount(), w, a, journal.states())
	}
}

func TestPlanReadsGroupsOnlyWhenNeeded(t *testing.T) {
	svc, f := bfAssignedTenant(t)
	r, _, _ := bfRequest(f, bfUPN(1), "CN=Lee Gu,DC=contoso,DC=com")
	r.DryRun = true
	plan, err := svc.Plan(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Counts.Send != 2 || plan.Counts.NotAssigned != 0 {
		t.Errorf("counts = %+v", plan.Counts)
	}
	if len(f.groupReads) != 0 || f.assignRead != 1 {
		t.Errorf("group reads %q, assignment reads %d", f.groupReads, f.assignRead)
	}
	if f.postCount() != 0 {
		t.Errorf("a dry run sent %d requests", f.postCount())
	}
}

func TestPlanJSONHasEveryField(t *testing.T) {
	svc, f := bfAssignedTenant(t)
	r, _, _ := bfRequest(f, "ghost@contoso.com")
	r.DryRun = true
	plan, err := svc.Plan(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing to send: lists are [] (not null) for scripts.
	if plan.Items == nil || plan.Unknown == nil || len(plan.Items) != 0 || plan.Counts.Unknown != 1 {
		t.Errorf("plan = %+v", plan)
	}
}

func TestRunRequestValidateBulk(t *testing.T) {
	base := RunRequest{SP: "Box"}
	refs := []SubjectRef{{Ref: "a@contoso.com", Origin: "users.txt:1"}}
	tests := []struct {
		name string
		r    func(RunRequest) RunRequest
		want string // "" is valid; otherwise part of the message
	}{
		{"from", func(r RunRequest) RunRequest { r.Refs = refs; return r }, ""},
		{"members-of", func(r RunRequest) RunRequest { r.MembersOf = "Sales"; return r }, ""},
		{"nothing", func(r RunRequest) RunRequest { return r }, "--from"},
		{"from with group", func(r RunRequest) RunRequest { r.Refs, r.Group = refs, "Sales"; return r }, "--group"},
		{"members-of with group", func(r RunRequest) RunRequest { r.MembersOf, r.Group = "Sales", "Eng"; return r }, "--group"},
		{"user with group", func(r RunRequest) RunRequest { r.Users, r.Group = []string{"a@contoso.com"}, "Sales"; return r }, "--group"},
		{"max failures", func(r RunRequest) RunRequest { r.Refs, r.MaxFailures = refs, -1; return r }, "--max-failures"},
		{"bad ref", func(r RunRequest) RunRequest {
			r.Refs = []SubjectRef{{Ref: "adele", Origin: "users.txt:7"}}
			return r
		}, "users.txt:7"},
		{"bad members-of", func(r RunRequest) RunRequest { r.MembersOf = "Sa\x01les"; return r }, "invalid group"},
		{"empty members-of name", func(r RunRequest) RunRequest { r.MembersOf = "  "; return r }, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r(base).Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a usage error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestPlanSendsNothingEvenWithWait(t *testing.T) {
	svc, f := bfAssignedTenant(t)
	r, _, _ := bfRequest(f, bfUPN(1), bfUPN(2))
	r.DryRun, r.Wait, r.Interval = true, true, 100*time.Millisecond
	plan, err := svc.Plan(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if f.postCount() != 0 || len(f.logQueries) != 0 || plan.Counts.Send != 2 {
		t.Errorf("posts %d, log reads %d, counts %+v", f.postCount(), len(f.logQueries), plan.Counts)
	}
}
