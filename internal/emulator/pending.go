package emulator

import (
	"net/http"
	"time"
)

// Parts not built yet answer 501; they are replaced in the next commit.

func (g *graphReq) provisionOnDemand(j *jobState) {
	g.fail(http.StatusNotImplemented, "NotImplemented", "not implemented yet")
}

func (g *graphReq) listProvisioningLogs() {
	g.fail(http.StatusNotImplemented, "NotImplemented", "not implemented yet")
}

func seedLogs(d *directory, start time.Time) []map[string]any { return nil }
