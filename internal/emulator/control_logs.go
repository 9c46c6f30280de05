package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// plantedLog is a partial provisioning-log entry for POST /_emulator/logs.
// Only jobId is required; the rest defaults from the subject and status.
type plantedLog struct {
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
}

var plantedActions = []string{"create", "update", "delete", "disable", "other", "stagedDelete"}

// controlPlantLogs appends one entry (an object) or several (an array) to
// the provisioning logs, visible at once, and answers the entries rendered.
func (s *Server) controlPlantLogs(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if !decodeControl(w, r, &raw, false) {
		return
	}
	var list []plantedLog
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		if err := strictUnmarshal(raw, &list); err != nil {
			controlError(w, http.StatusBadRequest, "invalid log list: "+err.Error())
			return
		}
	} else {
		var p plantedLog
		if err := strictUnmarshal(raw, &p); err != nil {
			controlError(w, http.StatusBadRequest, "invalid log entry: "+err.Error())
			return
		}
		list = append(list, p)
	}
	d := s.dir
	now := s.clock.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var results []*onDemandResult
	for i, p := range list {
		res, err := p.result(d, now)
		if err != nil {
			controlError(w, http.StatusBadRequest, fmt.Sprintf("entry %d: %v", i, err))
			return
		}
		results = append(results, res)
	}
	entries := []any{}
	for _, res := range results {
		entries = append(entries, d.appendLog(res, provisioningService, now, 0))
	}
	writeJSON(w, http.StatusOK, "application/json", entries)
}

// result renders p as a onDemandResult with steps fitting its status. Call with
// d.mu held.
func (p plantedLog) result(d *directory, now time.Time) (*onDemandResult, error) {
	j := d.findJobAnywhere(p.JobID)
	if j == nil {
		return nil, fmt.Errorf("no job %q", p.JobID)
	}
	kind := canonicalObjectType(nameOr(p.SubjectType, "User"))
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
	action, err := plantedAction(p.Action, status)
	if err != nil {
		return nil, err
	}
	end := now.Add(time.Duration(p.ActivityOffsetSeconds * float64(time.Second)))
	r := &onDemandResult{
		result: capitalize(status), action: action, changeID: nameOr(p.ChangeID, newGUID()),
		start: end.Add(-1500 * time.Millisecond), end: end, objectType: kind, job: j,
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
func (r *onDemandResult) fillSubject(d *directory) {
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
func plantedError(status, code, reason string) *tenant.Error {
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
	return &tenant.Error{Code: code, Message: nameOr(reason, "Planted through the emulator control API.")}
}

// plantedSteps gives the entry the steps a run with that status has.
func (r *onDemandResult) plantedSteps(status string) {
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
func (r *onDemandResult) sourceSystemName() string {
	if r.job.answerKind() == cloudSyncAnswer {
		return "Active Directory"
	}
	return "Azure Active Directory"
}
