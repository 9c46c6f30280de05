package emulator

import (
	"net/http"

	"github.com/provctl/provctl/internal/emulator/odata"

	"github.com/provctl/provctl/internal/emulator/tenant"
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
func (s *Server) servicePrincipalJSON(sp *tenant.SPState) map[string]any {
	def := sp.Def()
	return map[string]any{
		"id":                        def.ID,
		"deletedDateTime":           nil,
		"accountEnabled":            true,
		"appDisplayName":            def.DisplayName,
		"appId":                     def.AppID,
		"appOwnerOrganizationId":    s.dir.File().TenantID,
		"appRoleAssignmentRequired": sp.JobCount() > 0,
		"displayName":               def.DisplayName,
		"homepage":                  nil,
		"preferredSingleSignOnMode": nil,
		"servicePrincipalNames":     []string{def.AppID},
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
	var all []map[string]any
	for _, sp := range g.s.dir.ServicePrincipals() {
		all = append(all, g.s.servicePrincipalJSON(sp))
	}
	fields, ok := g.selectFields(g.s.servicePrincipalJSON(&tenant.SPState{}), "servicePrincipal")
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
func (g *graphReq) getServicePrincipal(sp *tenant.SPState, key string) {
	g.withSP(sp, key, func(sp *tenant.SPState) {
		item := g.s.servicePrincipalJSON(sp)
		fields, ok := g.selectFields(item, "servicePrincipal")
		if !ok {
			return
		}
		out := odata.Project(item, fields)
		out["@odata.context"] = g.odataContext(odata.SelectContext("servicePrincipals", fields) + "/$entity")
		g.json(http.StatusOK, out)
	})
}
