package tenant

import (
	"time"
)

// CrossTenantKey is the key cross-tenant synchronization answers with: a
// .NET type name where other jobs put JSON.
const CrossTenantKey = "Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo"

// syncFabricContext is the @odata.context of Cloud Sync answers, which come
// from the sync fabric rather than from Graph's own metadata.
const syncFabricContext = "https://syncfabric.windowsazure.com/api/$metadata#microsoft.synchronization.stringKeyStringValuePair"

// Answer is the provisionOnDemand response body for r, in the shape of the
// job's kind, with graphContext as Graph's @odata.context. Members are in
// the service's order, not sorted.
func (r *Result) Answer(graphContext string) Object {
	switch r.job.answerKind() {
	case crossTenantAnswer:
		value := "{}"
		if !r.emptyValue {
			value = jsonText([]any{r.syncFabricRecord()})
		}
		return object("@odata.context", graphContext, "key", CrossTenantKey, "value", value)
	case cloudSyncAnswer:
		return object("@odata.context", syncFabricContext, "key", r.key(), "value", r.valueText(r.cloudSyncValue))
	}
	return object("@odata.context", graphContext, "key", r.key(), "value", r.valueText(r.galleryValue))
}

// key is {"result","details"} as JSON text, result first.
func (r *Result) key() string {
	details := object()
	if r.err != nil && r.result != "Success" {
		details = object("errorCode", r.err.Code, "errorMessage", r.err.Message)
	}
	return jsonText(object("result", r.result, "details", details))
}

// valueText renders the value with build, or "{}" for a group.
func (r *Result) valueText(build func() orderedObject) string {
	if r.emptyValue {
		return "{}"
	}
	return jsonText(build())
}

// galleryValue is the value object of Microsoft's example 1, in its order.
func (r *Result) galleryValue() orderedObject {
	return object(
		"action", r.action,
		"changeId", r.changeID,
		"endTime", syncTime(r.end),
		"modifiedProperties", r.modifiedWithOld(),
		"provisioningSteps", r.answerSteps(),
		"reportableIdentifier", r.sourceName,
		"startTime", syncTime(r.start),
		"statusInfo", r.statusInfo(),
		"sourceIdentity", object("id", r.sourceID, "type", r.objectType, "displayName", nil, "details", nil),
		"sourceSystem", object("id", nil, "name", "Azure Active Directory", "details", nil),
		"targetIdentity", object("id", nullable(r.targetID), "type", r.objectType, "displayName", nil, "details", nil),
		"targetSystem", object("id", nil, "name", r.job.targetName(), "details", nil),
	)
}

// syncFabricRecord is one element of a cross-tenant answer's value array:
// the gallery fields, in the sync fabric's order (provisioningSteps first).
func (r *Result) syncFabricRecord() orderedObject {
	v := r.galleryValue()
	return object(
		"provisioningSteps", v.get("provisioningSteps"),
		"modifiedProperties", v.get("modifiedProperties"),
		"action", v.get("action"),
		"changeId", v.get("changeId"),
		"endTime", v.get("endTime"),
		"reportableIdentifier", v.get("reportableIdentifier"),
		"sourceIdentity", v.get("sourceIdentity"),
		"sourceSystem", v.get("sourceSystem"),
		"startTime", v.get("startTime"),
		"statusInfo", v.get("statusInfo"),
		"targetIdentity", v.get("targetIdentity"),
		"targetSystem", v.get("targetSystem"),
	)
}

// answerSteps renders the steps with capitalised enums and timestamps.
func (r *Result) answerSteps() []any {
	steps := []any{}
	for i, s := range r.steps {
		steps = append(steps, object(
			"name", s.name, "type", s.stepType, "status", s.status, "description", s.description,
			"timestamp", syncTime(r.start.Add(time.Duration(i*400)*time.Millisecond)), "details", s.details,
		))
	}
	return steps
}

// statusInfo is the answer's statusDetails, every member present.
func (r *Result) statusInfo() orderedObject {
	var code, reason, category, action any
	if r.result == "Failure" {
		code, reason, category = r.err.Code, r.err.Message, "NonServiceFailure"
		action = "Fix the problem in " + r.job.targetName() + " or in the provisioning configuration, then retry."
	}
	return object("status", r.result, "errorCode", code, "reason", reason, "additionalDetails", nil,
		"errorCategory", category, "recommendedAction", action)
}

func (r *Result) modifiedWithOld() []any {
	out := []any{}
	for _, m := range r.modified {
		out = append(out, object("displayName", m.name, "oldValue", m.old, "newValue", m.new))
	}
	return out
}
