package emulator

import (
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/emulator/odata"
)

// provisioningLogFilter lists the $filter properties and operators of
// GET /auditLogs/provisioning.
var provisioningLogFilter = func() odata.Fields {
	// Only the documented operators: Graph refuses others, and so do we.
	text := []string{"eq", "contains"}
	f := odata.Fields{
		"activitydatetime":             {"eq", "gt", "lt"},
		"durationinmilliseconds":       {"eq", "gt", "lt"},
		"serviceprincipal/id":          text,
		"serviceprincipal/displayname": text,
	}
	for _, name := range []string{
		"id", "tenantid", "jobid", "changeid", "cycleid", "provisioningaction", "provisioningstatusinfo/status",
		"sourcesystem/displayname", "targetsystem/displayname", "sourceidentity/identitytype", "targetidentity/identitytype",
		"sourceidentity/id", "targetidentity/id", "sourceidentity/displayname", "targetidentity/displayname", "initiatedby/displayname",
	} {
		f[name] = text
	}
	return f
}()

// listProvisioningLogs answers GET /auditLogs/provisioning: filtered,
// newest first unless $orderby says asc, paged with @odata.nextLink.
func (g *graphReq) listProvisioningLogs() {
	filter, ok := g.parseFilterFor(provisioningLogFilter, "provisioningObjectSummary", "BadRequest")
	if !ok {
		return
	}
	asc := false
	switch ob := strings.Join(strings.Fields(strings.ToLower(g.query("orderby"))), " "); ob {
	case "", "activitydatetime desc":
	case "activitydatetime", "activitydatetime asc":
		asc = true
	default:
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid $orderby: only activityDateTime (asc or desc) is supported.")
		return
	}
	page, ok := g.pageParams(50, 1000)
	if !ok {
		return
	}
	var match func(map[string]any) bool
	if filter != nil {
		match = func(e map[string]any) bool { return filter.Eval(odata.MapGetter(e)) }
	}
	items := g.s.dir.ProvisioningLogs(g.s.clock.now(), match, asc)
	g.writePage(items, page, "auditLogs/provisioning")
}
