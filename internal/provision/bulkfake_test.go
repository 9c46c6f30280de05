package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// The in-memory Graph of the bulk tests: a tenant with one service
// principal, one job whose schema has a User rule, users, groups and app
// assignments, a provisionOnDemand whose answer each test chooses, and
// provisioning logs. Every call is recorded in one event log shared with
// the fake pacer and journal, so a test can check what happened in which
// order.

const (
	bfSPID  = "5b1d7c3e-2a4f-4e6b-9c8d-0e1f2a3b4c5d"
	bfJobID = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	bfRule  = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8"
)

// bfT0 is Graph's clock when a fake is made; each request moves it 1s.
var bfT0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// bfEvents is the shared, ordered record of what the fakes saw.
type bfEvents struct {
	mu  sync.Mutex
	log []string
}

func (e *bfEvents) add(format string, a ...any) {
	e.mu.Lock()
	e.log = append(e.log, fmt.Sprintf(format, a...))
	e.mu.Unlock()
}

func (e *bfEvents) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

// only returns the events starting with one of prefixes.
func (e *bfEvents) only(prefixes ...string) []string {
	var out []string
	for _, ev := range e.all() {
		for _, p := range prefixes {
			if strings.HasPrefix(ev, p) {
				out = append(out, ev)
				break
			}
		}
	}
	return out
}

// bfAnswer is what provisionOnDemand does for one request: a result word
// (Success, Skipped, Failure, Warning) or an error.
type bfAnswer struct {
	result string
	err    error
}

type bfGroup struct {
	id, name string
	users    []string // direct user members (ids)
	groups   []string // nested groups (ids)
}

// bulkFake implements GraphAPI in memory. The embedded GraphAPI is nil: a
// method the bulk code should never call panics.
type bulkFake struct {
	GraphAPI
	t      *testing.T
	events *bfEvents

	mu          sync.Mutex
	users       []graph.DirectoryObject
	groups      map[string]*bfGroup
	assignments []graph.AppRoleAssignment
	whereInErr  error

	// answer chooses provisionOnDemand's answer (default Success); onPost
	// runs while the request is in flight (before it is answered).
	answer func(n int, subjectID string) bfAnswer
	onPost func(n int, subjectID string)
	// logStatus, when set, adds a log entry for each answered request
	// (its change id, a second after it); "" adds none.
	logStatus func(subjectID string) string

	clock      time.Time
	posts      []string // subject ids, in order
	lookups    []bfLookup
	groupReads []string
	assignRead int
	logs       []graph.ProvisioningObjectSummary
	logQueries []graph.ProvisioningLogQuery
	logsErr    error
	// onLogs runs before log query n (1-based) is answered.
	onLogs func(n int)
}

type bfLookup struct {
	by     graph.UserLookup
	values []string
}

func newBulkFake(t *testing.T) (*Service, *bulkFake) {
	f := &bulkFake{t: t, events: &bfEvents{}, groups: map[string]*bfGroup{}, clock: bfT0}
	return &Service{Graph: f}, f
}

// bfUserID is the object id of test user i.
func bfUserID(i int) string { return fmt.Sprintf("aaaaaaaa-bbbb-4ccc-8ddd-%012d", i) }

// bfUPN is the user principal name of test user i.
func bfUPN(i int) string { return fmt.Sprintf("user%02d@contoso.com", i) }

// addUsers adds test users from..to (inclusive).
func (f *bulkFake) addUsers(from, to int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := from; i <= to; i++ {
		f.users = append(f.users, graph.DirectoryObject{
			ODataType: "#microsoft.graph.user", ID: bfUserID(i), DisplayName: fmt.Sprintf("User %02d", i),
			UserPrincipalName: bfUPN(i), Mail: fmt.Sprintf("u%02d.mail@contoso.com", i),
		})
	}
}

func (f *bulkFake) GetServicePrincipal(_ context.Context, id string) (*graph.ServicePrincipal, error) {
	f.events.add("sp")
	if !strings.EqualFold(id, bfSPID) {
		return nil, &graph.Error{StatusCode: http.StatusNotFound, Code: "Request_ResourceNotFound"}
	}
	return &graph.ServicePrincipal{ID: bfSPID, AppID: "22222222-2222-2222-2222-222222222222", DisplayName: "Box"}, nil
}

func (f *bulkFake) ListJobs(context.Context, string) ([]graph.SynchronizationJob, error) {
	f.events.add("jobs")
	return []graph.SynchronizationJob{{ID: bfJobID, TemplateID: "BoxOutDelta"}}, nil
}

func (f *bulkFake) GetSchema(_ context.Context, spID, jobID string) (*graph.Schema, error) {
	f.events.add("schema")
	if spID != bfSPID || jobID != bfJobID {
		f.t.Errorf("schema of %s/%s", spID, jobID)
	}
	id := bfRule
	return &graph.Schema{SynchronizationRules: []graph.SynchronizationRule{{
		ID: &id, Name: "USER_TO_USER", SourceDirectoryName: "Azure Active Directory", TargetDirectoryName: "customappsso",
		ObjectMappings: []graph.ObjectMapping{{SourceObjectName: "User", TargetObjectName: "User"}},
	}}}, nil
}

func (f *bulkFake) UsersWhereIn(ctx context.Context, by graph.UserLookup, values []string) ([]graph.DirectoryObject, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.events.add("lookup:%s:%d", by, len(values))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups = append(f.lookups, bfLookup{by: by, values: append([]string(nil), values...)})
	if len(values) == 0 || len(values) > graph.MaxInValues {
		f.t.Errorf("UsersWhereIn with %d values", len(values))
	}
	if f.whereInErr != nil {
		return nil, f.whereInErr
	}
	var out []graph.DirectoryObject
	for _, u := range f.users {
		prop := map[graph.UserLookup]string{graph.ByID: u.ID, graph.ByUPN: u.UserPrincipalName, graph.ByMail: u.Mail}[by]
		for _, v := range values {
			if prop != "" && strings.EqualFold(prop, v) {
				out = append(out, u)
				break
			}
		}
	}
	return out, nil
}

func (f *bulkFake) GetGroup(_ context.Context, id string) (*graph.DirectoryObject, error) {
	f.events.add("group:%s", id)
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.groups[strings.ToLower(id)]; g != nil {
		return &graph.DirectoryObject{ID: g.id, DisplayName: g.name}, nil
	}
	return nil, &graph.Error{StatusCode: http.StatusNotFound, Code: "Request_ResourceNotFound"}
}

func (f *bulkFake) GroupsByName(_ context.Context, name string, _ int) ([]graph.DirectoryObject, error) {
	f.events.add("groupByName:%s", name)
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []graph.DirectoryObject
	for _, g := range f.groups {
		if strings.EqualFold(g.name, name) {
			out = append(out, graph.DirectoryObject{ID: g.id, DisplayName: g.name})
		}
	}
	return out, nil
}

func (f *bulkFake) GroupUsers(_ context.Context, groupID string, transitive bool) ([]graph.DirectoryObject, error) {
	f.events.add("groupUsers:%s:%v", groupID, transitive)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groupReads = append(f.groupReads, fmt.Sprintf("%s transitive=%v", groupID, transitive))
	g := f.groups[strings.ToLower(groupID)]
	if g == nil {
		return nil, &graph.Error{StatusCode: http.StatusNotFound, Code: "Request_ResourceNotFound"}
	}
	var ids []string
	seen := map[string]bool{}
	var walk func(g *bfGroup)
	walk = func(g *bfGroup) {
		for _, id := range g.users {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if !transitive {
			return
		}
		for _, n := range g.groups {
			if ng := f.groups[strings.ToLower(n)]; ng != nil {
				walk(ng)
			}
		}
	}
	walk(g)
	var out []graph.DirectoryObject
	for _, id := range ids {
		for _, u := range f.users {
			if u.ID == id {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

func (f *bulkFake) AppRoleAssignedTo(_ context.Context, spID string) ([]graph.AppRoleAssignment, error) {
	f.events.add("assignments")
	f.mu.Lock()
	defer f.mu.Unlock()
	if spID != bfSPID {
		f.t.Errorf("assignments of %s", spID)
	}
	f.assignRead++
	return append([]graph.AppRoleAssignment(nil), f.assignments...), nil
}

// assign assigns principal (a user or group id) to the app.
func (f *bulkFake) assign(principalType, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.assignments = append(f.assignments, graph.AppRoleAssignment{ID: "a-" + id, PrincipalID: id, PrincipalType: principalType})
}

func (f *bulkFake) ProvisionOnDemand(_ context.Context, spID, jobID string, req graph.OnDemandRequest) (*graph.OnDemandResponse, error) {
	if spID != bfSPID || jobID != bfJobID || len(req.Parameters) != 1 || req.Parameters[0].RuleID != bfRule || len(req.Parameters[0].Subjects) != 1 {
		f.t.Errorf("provisionOnDemand %s %s %+v", spID, jobID, req)
	}
	subj := req.Parameters[0].Subjects[0].ObjectID
	f.events.add("post:%s", subj)
	f.mu.Lock()
	f.posts = append(f.posts, subj)
	n := len(f.posts)
	f.clock = f.clock.Add(time.Second)
	at := f.clock
	answer, onPost, logStatus := f.answer, f.onPost, f.logStatus
	f.mu.Unlock()
	if onPost != nil {
		onPost(n, subj)
	}
	a := bfAnswer{result: "Success"}
	if answer != nil {
		a = answer(n, subj)
	}
	if a.err != nil {
		return nil, a.err
	}
	change := fmt.Sprintf("chg-%d", n)
	key := fmt.Sprintf(`{"result":%q,"details":{}}`, a.result)
	value := fmt.Sprintf(`{"action":"Create","changeId":%q,"sourceIdentity":{"id":%q,"type":"User","displayName":null},"statusInfo":{"status":%q},"provisioningSteps":[{"name":"EntryExportAdd","type":"Export","status":%q,"description":"export","details":{}}]}`,
		change, subj, a.result, a.result)
	ans, err := graph.DecodeOnDemand(graph.StringKeyStringValuePair{Key: key, Value: value})
	if err != nil {
		f.t.Fatalf("fake answer: %v", err)
	}
	if logStatus != nil {
		if st := logStatus(subj); st != "" {
			f.addLog(fmt.Sprintf("log-%d", n), subj, change, st, at.Add(time.Second))
		}
	}
	now := time.Now()
	raw, _ := json.Marshal(graph.StringKeyStringValuePair{Key: key, Value: value})
	return &graph.OnDemandResponse{Answer: ans, Raw: raw, Date: at.Format(http.TimeFormat), Sent: now, Received: now}, nil
}

// sentAt is when Graph received request n (1-based), on its clock.
func bfSentAt(n int) time.Time { return bfT0.Add(time.Duration(n) * time.Second) }

// addLog adds a provisioning-log entry of the job.
func (f *bulkFake) addLog(id, subjectID, changeID, status string, at time.Time) {
	f.addLogEntry(graph.ProvisioningObjectSummary{
		ID: id, ActivityDateTime: graph.Time{Time: at}, ChangeID: changeID, JobID: bfJobID,
		ServicePrincipal:       &graph.ProvisioningSPRef{ID: bfSPID, DisplayName: "Box"},
		SourceIdentity:         &graph.ProvisionedIdentity{ID: graph.Text(subjectID), IdentityType: "User"},
		ProvisioningAction:     "create",
		ProvisioningStatusInfo: &graph.ProvisioningStatusInfo{Status: graph.Text(status)},
	})
}

func (f *bulkFake) addLogEntry(e graph.ProvisioningObjectSummary) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, e)
}

// ProvisioningLogs answers the entries it holds, ignoring most of the
// filter: a server that ignores part of a filter must not hand over
// another request's outcome.
func (f *bulkFake) ProvisioningLogs(ctx context.Context, q graph.ProvisioningLogQuery) ([]graph.ProvisioningObjectSummary, []json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	f.events.add("logs")
	f.mu.Lock()
	f.logQueries = append(f.logQueries, q)
	n, onLogs := len(f.logQueries), f.onLogs
	f.mu.Unlock()
	if onLogs != nil {
		onLogs(n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logsErr != nil {
		return nil, nil, f.logsErr
	}
	// Only the subject filter and the limit are honoured, newest first.
	var entries []graph.ProvisioningObjectSummary
	for _, e := range f.logs {
		if q.SubjectID == "" || (e.SourceIdentity != nil && strings.EqualFold(string(e.SourceIdentity.ID), q.SubjectID)) {
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].ActivityDateTime.After(entries[j].ActivityDateTime.Time) })
	if q.Limit > 0 && len(entries) > q.Limit {
		entries = entries[:q.Limit]
	}
	raws := make([]json.RawMessage, len(entries))
	for i, e := range entries {
		raws[i] = json.RawMessage(fmt.Sprintf(`{"id":%q}`, e.ID))
	}
	return entries, raws, nil
}

func (f *bulkFake) postCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}

func (f *bulkFake) postedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.posts...)
}

// bfPacer is a Pacer that records each Wait and Answered, returns at once
// (or ctx's error, or err).
type bfPacer struct {
	events *bfEvents
	err    error

	mu               sync.Mutex
	waits, answereds int
}

func (p *bfPacer) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	p.waits++
	p.mu.Unlock()
	p.events.add("wait")
	return p.err
}

func (p *bfPacer) Answered() error {
	p.mu.Lock()
	p.answereds++
	p.mu.Unlock()
	p.events.add("answered")
	return nil
}

func (p *bfPacer) counts() (waits, answereds int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waits, p.answereds
}

// bfJournal records each outcome appended; fail, when set, answers the
// append of outcome n (1-based).
type bfJournal struct {
	events *bfEvents
	fail   func(n int) error

	mu       sync.Mutex
	outcomes []*Outcome
}

func (j *bfJournal) Append(v any) error {
	o, ok := v.(*Outcome)
	if !ok {
		return fmt.Errorf("journal: %T is not an outcome", v)
	}
	j.mu.Lock()
	j.outcomes = append(j.outcomes, o)
	n := len(j.outcomes)
	j.mu.Unlock()
	j.events.add("journal:%s:%s", o.Subject.ID, o.State)
	if j.fail != nil {
		return j.fail(n)
	}
	return nil
}

func (j *bfJournal) states() map[string]State {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := map[string]State{}
	for _, o := range j.outcomes {
		out[o.Subject.ID.String()] = o.State
	}
	return out
}

// bfPrior is an earlier run's journal, by lower-case subject id.
type bfPrior map[string]Prior

// Lookup answers the record as of the fake's job unless the test named
// another job.
func (p bfPrior) Lookup(id, _ string) (Prior, bool) {
	pr, ok := p[strings.ToLower(id)]
	if ok && pr.JobID == "" {
		pr.JobID = bfJobID
	}
	return pr, ok
}

// bfObserver records the progress calls.
type bfObserver struct {
	mu       sync.Mutex
	started  []Tally
	sent     int
	finished []string
	notes    []string
}

func (o *bfObserver) Started(t Tally) {
	o.mu.Lock()
	o.started = append(o.started, t)
	o.mu.Unlock()
}

func (o *bfObserver) Sent(Tally, time.Duration) {
	o.mu.Lock()
	o.sent++
	o.mu.Unlock()
}

func (o *bfObserver) Finished(out *Outcome, _ Tally) {
	o.mu.Lock()
	o.finished = append(o.finished, out.Subject.ID.String()+":"+string(out.State))
	o.mu.Unlock()
}

func (o *bfObserver) Note(format string, a ...any) {
	o.mu.Lock()
	o.notes = append(o.notes, fmt.Sprintf(format, a...))
	o.mu.Unlock()
}

// bfRequest is a bulk request for users (UPNs or ids) with the fake
// pacer and journal.
func bfRequest(f *bulkFake, users ...string) (RunRequest, *bfPacer, *bfJournal) {
	p := &bfPacer{events: f.events}
	j := &bfJournal{events: f.events}
	refs := make([]SubjectRef, len(users))
	for i, u := range users {
		refs[i] = SubjectRef{Ref: u, Origin: fmt.Sprintf("users.txt:%d", i+1)}
	}
	return RunRequest{SP: bfSPID, Job: bfJobID, Refs: refs, Pacer: p, Journal: j}, p, j
}

// outcomeIDs lists the outcomes' subject ids and states, in order.
func outcomeIDs(outs []*Outcome) []string {
	s := make([]string, len(outs))
	for i, o := range outs {
		s[i] = o.Subject.ID.String() + ":" + string(o.State)
	}
	return s
}

// checkTally checks the counts add up: Done is the outcomes, and each
// state's count is what the outcomes (and kept failures) say.
func checkTally(t *testing.T, res *BulkResult) {
	t.Helper()
	tl := res.Tally
	if tl.Done != len(res.Outcomes) {
		t.Errorf("Done %d, outcomes %d", tl.Done, len(res.Outcomes))
	}
	want := Tally{Total: tl.Total, Done: tl.Done, Resumed: tl.Resumed, Unknown: len(res.Unknown), NotSent: len(res.NotSent)}
	want.Failed += len(res.Kept)
	for _, o := range res.Outcomes {
		switch o.State {
		case StateSuccess:
			want.Success++
		case StateWarning:
			want.Warning++
		case StateSkipped:
			want.Skipped++
		case StateFailure:
			want.Failed++
		default:
			want.Pending++
		}
	}
	if tl != want {
		t.Errorf("tally %+v\n want %+v", tl, want)
	}
	if tl.Done > tl.Total {
		t.Errorf("Done %d > Total %d", tl.Done, tl.Total)
	}
}
