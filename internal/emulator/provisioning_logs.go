package emulator

import (
	"net/http"
	"sort"
	"strings"
	"time"

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
	d := g.s.dir
	now := g.s.clock.now()
	d.mu.Lock()
	type indexed struct {
		i int
		t time.Time
		e map[string]any
	}
	var hits []indexed
	for i, rec := range d.logs {
		// The filter sees the current names, whatever shape is sent.
		if rec.visible(now) && (filter == nil || filter.Eval(odata.MapGetter(rec.entry))) {
			hits = append(hits, indexed{i, rec.at, rec.entry})
		}
	}
	old := d.logShape == logShapeOld
	d.mu.Unlock()
	sort.SliceStable(hits, func(a, b int) bool {
		ta, tb := hits[a].t, hits[b].t
		if ta.Equal(tb) {
			return (hits[a].i < hits[b].i) == asc
		}
		return ta.Before(tb) == asc
	})
	items := make([]map[string]any, 0, len(hits))
	for _, h := range hits {
		if old {
			h.e = oldShapeEntry(h.e)
		}
		items = append(items, h.e)
	}
	g.writePage(items, page, "auditLogs/provisioning")
}

// seedLogs writes a plausible history consistent with the seeded state:
// out-of-scope skips for unassigned users, the failures of failing jobs, the
// creation and later no-op syncs of already provisioned users, and the
// creation of groups for jobs with a group rule.
func seedLogs(d *directory, start time.Time) []logRecord {
	var logs []logRecord
	add := func(r *onDemandResult) {
		logs = append(logs, logRecord{entry: r.logEntry(d.tenant.TenantID, provisioningService), at: r.end})
	}
	for _, sp := range d.sps {
		if len(sp.def.Assignments) == 0 {
			continue
		}
		for _, j := range sp.jobs {
			if j.answerKind() == cloudSyncAnswer {
				continue // AD users are scoped by OU, not by assignment: no history
			}
			for _, u := range d.users {
				switch {
				case !sp.assigned(u.ID):
					add(userResult(j, u, userOutOfScope, "", start.Add(-4*time.Hour)))
				case j.def.Outcome == "failure":
					add(userResult(j, u, userFailed, "", start.Add(-2*time.Hour)))
				case j.inTarget[u.ID] != "":
					add(userResult(j, u, userCreated, j.inTarget[u.ID], start.Add(-26*time.Hour)))
					add(userResult(j, u, userRedundant, j.inTarget[u.ID], start.Add(-90*time.Minute)))
				}
			}
			if j.def.Outcome != "failure" && j.hasRule("Group") {
				for _, grp := range d.groups {
					id := newGUID()
					j.groupsInTarget[grp.ID] = id
					add(groupResult(j, grp, true, id, grp.Members, start.Add(-3*time.Hour)))
				}
			}
		}
	}
	return logs
}

func (j *jobState) hasRule(objectType string) bool {
	for _, r := range j.def.Rules {
		if r.ObjectType == objectType {
			return true
		}
	}
	return false
}
