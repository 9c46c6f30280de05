package tenant

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// PlantedLog is a partial provisioning-log entry for POST /_emulator/logs.
// Only jobId is required; the rest defaults from the subject and status.
type PlantedLog struct {
	JobID                 string  `json:"jobId"`
	SubjectID             string  `json:"subjectId"`   // object id (or DN); a tenant object fills in the name
	SubjectName           string  `json:"subjectName"` // UPN or group name: sourceIdentity.displayName
	SubjectType           string  `json:"subjectType"` // User (default) | Group
	Status                string  `json:"status"`      // success (default) | skipped | failure | warning
	Action                string  `json:"action"`      // create | update | delete | disable | other | stagedDelete
	ErrorCode             string  `json:"errorCode"`
	Reason                string  `json:"reason"`
	ChangeID              string  `json:"changeId"`
	TargetID              string  `json:"targetId"`
	ActivityOffsetSeconds float64 `json:"activityOffsetSeconds"` // activityDateTime = now + offset (negative: older)
	CycleID               string  `json:"cycleId"`               // default: a new GUID, as each on-demand entry has
	// VisibleAfterSeconds keeps the entry out of GET /auditLogs/provisioning
	// for that long (emulator clock): Graph publishes entries late, and out
	// of order when the entry's activityDateTime is older than others'.
	VisibleAfterSeconds float64 `json:"visibleAfterSeconds"`
}

// visibleAfter is how long the entry stays unlisted.
func (p PlantedLog) visibleAfter() (time.Duration, error) {
	v := p.VisibleAfterSeconds
	if math.IsNaN(v) || v < 0 || v > 7*24*3600 {
		return 0, fmt.Errorf("visibleAfterSeconds %v is out of range: use 0 to 604800", v)
	}
	return time.Duration(v * float64(time.Second)), nil
}

var plantedActions = []string{"create", "update", "delete", "disable", "other", "stagedDelete"}

// result renders p as a Result with steps fitting its status. Call with
// d.mu held.
func (p PlantedLog) result(d *Directory, now time.Time) (*Result, error) {
	j := d.findJobAnywhere(p.JobID)
	if j == nil {
		return nil, fmt.Errorf("no job %q", p.JobID)
	}
	kind := CanonicalObjectType(nameOr(p.SubjectType, "User"))
	if kind == "" {
		return nil, fmt.Errorf("subjectType %q: use User or Group", p.SubjectType)
	}
	status := strings.ToLower(nameOr(p.Status, "success"))
	if !contains([]string{"success", "skipped", "failure", "warning"}, status) {
		return nil, fmt.Errorf("status %q: use success, skipped, failure or warning", p.Status)
	}
	if p.SubjectID == "" && p.SubjectName == "" {
		return nil, fmt.Errorf("give subjectId or subjectName")
	}
	if math.IsNaN(p.ActivityOffsetSeconds) || math.Abs(p.ActivityOffsetSeconds) > 100*365*24*3600 {
		return nil, fmt.Errorf("activityOffsetSeconds %v is out of range", p.ActivityOffsetSeconds)
	}
	if _, err := p.visibleAfter(); err != nil {
		return nil, err
	}
	action, err := plantedAction(p.Action, status)
	if err != nil {
		return nil, err
	}
	start := now.Add(time.Duration(p.ActivityOffsetSeconds * float64(time.Second)))
	r := &Result{
		result: capitalize(status), action: action, changeID: nameOr(p.ChangeID, newGUID()),
		start: start, end: start.Add(1500 * time.Millisecond), objectType: kind, job: j,
		sourceID: p.SubjectID, sourceName: p.SubjectName, targetID: p.TargetID,
	}
	r.fillSubject(d)
	r.err = plantedError(status, p.ErrorCode, p.Reason)
	if r.targetID == "" && status != "failure" && (r.err == nil || r.err.Code != errNotEntitled.Code) {
		r.targetID = newGUID()
	}
	r.plantedSteps(status)
	return r, nil
}

// fillSubject completes the subject from a tenant object when one matches.
func (r *Result) fillSubject(d *Directory) {
	if r.objectType == "Group" {
		if g := d.findGroup(r.sourceID); g != nil {
			r.sourceName, r.displayName = nameOr(r.sourceName, g.DisplayName), g.DisplayName
		}
	} else {
		u := d.findUser(nameOr(r.sourceID, r.sourceName))
		if u == nil {
			u = d.findUserByDN(r.sourceID)
		}
		if u != nil {
			r.sourceID = nameOr(r.sourceID, u.ID)
			r.sourceName, r.displayName, r.upn = nameOr(r.sourceName, u.UserPrincipalName), u.DisplayName, u.UserPrincipalName
		}
	}
	if r.objectType == "User" && r.upn == "" && strings.Contains(r.sourceName, "@") {
		r.upn = r.sourceName
	}
	r.sourceID = nameOr(r.sourceID, newGUID())
	r.sourceName = nameOr(r.sourceName, r.sourceID)
	r.displayName = nameOr(r.displayName, r.sourceName)
}

// plantedAction is the capitalised action, by default the status's usual one.
func plantedAction(action, status string) (string, error) {
	if action == "" {
		action = map[string]string{"success": "create", "skipped": "other", "failure": "create", "warning": "update"}[status]
	}
	for _, a := range plantedActions {
		if strings.EqualFold(a, action) {
			return capitalize(a), nil
		}
	}
	return "", fmt.Errorf("action %q: use one of %s", action, strings.Join(plantedActions, ", "))
}

// plantedError is the entry's error: none for success, well-known messages
// for the usual skip reasons.
func plantedError(status, code, reason string) *Error {
	if status == "success" {
		return nil
	}
	defaults := map[string]string{"skipped": errRedundantExport.Code, "failure": "EmulatorPlantedFailure", "warning": "EmulatorPlantedWarning"}
	code = nameOr(code, defaults[status])
	switch code {
	case errRedundantExport.Code:
		reason = nameOr(reason, errRedundantExport.Message)
	case errNotEntitled.Code:
		reason = nameOr(reason, errNotEntitled.Message)
	}
	return &Error{Code: code, Message: nameOr(reason, "Planted through the emulator control API.")}
}

// plantedSteps gives the entry the steps a run with that status has.
func (r *Result) plantedSteps(status string) {
	t, target := r.objectType, r.job.targetName()
	r.step("EntryImport", "Import", "Success", "Retrieved "+t+" '"+r.sourceName+"' from "+r.sourceSystemName(),
		object("objectId", r.sourceID, "displayName", r.displayName))
	if status == "skipped" && r.err.Code == errNotEntitled.Code {
		r.step("EntrySynchronizationScoping", "Scoping", "Skipped", "Determine if "+t+" in scope by evaluating against each scoping filter",
			object("Assigned", "False", "SkipReason", r.err.Code))
		return
	}
	r.step("EntrySynchronizationScoping", "Scoping", "Success", "Determine if "+t+" in scope by evaluating against each scoping filter",
		object("Assigned", "True", "ScopeEvaluationResult", "{}"))
	if r.targetID != "" {
		r.step("EntryImport", "Matching", "Success", retrievedFrom(r.sourceName, target), object("id", r.targetID))
	}
	switch status {
	case "skipped":
		r.step("EntrySynchronizationSkip", "Export", "Skipped", r.err.Message, object("SkipReason", r.err.Code))
	case "failure", "warning":
		r.step("EntryExport"+r.action, "Export", capitalize(status), r.err.Message,
			object("ReportableIdentifier", r.sourceName, "ErrorCode", r.err.Code, "ErrorMessage", r.err.Message))
	default:
		r.step("EntryExport"+r.action, "Export", "Success", t+" '"+r.sourceName+"' was exported to "+target,
			object("ReportableIdentifier", r.sourceName, "id", r.targetID))
	}
}

// sourceSystemName is the directory the job reads from.
func (r *Result) sourceSystemName() string {
	if r.job.answerKind() == cloudSyncAnswer {
		return "Active Directory"
	}
	return "Azure Active Directory"
}

// CanonicalObjectType is User or Group for s in any case, else "".
func CanonicalObjectType(s string) string {
	switch strings.ToLower(s) {
	case "user":
		return "User"
	case "group":
		return "Group"
	}
	return ""
}
