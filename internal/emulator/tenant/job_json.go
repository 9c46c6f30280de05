package tenant

import (
	"cmp"
	"time"
)

// Wire formats of synchronization times: .NET-style 7-digit fractions, and
// DateTime.MinValue for "never".
const (
	syncTimeFormat = "2006-01-02T15:04:05.0000000Z"
	neverTime      = "0001-01-01T00:00:00Z"
	// maxInterval is TimeSpan.MaxValue, the interval of new or disabled jobs.
	maxInterval = "P10675199DT2H48M5.4775807S"
)

func syncTime(t time.Time) string {
	if t.IsZero() {
		return neverTime
	}
	return t.UTC().Format(syncTimeFormat)
}

// jobJSON is a synchronizationJob as Graph returns it; call with d.mu held.
func (j *JobState) jobJSON() map[string]any {
	interval := "PT40M"
	if j.scheduleState == "Disabled" {
		interval = maxInterval
	}
	return map[string]any{
		"id":         j.def.ID,
		"templateId": j.def.TemplateID,
		"schedule": map[string]any{
			"expiration": nil,
			"interval":   interval,
			"state":      j.scheduleState,
		},
		"status": statusJSON(j.statusView()),
		"synchronizationJobSettings": []any{
			map[string]any{"name": "AzureIngestionAttributeOptimization", "value": "False"},
			map[string]any{"name": "LookaheadQueryEnabled", "value": "False"},
			map[string]any{"name": "QuarantineTooManyDeletesThreshold", "value": "500"},
		},
	}
}

// statusView is what a synchronizationStatus is rendered from.
type statusView struct {
	code        string
	failures    int
	lastExec    *execution
	lastSuccess *execution
	quarantine  *Error
	neverRan    bool
	steadyFirst time.Time
	steadyLast  time.Time
	users       int // objects in the target system, by type
	groups      int
}

func (j *JobState) statusView() statusView {
	v := statusView{
		code: j.code, lastExec: j.lastExec, lastSuccess: j.lastSuccess,
		steadyFirst: j.steadyFirst, steadyLast: j.steadyLast, users: len(j.inTarget), groups: len(j.groupsInTarget),
		neverRan: j.lastExec == nil,
	}
	if j.quarantined {
		v.failures = 2
		v.quarantine = j.def.Error
		if v.quarantine == nil {
			v.quarantine = &Error{Code: "QuarantinedOnDemand", Message: "The job was quarantined."}
		}
	}
	return v
}

// statusJSON renders a synchronizationStatus, reproducing the documented
// oddities: empty strings in the quarantine's timestamp and enum fields,
// 0001-01-01T00:00:00Z for never, troubleshootingUrl null or "".
func statusJSON(v statusView) map[string]any {
	st := map[string]any{
		"code":                               v.code,
		"countSuccessiveCompleteFailures":    v.failures,
		"escrowsPruned":                      false,
		"lastExecution":                      executionJSON(v.lastExec),
		"lastSuccessfulExecution":            executionJSON(v.lastSuccess),
		"lastSuccessfulExecutionWithExports": nil,
		"progress":                           []any{},
		"quarantine":                         nil,
		"steadyStateFirstAchievedTime":       syncTime(v.steadyFirst),
		"steadyStateLastAchievedTime":        syncTime(v.steadyLast),
		"synchronizedEntryCountByType":       []any{},
		"troubleshootingUrl":                 "",
	}
	if v.lastSuccess != nil && v.lastSuccess.exported > 0 {
		st["lastSuccessfulExecutionWithExports"] = executionJSON(v.lastSuccess)
	}
	if v.neverRan {
		// Jobs that never ran show a MinValue execution, state Failed, with
		// error code "None".
		st["lastExecution"] = executionJSON(&execution{state: "Failed", err: errNone})
	}
	var counts []any
	if v.users > 0 {
		counts = append(counts, map[string]any{"key": "User to User", "value": v.users})
	}
	if v.groups > 0 {
		counts = append(counts, map[string]any{"key": "Group to Group", "value": v.groups})
	}
	if counts != nil {
		st["synchronizedEntryCountByType"] = counts
	}
	if v.quarantine != nil {
		st["quarantine"] = map[string]any{
			"currentBegan": "",
			"nextAttempt":  "",
			"reason":       "",
			"seriesBegan":  "",
			"seriesCount":  v.failures,
			"error":        errorJSON(v.quarantine),
		}
		st["troubleshootingUrl"] = nil
	}
	return st
}

// executionJSON renders a synchronizationTaskExecution (nil stays null).
func executionJSON(e *execution) any {
	if e == nil {
		return nil
	}
	var id any
	if e.id != "" {
		id = e.id
	}
	return map[string]any{
		"activityIdentifier":           id,
		"countEntitled":                e.entitled,
		"countEntitledForProvisioning": e.entitled,
		"countEscrowed":                0,
		"countEscrowedRaw":             0,
		"countExported":                e.exported,
		"countExports":                 e.exported,
		"countImported":                e.imported,
		"countImportedDeltas":          0,
		"countImportedReferenceDeltas": 0,
		"error":                        errorJSON(cmp.Or(e.err, errNone)),
		"state":                        e.state,
		"timeBegan":                    syncTime(e.began),
		"timeEnded":                    syncTime(e.ended),
	}
}

// errNone is the error of an execution without one: real tenants send
// {"code":"None","message":"","tenantActionable":false}, never null.
var errNone = &Error{Code: "None"}

// errorJSON renders a synchronizationError (nil stays null).
func errorJSON(e *Error) any {
	if e == nil {
		return nil
	}
	return map[string]any{"code": e.Code, "message": e.Message, "tenantActionable": e.TenantActionable}
}
