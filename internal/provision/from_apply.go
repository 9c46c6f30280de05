package provision

import (
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// FromApply maps the apply.{jobId} resource to an Outcome. Its status is a
// synchronizationStatus: an empty {} or an execution without timeEnded is
// pending; Quarantine is failure; Succeeded/Failed/EntryLevelErrors map to
// success/failure/warning; a Succeeded execution carrying an error code
// (e.g. RedundantExport) means nothing was changed: skipped.
func FromApply(spID, jobID string, res *graph.ApplyResource) *Outcome {
	o := &Outcome{
		ServicePrincipalID: spID,
		JobID:              jobID,
		ID:                 NullString(res.ID),
		TemplateID:         NullString(res.TemplateID),
		Source:             SourceApply,
		State:              StatePending,
		Raw:                res.Raw,
	}
	st := res.Status
	if st == nil {
		return o.normalize()
	}
	exec := st.LastExecution
	if exec != nil {
		o.StartedAt = timePtr(exec.TimeBegan.Time)
		o.EndedAt = timePtr(exec.TimeEnded.Time)
		o.Counts = &Counts{
			Imported: int64(exec.CountImported),
			Exported: int64(exec.CountExported),
			Escrowed: int64(exec.CountEscrowed),
			Entitled: int64(exec.CountEntitled),
		}
	}
	if strings.EqualFold(string(st.Code), "Quarantine") {
		o.State = StateFailure
		o.Reason = quarantineReason(st)
		return o.normalize()
	}
	if exec == nil {
		return o.normalize()
	}
	errCode := ""
	if exec.Error.IsError() {
		errCode = exec.Error.Code
	}
	switch strings.ToLower(string(exec.State)) {
	case "succeeded":
		o.State = StateSuccess
		if errCode != "" {
			o.State = StateSkipped
		}
	case "failed":
		o.State = StateFailure
	case "entrylevelerrors":
		o.State = StateWarning
	default:
		if exec.TimeEnded.IsZero() {
			return o.normalize() // still running
		}
		o.State = StateWarning
		o.Reason = &Reason{Code: "UnknownState", Message: NullString("Graph reported execution state " + quote(string(exec.State)))}
		return o.normalize()
	}
	if o.State != StateSuccess && exec.Error.IsError() {
		o.Reason = &Reason{Code: NullString(exec.Error.Code), Message: NullString(exec.Error.Message)}
	}
	return o.normalize()
}

func quarantineReason(st *graph.SynchronizationStatus) *Reason {
	r := &Reason{Code: "Quarantine", Message: "the job is in quarantine"}
	var e *graph.SyncError
	if q := st.Quarantine; q != nil {
		e = q.Error
		if q.Reason != "" {
			r.Message += NullString(" (" + string(q.Reason) + ")")
		}
	}
	if !e.IsError() && st.LastExecution != nil {
		e = st.LastExecution.Error
	}
	if e.IsError() && e.Code != "" {
		r.Code = NullString(e.Code)
		if e.Message != "" {
			r.Message = NullString(e.Message)
		}
	}
	r.RecommendedAction = "fix the cause, then run `provctl job start` to clear the quarantine"
	return r
}

func quote(s string) string { return "\"" + s + "\"" }
