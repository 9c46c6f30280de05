package tenant

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/odata"
)

// This file is the directory's public surface. Every method of *Directory
// takes the directory's lock itself; callers never lock. SPState and
// JobState are handles: their seeded definitions never change, so their
// accessors need no lock, while their mutable state is read and changed
// only through Directory methods.

// New builds the directory from a seed at start (the seeded history is
// dated relative to it), with the seed profile and no log lag override.
func New(t *File, start time.Time) *Directory { return newDirectory(t, start) }

// File is the seed the directory was built from (never changed).
func (d *Directory) File() *File { return d.tenant }

// Users lists the tenant's users in seed order (the list never changes).
func (d *Directory) Users() []*User {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*User(nil), d.users...)
}

// Groups lists the tenant's groups in seed order.
func (d *Directory) Groups() []*Group {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*Group(nil), d.groups...)
}

// ServicePrincipals lists the service principals in seed order.
func (d *Directory) ServicePrincipals() []*SPState {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*SPState(nil), d.sps...)
}

// FindUser looks a user up by object id or userPrincipalName.
func (d *Directory) FindUser(idOrUPN string) *User {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.findUser(idOrUPN)
}

// FindGroup looks a group up by object id.
func (d *Directory) FindGroup(id string) *Group {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.findGroup(id)
}

// Started is when the directory was built; the seeded history is dated
// from it.
func (d *Directory) Started() time.Time { return d.start }

// Member is a member of a group: a user or a group (one of the two is set).
type Member struct {
	User  *User
	Group *Group
}

// GroupMembers returns the group with id (nil when there is none) and its
// direct members, users and groups, in seed order. With transitive it adds
// the members of nested groups, breadth first: each object once (nested
// groups are members too), and membership cycles end.
func (d *Directory) GroupMembers(id string, transitive bool) (*Group, []Member) {
	d.mu.Lock()
	defer d.mu.Unlock()
	grp := d.findGroup(id)
	if grp == nil {
		return nil, nil
	}
	members := []Member{}
	seen := map[string]bool{strings.ToLower(grp.ID): true}
	queue := []*Group{grp}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		for _, m := range g.Members {
			key := strings.ToLower(m)
			if seen[key] {
				continue
			}
			seen[key] = true
			if u := d.findUser(m); u != nil {
				members = append(members, Member{User: u})
			} else if sub := d.findGroup(m); sub != nil {
				members = append(members, Member{Group: sub})
				if transitive {
					queue = append(queue, sub)
				}
			}
		}
	}
	return grp, members
}

// AppRoleAssignment is a user or group assigned to a service principal with
// the default access role (appRoleAssignment; PrincipalType User or Group).
type AppRoleAssignment struct {
	PrincipalID   string
	PrincipalType string
	PrincipalName string
}

// AppRoleAssignments lists who is assigned to sp, in seed order.
func (d *Directory) AppRoleAssignments(sp *SPState) []AppRoleAssignment {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []AppRoleAssignment
	for _, a := range sp.def.Assignments {
		if u := d.findUser(a); u != nil {
			out = append(out, AppRoleAssignment{PrincipalID: u.ID, PrincipalType: "User", PrincipalName: u.DisplayName})
		} else if g := d.findGroup(a); g != nil {
			out = append(out, AppRoleAssignment{PrincipalID: g.ID, PrincipalType: "Group", PrincipalName: g.DisplayName})
		}
	}
	return out
}

// LookupSP finds a service principal by object id or appId.
func (d *Directory) LookupSP(key string, byAppID bool) *SPState {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !byAppID {
		return d.findSP(key)
	}
	for _, sp := range d.sps {
		if strings.EqualFold(sp.def.AppID, key) {
			return sp
		}
	}
	return nil
}

// ClientName is the display name of an app id's service principal, or "".
func (d *Directory) ClientName(appID string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, sp := range d.sps {
		if strings.EqualFold(sp.def.AppID, appID) {
			return sp.def.DisplayName
		}
	}
	return ""
}

// Def is the service principal's seeded definition.
func (sp *SPState) Def() ServicePrincipal { return sp.def }

// JobCount is how many synchronization jobs the service principal has.
func (sp *SPState) JobCount() int { return len(sp.jobs) }

// Job returns the service principal's job with id (case-insensitive, like
// Graph), or nil.
func (sp *SPState) Job(id string) *JobState { return sp.findJob(id) }

// Def is the job's seeded definition.
func (j *JobState) Def() Job { return j.def }

// SP is the job's service principal.
func (j *JobState) SP() *SPState { return j.sp }

// TargetName is the target system's display name.
func (j *JobState) TargetName() string { return j.targetName() }

// IsCloudSync reports whether the job is Entra Cloud Sync (AD to Entra ID),
// whose subjects are AD distinguished names.
func (j *JobState) IsCloudSync() bool { return j.answerKind() == cloudSyncAnswer }

// FindRule returns the schema rule with id (GUIDs compare case-insensitively).
func (j *JobState) FindRule(id string) *Rule {
	for i := range j.def.Rules {
		if id != "" && strings.EqualFold(j.def.Rules[i].ID, id) {
			return &j.def.Rules[i]
		}
	}
	return nil
}

// JobJSON is a synchronizationJob as Graph returns it.
func (d *Directory) JobJSON(j *JobState) map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return j.jobJSON()
}

// JobsJSON renders every job of sp.
func (d *Directory) JobsJSON(sp *SPState) []any {
	d.mu.Lock()
	defer d.mu.Unlock()
	jobs := []any{}
	for _, j := range sp.jobs {
		jobs = append(jobs, j.jobJSON())
	}
	return jobs
}

// StartJob resumes a paused job and clears quarantine.
func (d *Directory) StartJob(j *JobState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	j.scheduleState, j.code, j.quarantined = "Active", "Active", false
}

// PauseJob pauses the job's schedule.
func (d *Directory) PauseJob(j *JobState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	j.scheduleState, j.code = "Paused", "Paused"
}

// ResetScopes are the values of synchronizationJobRestartScope.
var ResetScopes = []string{"None", "ConnectorDataStore", "Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes"}

// InvalidScopeError names a resetScope part that is no synchronizationJobRestartScope.
type InvalidScopeError struct{ Part string }

func (e *InvalidScopeError) Error() string {
	return fmt.Sprintf("Invalid value '%s' for resetScope. Allowed values: %s (comma-separated).", e.Part, strings.Join(ResetScopes, ", "))
}

// RestartJob validates resetScope (a comma-separated flags enum; empty is
// the portal's "restart provisioning") and restarts the job: a scope of
// QuarantineState or Full (or none) clears quarantine, and a job that is
// not quarantined becomes Active. An invalid scope changes nothing.
func (d *Directory) RestartJob(j *JobState, resetScope string) error {
	clearsQuarantine := true
	if strings.TrimSpace(resetScope) != "" {
		clearsQuarantine = false
		for _, part := range strings.Split(resetScope, ",") {
			v := canonicalScope(strings.TrimSpace(part))
			if v == "" {
				return &InvalidScopeError{strings.TrimSpace(part)}
			}
			if v == "QuarantineState" || v == "Full" {
				clearsQuarantine = true
			}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if clearsQuarantine {
		j.quarantined = false
	}
	if !j.quarantined {
		j.scheduleState, j.code = "Active", "Active"
	}
	return nil
}

func canonicalScope(s string) string {
	for _, v := range ResetScopes {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	return ""
}

// Errors of ApplyOutcome.
var (
	// ErrApplyResourceOff: real tenants do not publish the apply. resource
	// (profile real, or applyResource false).
	ErrApplyResourceOff = errors.New("the apply. outcome resource is off")
	// ErrNoJob: the service principal has no such job.
	ErrNoJob = errors.New("no such synchronization job")
)

// ApplyOutcome polls sp's job jobID's apply. outcome resource (the June 2020
// draft API): {id, templateId, status}, where status is {} while pending
// (each poll counts down) and a synchronizationStatus once final.
func (d *Directory) ApplyOutcome(sp *SPState, jobID string) (map[string]any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.applyResourceOn() {
		return nil, ErrApplyResourceOff
	}
	j := sp.findJob(jobID)
	if j == nil {
		return nil, ErrNoJob
	}
	status := map[string]any{}
	if j.apply.pending > 0 {
		j.apply.pending--
	} else {
		status = statusJSON(j.outcomeView(j.apply.final))
	}
	return map[string]any{"id": "apply." + j.def.ID, "templateId": j.def.TemplateID, "status": status}, nil
}

// outcomeView renders a final outcome as the job's status after that run.
func (j *JobState) outcomeView(o outcomeStatus) statusView {
	v := statusView{
		code: o.code, lastExec: o.exec, lastSuccess: j.lastSuccess,
		steadyFirst: j.steadyFirst, steadyLast: j.steadyLast, users: len(j.inTarget), groups: len(j.groupsInTarget),
	}
	if o.exec.state == "Succeeded" {
		v.lastSuccess = o.exec
	}
	if o.code == "Quarantine" {
		v.failures, v.quarantine = 2, o.exec.err
	}
	return v
}

// findJobAnywhere finds a job by id under any service principal. Call with
// d.mu held.
func (d *Directory) findJobAnywhere(id string) *JobState {
	for _, sp := range d.sps {
		if j := sp.findJob(id); j != nil {
			return j
		}
	}
	return nil
}

// SetOutcome sets how many further polls of job jobID's apply. resource
// stay pending (when pendingPolls is not nil), and the final outcome
// (success, skipped or failure; "" keeps it) as of now. It returns
// ErrNoJob for an unknown job.
func (d *Directory) SetOutcome(jobID string, pendingPolls *int, outcome string, now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	job := d.findJobAnywhere(jobID)
	if job == nil {
		return ErrNoJob
	}
	if pendingPolls != nil {
		job.apply.pending = max(*pendingPolls, 0)
	}
	if outcome != "" {
		def := job.def
		def.Outcome = outcome
		if def.Error == nil {
			def.Error = &Error{Code: "EmulatorInjectedFailure", Message: "Failure injected through the emulator control API."}
		}
		job.apply.final = (&JobState{def: def, sp: job.sp}).behaviourStatus(now)
	}
	return nil
}

// Config is the directory's switches (POST /_emulator/config).
type Config struct {
	Profile       string
	ApplyResource bool
	LogLag        time.Duration
	LogShape      string
	RateLimit     bool         // provisionOnDemand throttling on
	OnDemandRate  OnDemandRate // its limit, also kept while throttling is off
}

// OnDemandRate is the provisionOnDemand limit: Limit calls per job in any
// sliding Window.
type OnDemandRate struct {
	Limit  int
	Window time.Duration
}

// ConfigChange changes some switches; nil members keep their value.
// Setting Profile drops the applyResource and log-lag overrides unless the
// same change sets them, so a profile means the same thing whatever was
// set before.
type ConfigChange struct {
	Profile       *string
	ApplyResource *bool
	LogLag        *time.Duration
	LogShape      *string
	RateLimit     *bool
	OnDemandRate  *OnDemandRate // validated by the caller: Limit ≥ 1, Window > 0
}

// Configure applies c (validated by the caller) and returns the switches.
func (d *Directory) Configure(c ConfigChange) Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.Profile != nil {
		d.profile, d.applyOverride, d.lagOverride = *c.Profile, nil, nil
	}
	if c.ApplyResource != nil {
		v := *c.ApplyResource
		d.applyOverride = &v
	}
	if c.LogLag != nil {
		lag := *c.LogLag
		d.lagOverride = &lag
	}
	if c.LogShape != nil {
		d.logShape = *c.LogShape
	}
	if c.RateLimit != nil {
		d.rateLimit = *c.RateLimit
	}
	if c.OnDemandRate != nil {
		d.onDemandLimit, d.onDemandWindow = c.OnDemandRate.Limit, c.OnDemandRate.Window
	}
	return Config{Profile: d.profile, ApplyResource: d.applyResourceOn(), LogLag: d.logLag(), LogShape: d.logShape,
		RateLimit: d.rateLimit, OnDemandRate: OnDemandRate{d.onDemandLimit, d.onDemandWindow}}
}

// provisionOnDemand is documented as limited to 5 requests per 10 seconds;
// the emulator applies that per job, in a sliding window, unless configured
// otherwise (ConfigChange.OnDemandRate).
const (
	OnDemandLimit  = 5
	OnDemandWindow = 10 * time.Second
)

// AdmitOnDemand records a provisionOnDemand call on j at now, or returns
// how long until the window has room again. With rate limiting off every
// call is admitted.
func (d *Directory) AdmitOnDemand(j *JobState, now time.Time) (retryAfter time.Duration, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	wait, ok := j.admitPOD(now, d.onDemandLimit, d.onDemandWindow)
	return wait, ok || !d.rateLimit
}

// admitPOD records a call at now, or returns how long until the window has
// room again (limit calls in any window). Call with the directory lock held.
func (j *JobState) admitPOD(now time.Time, limit int, window time.Duration) (retryAfter time.Duration, ok bool) {
	keep := j.onDemandCalls[:0]
	for _, t := range j.onDemandCalls {
		if now.Sub(t) < window {
			keep = append(keep, t)
		}
	}
	j.onDemandCalls = keep
	if len(j.onDemandCalls) >= limit {
		return j.onDemandCalls[len(j.onDemandCalls)-limit].Add(window).Sub(now), false
	}
	j.onDemandCalls = append(j.onDemandCalls, now)
	return 0, true
}

// Initiator is who started a provisioning event
// (provisioningObjectSummary.initiatedBy): Kind is user, application or system.
type Initiator struct{ ID, Name, Kind string }

// NotFoundError is an on-demand subject that is not in the tenant.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return "no directory object " + e.ID }

// InvalidError is an on-demand request the service refuses
// (RequestParameterInvalid).
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

// MaxGroupMembers is the documented limit of members per group on demand.
const MaxGroupMembers = 5

// ProvisionUser evaluates the job's behaviour for a user on demand and
// records it (a log entry, and the apply. outcome pending-then-final).
// Cloud Sync names its subjects by AD distinguished name, the others by
// object id; an unknown subject is a *NotFoundError.
func (d *Directory) ProvisionUser(j *JobState, objectID string, by Initiator, now time.Time) (*Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if j.answerKind() == cloudSyncAnswer {
		u := d.findUserByDN(objectID)
		if u == nil {
			return nil, &NotFoundError{objectID}
		}
		r := cloudSyncResult(j, u, now)
		d.record(j, r, true, by, now)
		return r, nil
	}
	u := d.findUser(objectID)
	if u == nil || !odata.IsGUID(objectID) {
		return nil, &NotFoundError{objectID}
	}
	r := j.evaluateUser(u, now)
	d.record(j, r, true, by, now)
	return r, nil
}

// evaluateUser decides what on demand does to u (created, redundant, out of
// scope or failed) and notes a new target object. Call with d.mu held.
func (j *JobState) evaluateUser(u *User, at time.Time) *Result {
	targetID, exists := j.inTarget[u.ID]
	how := userCreated
	switch {
	case !j.sp.assigned(u.ID):
		how = userOutOfScope
	case j.def.Outcome == "failure":
		how = userFailed
	case j.def.Outcome == "skipped" || exists:
		how = userRedundant
	}
	if how == userCreated || (how == userRedundant && !exists) {
		targetID = newGUID()
		j.inTarget[u.ID] = targetID
	}
	return userResult(j, u, how, targetID, at)
}

// ProvisionGroup provisions group groupID on demand; each listed member
// gets its own log entry, evaluated like a user on demand, as real tenants
// do. withMembers tells whether the request had links (then at most
// MaxGroupMembers members, each a member of the group). Errors are
// *NotFoundError or *InvalidError, and change nothing.
func (d *Directory) ProvisionGroup(j *JobState, groupID string, memberIDs []string, withMembers bool, by Initiator, now time.Time) (*Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	grp := d.findGroup(groupID)
	if grp == nil {
		return nil, &NotFoundError{groupID}
	}
	var members []*User
	if withMembers {
		if len(memberIDs) > MaxGroupMembers {
			return nil, &InvalidError{fmt.Sprintf("At most %d group members can be provisioned on demand at a time.", MaxGroupMembers)}
		}
		for _, id := range memberIDs {
			u := d.findUser(id)
			if u == nil {
				return nil, &NotFoundError{id}
			}
			if !contains(grp.Members, u.ID) {
				return nil, &InvalidError{fmt.Sprintf("User %s is not a member of group %s.", u.ID, grp.ID)}
			}
			members = append(members, u)
		}
	}
	targetID, exists := j.groupsInTarget[grp.ID]
	if !exists {
		targetID = newGUID()
		j.groupsInTarget[grp.ID] = targetID
	}
	var ids []string
	for _, u := range members {
		ids = append(ids, u.ID)
	}
	r := groupResult(j, grp, !exists, targetID, ids, now)
	d.record(j, r, true, by, now)
	for _, u := range members {
		d.record(j, j.evaluateUser(u, now), false, by, now)
	}
	return r, nil
}

// record appends r's log entry (published after the log lag) and, for the
// subject of the request, resets the apply. outcome to pending-then-final.
// Call with d.mu held.
func (d *Directory) record(j *JobState, r *Result, subject bool, by Initiator, now time.Time) {
	d.appendLog(r, initiator{by.ID, by.Name, by.Kind}, now, d.logLag())
	if subject {
		j.apply = applyOutcome{pending: 1, final: r.applyStatus()}
	}
}

// ProvisioningLogs lists the published provisioning-log entries at now that
// match (nil: all), oldest first when asc else newest first (ties in
// insertion order, reversed for newest first), in the configured shape.
// match sees the current (v1.0) names whatever shape is answered.
func (d *Directory) ProvisioningLogs(now time.Time, match func(map[string]any) bool, asc bool) []map[string]any {
	type indexed struct {
		i int
		t time.Time
		e map[string]any
	}
	var hits []indexed
	d.mu.Lock()
	for i, rec := range d.logs {
		if rec.visible(now) && (match == nil || match(rec.entry)) {
			hits = append(hits, indexed{i, rec.at, rec.entry})
		}
	}
	old := d.logShape == LogShapeOld
	d.mu.Unlock()
	sort.SliceStable(hits, func(a, b int) bool {
		ta, tb := hits[a].t, hits[b].t
		if ta.Equal(tb) {
			return (hits[a].i < hits[b].i) == asc
		}
		return ta.Before(tb) == asc
	})
	items := make([]map[string]any, 0, len(hits))
	for _, h := range hits {
		if old {
			h.e = oldShapeEntry(h.e)
		}
		items = append(items, h.e)
	}
	return items
}

// PlantLogs appends entries (POST /_emulator/logs) by the provisioning
// service, visible at once unless visibleAfterSeconds says later, and
// returns them rendered. If any is invalid none is appended, and the error
// names its index.
func (d *Directory) PlantLogs(list []PlantedLog, now time.Time) ([]any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var results []*Result
	for i, p := range list {
		res, err := p.result(d, now)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %v", i, err)
		}
		results = append(results, res)
	}
	entries := []any{}
	for i, res := range results {
		lag, _ := list[i].visibleAfter() // checked by result
		e := d.appendLog(res, provisioningService, now, lag)
		if list[i].CycleID != "" {
			e["cycleId"] = list[i].CycleID
		}
		entries = append(entries, e)
	}
	return entries, nil
}
