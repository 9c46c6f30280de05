package emulator

import (
	"net/http"

	"github.com/provctl/provctl/internal/emulator/odata"
)

// servicePrincipalFilter lists what $filter may use on servicePrincipals
// without ConsistencyLevel: eventual (plain eq and startswith).
var servicePrincipalFilter = odata.Fields{
	"id":                   {"eq"},
	"appid":                {"eq"},
	"displayname":          {"eq", "startswith"},
	"appdisplayname":       {"eq", "startswith"},
	"serviceprincipaltype": {"eq"},
}

// servicePrincipalJSON is a servicePrincipal resource (the properties a
// client may look at; Graph returns many more).
func (s *Server) servicePrincipalJSON(sp *spState) map[string]any {
	return map[string]any{
		"id":                        sp.def.ID,
		"deletedDateTime":           nil,
		"accountEnabled":            true,
		"appDisplayName":            sp.def.DisplayName,
		"appId":                     sp.def.AppID,
		"appOwnerOrganizationId":    s.dir.tenant.TenantID,
		"appRoleAssignmentRequired": len(sp.jobs) > 0,
		"displayName":               sp.def.DisplayName,
		"homepage":                  nil,
		"preferredSingleSignOnMode": nil,
		"servicePrincipalNames":     []string{sp.def.AppID},
		"servicePrincipalType":      "Application",
		"signInAudience":            "AzureADMultipleOrgs",
		"tags":                      []string{"WindowsAzureActiveDirectoryIntegratedApp"},
	}
}

func (g *graphReq) listServicePrincipals() {
	filter, ok := g.parseFilterFor(servicePrincipalFilter, "ServicePrincipal", "Request_UnsupportedQuery")
	if !ok {
		return
	}
	page, ok := g.pageParams(100, 999)
	if !ok {
		return
	}
	d := g.s.dir
	d.mu.Lock()
	var all []map[string]any
	for _, sp := range d.sps {
		all = append(all, g.s.servicePrincipalJSON(sp))
	}
	d.mu.Unlock()
	fields, ok := g.selectFields(g.s.servicePrincipalJSON(&spState{}), "servicePrincipal")
	if !ok {
		return
	}
	items := []map[string]any{}
	for _, item := range all {
		if filter == nil || filter.Eval(odata.MapGetter(item)) {
			items = append(items, odata.Project(item, fields))
		}
	}
	g.writePage(items, page, odata.SelectContext("servicePrincipals", fields))
}

// getServicePrincipal answers servicePrincipals/{id} and the appId
// alternate key: a single entity, not a collection.
func (g *graphReq) getServicePrincipal(sp *spState, key string) {
	g.withSP(sp, key, func(sp *spState) {
		g.s.dir.mu.Lock()
		item := g.s.servicePrincipalJSON(sp)
		g.s.dir.mu.Unlock()
		fields, ok := g.selectFields(item, "servicePrincipal")
		if !ok {
			return
		}
		out := odata.Project(item, fields)
		out["@odata.context"] = g.odataContext(odata.SelectContext("servicePrincipals", fields) + "/$entity")
		g.json(http.StatusOK, out)
	})
}
