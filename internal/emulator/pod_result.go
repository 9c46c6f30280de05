package emulator

import (
	"encoding/json"
	"strings"
	"time"
)

// podResult is the outcome of provisioning one object on demand. It renders
// both as the provisionOnDemand answer (capitalised enums, "type") and as a
// provisioning-log entry (lower-case enums, "provisioningStepType").
type podResult struct {
	result     string // Success | Skipped | Failure
	err        *tenantError
	action     string // Create | Update | Other
	changeID   string
	start, end time.Time
	steps      []podStep
	modified   []modifiedProperty
	objectType string // User | Group
	sourceID   string
	sourceName string // UPN or group name: the reportable identifier
	targetID   string // "" when nothing exists in the target
	emptyValue bool   // group answers carry value "{}" (graph-api.md §1 example 3)
	job        *jobState
}

type podStep struct {
	name, stepType, status, description string
	details                             map[string]string
}

type modifiedProperty struct {
	name     string
	old, new any
}

// userOutcome is what happens to a user on demand.
type userOutcome int

const (
	userCreated userOutcome = iota
	userRedundant
	userOutOfScope
	userFailed
)

// userResult builds the result for user u at job j.
func userResult(j *jobState, u *tenantUser, how userOutcome, targetID string, at time.Time) *podResult {
	target := j.targetName()
	r := &podResult{
		result: "Success", action: "Create", changeID: newGUID(), start: at, end: at.Add(1840 * time.Millisecond),
		objectType: "User", sourceID: u.ID, sourceName: u.UserPrincipalName, targetID: targetID, job: j,
	}
	step := func(name, typ, status, desc string, details map[string]string) {
		r.steps = append(r.steps, podStep{name, typ, status, desc, details})
	}
	step("EntryImport", "Import", "Success", "Retrieved User '"+u.UserPrincipalName+"' from Azure Active Directory",
		map[string]string{"objectId": u.ID, "accountEnabled": "True", "userPrincipalName": u.UserPrincipalName, "displayName": u.DisplayName})
	scoping := map[string]string{"IsActive": "True", "Assigned": "True", "ScopeEvaluationResult": "{}"}
	switch how {
	case userOutOfScope:
		r.result, r.action, r.err, r.targetID = "Skipped", "Other", errNotEntitled, ""
		scoping["Assigned"], scoping["SkipReason"] = "False", "NotEffectivelyEntitled"
		step("EntrySynchronizationScoping", "Scoping", "Skipped",
			"Determine if User in scope by evaluating against each scoping filter. User '"+u.UserPrincipalName+"' is not assigned to "+j.sp.def.DisplayName+" and is out of scope.", scoping)
		return r
	case userRedundant:
		r.result, r.action, r.err = "Skipped", "Other", errRedundantExport
		step("EntryImport", "Matching", "Success", "Retrieved  '"+u.UserPrincipalName+"' from "+target,
			map[string]string{"id": targetID, "userName": u.UserPrincipalName})
	default:
		step("EntrySynchronizationAdd", "Matching", "Success", "User '"+u.UserPrincipalName+"' will be created in "+target+
			" (User is active and assigned in Azure Active Directory, but no matching User was found in "+target+")", map[string]string{})
	}
	step("EntrySynchronizationScoping", "Scoping", "Success", "Determine if User in scope by evaluating against each scoping filter", scoping)
	r.modified = []modifiedProperty{
		{"accountEnabled", nil, "True"},
		{"displayName", nil, u.DisplayName},
		{"userName", nil, u.UserPrincipalName},
		{`emails[type eq "work"].value`, nil, nameOr(u.Mail, u.UserPrincipalName)},
	}
	switch how {
	case userRedundant:
		step("EntrySynchronizationSkip", "Export", "Skipped",
			"The state of the user in both the source and target systems already match. No change was made to the user in "+target+".",
			map[string]string{"SkipReason": "RedundantExport"})
	case userFailed:
		r.result, r.err, r.targetID = "Failure", j.def.Error, ""
		step("EntryExportAdd", "Export", "Failure", "Failed to create User '"+u.UserPrincipalName+"' in "+target,
			map[string]string{"ReportableIdentifier": u.UserPrincipalName, "ErrorCode": j.def.Error.Code, "ErrorMessage": j.def.Error.Message})
	default:
		step("EntryExportAdd", "Export", "Success", "User '"+u.UserPrincipalName+"' was created in "+target,
			map[string]string{"ReportableIdentifier": u.UserPrincipalName, "id": targetID})
	}
	return r
}

// groupResult builds the result for group g (and its listed members).
func groupResult(j *jobState, g *tenantGroup, created bool, targetID string, members []string, at time.Time) *podResult {
	target := j.targetName()
	r := &podResult{
		result: "Success", action: "Update", changeID: newGUID(), start: at, end: at.Add(2310 * time.Millisecond),
		objectType: "Group", sourceID: g.ID, sourceName: g.DisplayName, targetID: targetID, emptyValue: true, job: j,
	}
	verb := "updated"
	if created {
		r.action, verb = "Create", "created"
	}
	r.steps = []podStep{
		{"EntryImport", "Import", "Success", "Retrieved Group '" + g.DisplayName + "' from Azure Active Directory", map[string]string{"objectId": g.ID}},
		{"EntrySynchronizationScoping", "Scoping", "Success", "Determine if Group in scope by evaluating against each scoping filter", map[string]string{"ScopeEvaluationResult": "{}"}},
		{"EntryImport", "Matching", "Success", "Matched Group '" + g.DisplayName + "' in " + target, map[string]string{}},
		{"EntryExport", "Export", "Success", "Group '" + g.DisplayName + "' was " + verb + " in " + target, map[string]string{"ReportableIdentifier": g.DisplayName, "id": targetID}},
	}
	r.modified = []modifiedProperty{{"displayName", nil, g.DisplayName}, {"members", nil, strings.Join(members, ",")}}
	return r
}

// targetName is the target system's display name.
func (j *jobState) targetName() string { return nameOr(j.def.TargetSystem, j.sp.def.DisplayName) }

// key is the stringKeyStringValuePair key: {"result", "details"} as JSON text.
func (r *podResult) key() string {
	details := map[string]any{}
	if r.err != nil && r.result != "Success" {
		details = map[string]any{"errorCode": r.err.Code, "errorMessage": r.err.Message}
	}
	return jsonText(map[string]any{"result": r.result, "details": details})
}

// value is the stringKeyStringValuePair value, as JSON text.
func (r *podResult) value() string {
	if r.emptyValue {
		return "{}"
	}
	steps := []any{}
	for i, s := range r.steps {
		steps = append(steps, map[string]any{
			"name": s.name, "type": s.stepType, "status": s.status, "description": s.description,
			"timestamp": syncTime(r.start.Add(time.Duration(i*400) * time.Millisecond)), "details": s.details,
		})
	}
	status := map[string]any{"status": r.result, "errorCode": nil, "reason": nil, "additionalDetails": nil, "errorCategory": nil, "recommendedAction": nil}
	if r.result == "Failure" {
		status["errorCode"], status["reason"], status["errorCategory"] = r.err.Code, r.err.Message, "NonServiceFailure"
		status["recommendedAction"] = "Fix the problem in " + r.job.targetName() + " or in the provisioning configuration, then retry."
	}
	return jsonText(map[string]any{
		"action":               r.action,
		"changeId":             r.changeID,
		"startTime":            syncTime(r.start),
		"endTime":              syncTime(r.end),
		"reportableIdentifier": r.sourceName,
		"modifiedProperties":   r.modifiedJSON(),
		"provisioningSteps":    steps,
		"statusInfo":           status,
		"sourceIdentity":       map[string]any{"id": r.sourceID, "type": r.objectType, "displayName": nil, "details": nil},
		"sourceSystem":         map[string]any{"id": nil, "name": "Azure Active Directory", "details": nil},
		"targetIdentity":       map[string]any{"id": nullable(r.targetID), "type": r.objectType, "displayName": nil, "details": nil},
		"targetSystem":         map[string]any{"id": nil, "name": r.job.targetName(), "details": nil},
	})
}

func (r *podResult) modifiedJSON() []any {
	out := []any{}
	for _, m := range r.modified {
		out = append(out, map[string]any{"displayName": m.name, "oldValue": m.old, "newValue": m.new})
	}
	return out
}

// jsonText is JSON as a string: what stringKeyStringValuePair carries.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// initiator is who started a provisioning event (provisioningObjectSummary.initiatedBy).
type initiator struct{ id, name, kind string }

var provisioningService = initiator{"", "Azure AD Provisioning Service", "system"}

// aadDirectoryID is Entra ID's directory id in synchronization schemas and logs.
const aadDirectoryID = "66e4a8cc-1b7b-435e-95f8-f06cea133828"

// logEntry renders r as a provisioningObjectSummary (v1.0 names, lower-case
// enums, servicePrincipal a single object).
func (r *podResult) logEntry(tenantID string, by initiator) map[string]any {
	steps := []any{}
	for _, s := range r.steps {
		steps = append(steps, map[string]any{
			"name": s.name, "description": s.description, "details": s.details,
			"provisioningStepType": strings.ToLower(s.stepType), "status": strings.ToLower(s.status),
		})
	}
	var errInfo any
	if r.err != nil && r.result != "Success" {
		category := any(nil)
		if r.result == "Failure" {
			category = "nonServiceFailure"
		}
		errInfo = map[string]any{"errorCode": r.err.Code, "reason": r.err.Message, "additionalDetails": nil, "recommendedAction": nil, "errorCategory": category}
	}
	sp := r.job.sp.def
	targetName := r.sourceName
	if r.targetID == "" {
		targetName = ""
	}
	return map[string]any{
		"id":                     newGUID(),
		"activityDateTime":       r.end.UTC().Format(time.RFC3339),
		"changeId":               r.changeID,
		"cycleId":                newGUID(),
		"durationInMilliseconds": int(r.end.Sub(r.start).Milliseconds()),
		"jobId":                  r.job.def.ID,
		"tenantId":               tenantID,
		"initiatedBy":            map[string]any{"id": by.id, "displayName": by.name, "initiatorType": by.kind},
		"modifiedProperties":     r.modifiedJSON(),
		"provisioningAction":     strings.ToLower(r.action),
		"provisioningStatusInfo": map[string]any{"status": strings.ToLower(r.result), "errorInformation": errInfo},
		"provisioningSteps":      steps,
		"servicePrincipal":       map[string]any{"id": sp.ID, "displayName": sp.DisplayName},
		"sourceIdentity":         map[string]any{"id": r.sourceID, "displayName": r.sourceName, "identityType": r.objectType, "details": map[string]any{}},
		"targetIdentity":         map[string]any{"id": r.targetID, "displayName": targetName, "identityType": r.objectType, "details": map[string]any{}},
		"sourceSystem":           map[string]any{"id": aadDirectoryID, "displayName": "Azure Active Directory", "details": map[string]any{}},
		"targetSystem": map[string]any{"id": r.job.def.ID, "displayName": r.job.targetName(), "details": map[string]any{
			"ApplicationId": sp.AppID, "ServicePrincipalId": sp.ID, "ServicePrincipalDisplayName": sp.DisplayName,
		}},
	}
}

// applyStatus is the final outcome r leaves on the job's apply. resource.
func (r *podResult) applyStatus() outcomeStatus {
	exec := &execution{id: r.changeID, began: r.start, ended: r.end, state: "Succeeded", entitled: 1, imported: 1}
	switch r.result {
	case "Failure":
		exec.state, exec.err = "Failed", r.err
		return outcomeStatus{code: "Quarantine", exec: exec}
	case "Skipped":
		exec.err = r.err
	default:
		exec.exported = 1
	}
	return outcomeStatus{code: "Active", exec: exec}
}
