package tenant

import (
	"strings"
	"time"
)

// initiator is who started a provisioning event (provisioningObjectSummary.initiatedBy).
type initiator struct{ id, name, kind string }

var provisioningService = initiator{"", "Azure AD Provisioning Service", "system"}

// AADDirectoryID is Entra ID's directory id in synchronization schemas and logs.
const AADDirectoryID = "66e4a8cc-1b7b-435e-95f8-f06cea133828"

// logEntry renders r as a provisioningObjectSummary (v1.0 names, lower-case
// enums, servicePrincipal a single object). A skipped entry has no
// errorInformation: its reason is only in the skip step's details.
func (r *Result) logEntry(tenantID string, by initiator) map[string]any {
	steps := []any{}
	for _, s := range r.steps {
		details := s.details
		if s.status == "Skipped" && details.get("SkipReason") != nil {
			details = append(orderedObject{}, details...).set("ReportableIdentifier", r.sourceName)
		}
		steps = append(steps, map[string]any{
			"name": s.name, "description": s.description, "details": details,
			"provisioningStepType": strings.ToLower(s.stepType), "status": strings.ToLower(s.status),
		})
	}
	var errInfo any
	if r.err != nil && (r.result == "Failure" || r.result == "Warning") {
		errInfo = map[string]any{"errorCode": r.err.Code, "reason": r.err.Message, "additionalDetails": nil, "recommendedAction": nil, "errorCategory": "nonServiceFailure"}
	}
	targetName := r.sourceName
	if r.targetID == "" {
		targetName = ""
	}
	sourceSystem, targetSystem := r.logSystems()
	return map[string]any{
		"id": newGUID(),
		// When the activity began: for an on-demand request, the moment Graph
		// received it — no later than the answer's Date, whole seconds as
		// clients must allow for — with its duration after it.
		"activityDateTime":       r.start.UTC().Format(time.RFC3339),
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
		"servicePrincipal":       map[string]any{"id": r.job.sp.def.ID, "displayName": r.job.sp.def.DisplayName},
		"sourceIdentity":         map[string]any{"id": r.sourceID, "displayName": r.sourceName, "identityType": r.sourceType(), "details": r.sourceDetails()},
		"targetIdentity":         map[string]any{"id": r.targetID, "displayName": targetName, "identityType": r.objectType, "details": map[string]any{}},
		"sourceSystem":           sourceSystem,
		"targetSystem":           targetSystem,
	}
}

// sourceType is the source identity's type: AD names users in lower case.
func (r *Result) sourceType() string {
	if r.job.answerKind() == cloudSyncAnswer {
		return strings.ToLower(r.objectType)
	}
	return r.objectType
}

// sourceDetails is what the log tells about the source object.
func (r *Result) sourceDetails() map[string]any {
	d := map[string]any{"DisplayName": r.displayName, "id": r.sourceID, "odatatype": r.sourceType()}
	if r.upn != "" {
		d["UserPrincipalName"] = r.upn
	}
	return d
}

// logSystems are the entry's sourceSystem and targetSystem: the job's own
// side (the app) carries the service principal's ids in details.
func (r *Result) logSystems() (source, target map[string]any) {
	sp := r.job.sp.def
	entra := map[string]any{"id": AADDirectoryID, "displayName": "Azure Active Directory", "details": map[string]any{}}
	app := map[string]any{"id": r.job.def.ID, "displayName": r.job.targetName(), "details": map[string]any{
		"ApplicationId": sp.AppID, "ServicePrincipalId": sp.ID, "ServicePrincipalDisplayName": sp.DisplayName,
	}}
	if r.job.answerKind() == cloudSyncAnswer {
		app["displayName"] = "Active Directory"
		entra["displayName"] = r.job.targetName()
		return app, entra
	}
	return entra, app
}

func (r *Result) modifiedJSON() []any {
	out := []any{}
	for _, m := range r.modified {
		out = append(out, map[string]any{"displayName": m.name, "oldValue": m.old, "newValue": m.new})
	}
	return out
}
