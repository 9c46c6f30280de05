package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

func (g *graphReq) jobsContext(sp *spState) string {
	return "servicePrincipals('" + sp.def.ID + "')/synchronization/jobs"
}

func (g *graphReq) listJobs(sp *spState) {
	d := g.s.dir
	d.mu.Lock()
	jobs := []any{}
	for _, j := range sp.jobs {
		jobs = append(jobs, j.jobJSON())
	}
	d.mu.Unlock()
	g.json(http.StatusOK, map[string]any{"@odata.context": g.odataContext(g.jobsContext(sp)), "value": jobs})
}

func (g *graphReq) getJob(j *jobState) {
	d := g.s.dir
	d.mu.Lock()
	body := j.jobJSON()
	d.mu.Unlock()
	body["@odata.context"] = g.odataContext(g.jobsContext(j.sp) + "/$entity")
	g.json(http.StatusOK, body)
}

// startJob resumes a paused job and clears quarantine (204, no body).
func (g *graphReq) startJob(j *jobState) {
	d := g.s.dir
	d.mu.Lock()
	j.scheduleState, j.code, j.quarantined = "Active", "Active", false
	d.mu.Unlock()
	g.noContent()
}

func (g *graphReq) pauseJob(j *jobState) {
	d := g.s.dir
	d.mu.Lock()
	j.scheduleState, j.code = "Paused", "Paused"
	d.mu.Unlock()
	g.noContent()
}

var restartShape = &jsonShape{typeName: "restartRequest", props: map[string]*jsonShape{
	"criteria": {typeName: "synchronizationJobRestartCriteria", props: map[string]*jsonShape{"resetScope": nil}},
}}

// resetScopes are the values of synchronizationJobRestartScope.
var resetScopes = []string{"None", "ConnectorDataStore", "Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes"}

// restartJob validates criteria.resetScope (a comma-separated flags enum;
// empty is the portal's "restart provisioning") and restarts the job.
func (g *graphReq) restartJob(j *jobState) {
	var body struct {
		Criteria *struct {
			ResetScope string `json:"resetScope"`
		} `json:"criteria"`
	}
	if !g.decodeBody(restartShape, &body, true) {
		return
	}
	clearsQuarantine := true
	if body.Criteria != nil && strings.TrimSpace(body.Criteria.ResetScope) != "" {
		clearsQuarantine = false
		for _, part := range strings.Split(body.Criteria.ResetScope, ",") {
			v := canonicalScope(strings.TrimSpace(part))
			if v == "" {
				g.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf(
					"Invalid value '%s' for resetScope. Allowed values: %s (comma-separated).",
					strings.TrimSpace(part), strings.Join(resetScopes, ", ")))
				return
			}
			if v == "QuarantineState" || v == "Full" {
				clearsQuarantine = true
			}
		}
	}
	d := g.s.dir
	d.mu.Lock()
	if clearsQuarantine {
		j.quarantined = false
	}
	if !j.quarantined {
		j.scheduleState, j.code = "Active", "Active"
	}
	d.mu.Unlock()
	g.noContent()
}

func canonicalScope(s string) string {
	for _, v := range resetScopes {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	return ""
}

// decodeBody reads a JSON request body and decodes it with exact property
// names (Graph rejects unknown properties: that is what catches a client's
// wrong JSON name). optional allows an empty body. On failure it answers 400
// and returns false.
func (g *graphReq) decodeBody(shape *jsonShape, v any, optional bool) bool {
	data, err := io.ReadAll(http.MaxBytesReader(g.w, g.r.Body, 1<<20))
	if err == nil && len(bytes.TrimSpace(data)) == 0 {
		if optional {
			return true
		}
		err = errors.New("a request body is required")
	}
	if err == nil {
		err = decodeExact(data, shape, v)
	}
	if err != nil {
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid request body: "+err.Error()+".")
		return false
	}
	return true
}
