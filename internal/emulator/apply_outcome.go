package emulator

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// getApplyOutcome answers GET …/jobs/apply.{jobId}, the outcome resource of
// the June 2020 draft API (docs/emulator.md, "The apply. outcome resource"):
// {id, templateId, status}, where status is {} while pending and a
// synchronizationStatus once final.
func (g *graphReq) getApplyOutcome(sp *tenant.SPState, jobID string) {
	body, err := g.s.dir.ApplyOutcome(sp, jobID)
	switch {
	case errors.Is(err, tenant.ErrApplyResourceOff):
		// Real tenants do not publish this resource (profile real, or
		// applyResource:false); clients must fall back to the logs.
		g.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid job id 'apply.%s'.", jobID))
		return
	case err != nil:
		g.fail(http.StatusNotFound, "ResourceNotFound",
			fmt.Sprintf("The synchronization job '%s' does not exist on service principal '%s'.", jobID, sp.Def().ID))
		return
	}
	body["@odata.context"] = g.odataContext(g.jobsContext(sp) + "/$entity")
	g.json(http.StatusOK, body)
}
