package emulator

import (
	"fmt"
	"net/http"
)

// getApplyOutcome answers GET …/jobs/apply.{jobId}, the outcome resource of
// the June 2020 draft API (docs/emulator.md, "The apply. outcome resource"):
// {id, templateId, status}, where status is {} while pending and a
// synchronizationStatus once final.
func (g *graphReq) getApplyOutcome(sp *spState, jobID string) {
	d := g.s.dir
	d.mu.Lock()
	if !d.applyResourceOn() {
		d.mu.Unlock()
		// Real tenants do not publish this resource (profile real, or
		// applyResource:false); clients must fall back to the logs.
		g.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid job id 'apply.%s'.", jobID))
		return
	}
	j := sp.findJob(jobID)
	if j == nil {
		d.mu.Unlock()
		g.fail(http.StatusNotFound, "ResourceNotFound",
			fmt.Sprintf("The synchronization job '%s' does not exist on service principal '%s'.", jobID, sp.def.ID))
		return
	}
	status := map[string]any{}
	if j.apply.pending > 0 {
		j.apply.pending--
	} else {
		status = statusJSON(j.outcomeView(j.apply.final))
	}
	body := map[string]any{
		"@odata.context": g.odataContext(g.jobsContext(sp) + "/$entity"),
		"id":             "apply." + j.def.ID,
		"templateId":     j.def.TemplateID,
		"status":         status,
	}
	d.mu.Unlock()
	g.json(http.StatusOK, body)
}

// outcomeView renders a final outcome as the job's status after that run.
func (j *jobState) outcomeView(o outcomeStatus) statusView {
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
