package emulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

func (g *graphReq) jobsContext(sp *tenant.SPState) string {
	return "servicePrincipals('" + sp.Def().ID + "')/synchronization/jobs"
}

func (g *graphReq) listJobs(sp *tenant.SPState) {
	jobs := g.s.dir.JobsJSON(sp)
	g.json(http.StatusOK, map[string]any{"@odata.context": g.odataContext(g.jobsContext(sp)), "value": jobs})
}

func (g *graphReq) getJob(j *tenant.JobState) {
	body := g.s.dir.JobJSON(j)
	body["@odata.context"] = g.odataContext(g.jobsContext(j.SP()) + "/$entity")
	g.json(http.StatusOK, body)
}

// startJob resumes a paused job and clears quarantine (204, no body).
func (g *graphReq) startJob(j *tenant.JobState) {
	g.s.dir.StartJob(j)
	g.noContent()
}

func (g *graphReq) pauseJob(j *tenant.JobState) {
	g.s.dir.PauseJob(j)
	g.noContent()
}

var restartShape = &jsonShape{typeName: "restartRequest", props: map[string]*jsonShape{
	"criteria": {typeName: "synchronizationJobRestartCriteria", props: map[string]*jsonShape{"resetScope": nil}},
}}

// restartJob validates criteria.resetScope (a comma-separated flags enum;
// empty is the portal's "restart provisioning") and restarts the job.
func (g *graphReq) restartJob(j *tenant.JobState) {
	var body struct {
		Criteria *struct {
			ResetScope string `json:"resetScope"`
		} `json:"criteria"`
	}
	if !g.decodeBody(restartShape, &body, true) {
		return
	}
	scope := ""
	if body.Criteria != nil {
		scope = body.Criteria.ResetScope
	}
	if err := g.s.dir.RestartJob(j, scope); err != nil {
		g.fail(http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	g.noContent()
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
