package tenant

import (
	"strings"
	"sync"
	"time"
)

// Directory is the mutable tenant: objects, jobs and provisioning logs. One
// mutex guards it, and only Directory's own methods take it (access.go).
type Directory struct {
	mu        sync.Mutex
	tenant    *File
	tenantHex string // tenant id without dashes, as in job ids
	users     []*User
	groups    []*Group
	sps       []*SPState
	logs      []logRecord // provisioning-log entries, oldest first
	start     time.Time   // when the directory was built (the seed history is dated from it)

	rateLimit      bool          // provisionOnDemand throttling on/off
	onDemandLimit  int           // calls admitted per job in onDemandWindow
	onDemandWindow time.Duration // the sliding window

	profile       string         // ProfileSeed or ProfileReal (profile.go)
	applyOverride *bool          // applyResource switch; nil: the profile decides
	lagOverride   *time.Duration // log lag given by Options or the control API; nil: the profile's
	logShape      string         // LogShapeCurrent or LogShapeOld
}

// SPState is a service principal and its jobs.
type SPState struct {
	def   ServicePrincipal
	jobs  []*JobState
	scope map[string]bool // lower-case ids of the users in the provisioning scope
}

// JobState is a synchronization job's mutable status.
type JobState struct {
	sp             *SPState
	def            Job
	scheduleState  string // Active | Paused | Disabled
	code           string // Active | Paused | Quarantine | NotRun
	quarantined    bool
	lastExec       *execution
	lastSuccess    *execution
	steadyFirst    time.Time
	steadyLast     time.Time
	inTarget       map[string]string // user id → target id, for users already provisioned
	groupsInTarget map[string]string // group id → target id
	apply          applyOutcome
	onDemandCalls  []time.Time // provisionOnDemand calls in the rate-limit window
}

// execution is a synchronizationTaskExecution.
type execution struct {
	id       string
	began    time.Time
	ended    time.Time
	state    string // Succeeded | Failed | EntryLevelErrors
	err      *Error
	entitled int
	imported int
	exported int
}

// applyOutcome is what GET jobs/apply.{id} answers: {} while pending > 0
// (each poll counts down), then the final status.
type applyOutcome struct {
	pending int
	final   outcomeStatus
}

// outcomeStatus is a final result as a synchronizationStatus.
type outcomeStatus struct {
	code string // status code: Active | Quarantine
	exec *execution
}

func newDirectory(t *File, start time.Time) *Directory {
	d := &Directory{
		tenant:    t,
		tenantHex: strings.ReplaceAll(t.TenantID, "-", ""),
		start:     start,
		rateLimit: true,
		profile:   ProfileSeed,
		logShape:  LogShapeCurrent,

		onDemandLimit:  OnDemandLimit,
		onDemandWindow: OnDemandWindow,
	}
	for i := range t.Users {
		d.users = append(d.users, &t.Users[i])
	}
	for i := range t.Groups {
		d.groups = append(d.groups, &t.Groups[i])
	}
	for _, spDef := range t.ServicePrincipals {
		sp := &SPState{def: spDef, scope: d.scopeOf(spDef)}
		for _, jd := range spDef.Jobs {
			sp.jobs = append(sp.jobs, newJobState(sp, jd, start))
		}
		d.sps = append(d.sps, sp)
	}
	d.logs = seedLogs(d, start)
	return d
}

// newJobState derives a plausible history from the seeded state: a job that
// ran 40 minutes ago (PT40M schedule), or one quarantined 20 minutes ago.
func newJobState(sp *SPState, def Job, start time.Time) *JobState {
	j := &JobState{sp: sp, def: def, scheduleState: "Active", code: def.State, inTarget: map[string]string{}, groupsInTarget: map[string]string{}}
	for _, id := range def.Provisioned {
		j.inTarget[id] = newGUID()
	}
	ran := &execution{
		id: newGUID(), began: start.Add(-40 * time.Minute), ended: start.Add(-40*time.Minute + 9*time.Second),
		state: "Succeeded", entitled: len(sp.scope), imported: len(sp.scope), exported: len(def.Provisioned),
	}
	switch def.State {
	case "Active":
		j.lastExec, j.lastSuccess = ran, ran
		j.steadyFirst, j.steadyLast = start.Add(-30*24*time.Hour), ran.ended
	case "Paused":
		j.scheduleState = "Paused"
		j.lastExec, j.lastSuccess = ran, ran
		j.steadyFirst, j.steadyLast = start.Add(-30*24*time.Hour), ran.ended
	case "Quarantine":
		j.quarantined = true
		j.lastExec = &execution{
			id: newGUID(), began: start.Add(-20 * time.Minute), ended: start.Add(-20*time.Minute + 2*time.Second),
			state: "Failed", err: def.Error,
		}
	case "NotRun":
		j.scheduleState = "Disabled"
	}
	j.apply = applyOutcome{pending: def.PendingPolls, final: j.behaviourStatus(start)}
	return j
}

// behaviourStatus is the apply outcome implied by the job's seeded behaviour,
// before any provisionOnDemand call.
func (j *JobState) behaviourStatus(at time.Time) outcomeStatus {
	exec := &execution{id: newGUID(), began: at.Add(-2 * time.Minute), ended: at.Add(-2*time.Minute + 3*time.Second), state: "Succeeded", entitled: 1, imported: 1}
	switch j.def.Outcome {
	case "failure":
		exec.state, exec.err = "Failed", j.def.Error
		return outcomeStatus{code: "Quarantine", exec: exec}
	case "skipped":
		exec.err = errRedundantExport
	default:
		exec.exported = 1
	}
	return outcomeStatus{code: "Active", exec: exec}
}

var errRedundantExport = &Error{
	Code:    "RedundantExport",
	Message: "The state of the user in both the source and target systems already match.",
}

var errNotEntitled = &Error{
	Code:    "NotEffectivelyEntitled",
	Message: "The user is not assigned to the application or is out of scope of the provisioning scoping filters.",
}

// findSP returns the service principal with object id id.
func (d *Directory) findSP(id string) *SPState {
	for _, sp := range d.sps {
		if strings.EqualFold(sp.def.ID, id) {
			return sp
		}
	}
	return nil
}

// findJob returns sp's job with id id (case-insensitive, like Graph).
func (sp *SPState) findJob(id string) *JobState {
	for _, j := range sp.jobs {
		if strings.EqualFold(j.def.ID, id) {
			return j
		}
	}
	return nil
}

// findUser looks a user up by object id or userPrincipalName.
func (d *Directory) findUser(idOrUPN string) *User {
	for _, u := range d.users {
		if strings.EqualFold(u.ID, idOrUPN) || strings.EqualFold(u.UserPrincipalName, idOrUPN) {
			return u
		}
	}
	return nil
}

// findUserByDN looks a user up by its on-premises distinguished name (AD
// compares DNs case-insensitively).
func (d *Directory) findUserByDN(dn string) *User {
	for _, u := range d.users {
		if u.OnPremisesDistinguishedName != "" && strings.EqualFold(u.OnPremisesDistinguishedName, dn) {
			return u
		}
	}
	return nil
}

func (d *Directory) findGroup(id string) *Group {
	for _, g := range d.groups {
		if strings.EqualFold(g.ID, id) {
			return g
		}
	}
	return nil
}

// assigned reports whether user id is in the service principal's
// provisioning scope: assigned directly, or a direct member of an assigned
// group (Entra ID app assignment does not cascade to nested groups).
func (sp *SPState) assigned(userID string) bool {
	return sp.scope[strings.ToLower(userID)]
}

// scopeOf collects the users assigned to sp, directly or as direct members
// of an assigned group. Groups never change, so it is computed once.
func (d *Directory) scopeOf(sp ServicePrincipal) map[string]bool {
	scope := map[string]bool{}
	for _, a := range sp.Assignments {
		if u := d.findUser(a); u != nil {
			scope[strings.ToLower(u.ID)] = true
			continue
		}
		if g := d.findGroup(a); g != nil {
			for _, m := range g.Members {
				if u := d.findUser(m); u != nil {
					scope[strings.ToLower(u.ID)] = true
				}
			}
		}
	}
	return scope
}
