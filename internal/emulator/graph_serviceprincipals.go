package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/odata"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// servicePrincipalFilter lists what $filter may use on servicePrincipals
// without ConsistencyLevel: eventual (plain eq and startswith).
var servicePrincipalFilter = odata.Fields{
	"id":                   {"eq", "in"},
	"appid":                {"eq", "in"},
	"displayname":          {"eq", "startswith", "in"},
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

// defaultAccessRole is the appRoleId of an assignment without a specific
// app role ("Default Access").
const defaultAccessRole = "00000000-0000-0000-0000-000000000000"

// appRoleAssignmentJSON is an appRoleAssignment of principal a to the
// resource sp, with the default access role.
func appRoleAssignmentJSON(sp *tenant.SPState, a tenant.AppRoleAssignment, created time.Time) map[string]any {
	def := sp.Def()
	return map[string]any{
		"id":                   appRoleAssignmentID(a.PrincipalID, def.ID),
		"deletedDateTime":      nil,
		"appRoleId":            defaultAccessRole,
		"createdDateTime":      created.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		"principalDisplayName": a.PrincipalName,
		"principalId":          a.PrincipalID,
		"principalType":        a.PrincipalType,
		"resourceDisplayName":  def.DisplayName,
		"resourceId":           def.ID,
	}
}

// appRoleAssignmentID is stable for a principal and resource. Like Entra's
// ids (43 base64url characters), it begins with the principal's object id
// in its binary (little-endian) GUID form; 16 bytes derived from the
// resource follow.
func appRoleAssignmentID(principalID, resourceID string) string {
	b := guidBytes(principalID)
	sum := sha256.Sum256([]byte(strings.ToLower(resourceID) + "/" + strings.ToLower(principalID)))
	return base64.RawURLEncoding.EncodeToString(append(b, sum[:16]...))
}

// guidBytes is a GUID's 16 bytes in the .NET order (the first three groups
// little-endian); a malformed GUID gives its hash instead.
func guidBytes(id string) []byte {
	raw, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil || len(raw) != 16 {
		sum := sha256.Sum256([]byte(id))
		return sum[:16]
	}
	return []byte{raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6],
		raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]}
}

// listAppRoleAssignedTo answers servicePrincipals/{id}/appRoleAssignedTo:
// the users and groups assigned to the app, with $select and paging. The
// assignments are dated 30 days before the emulator started.
func (g *graphReq) listAppRoleAssignedTo(sp *tenant.SPState) {
	if !g.noFilter() {
		return
	}
	page, ok := g.pageParams(100, 999)
	if !ok {
		return
	}
	created := g.s.dir.Started().Add(-30 * 24 * time.Hour)
	sample := appRoleAssignmentJSON(sp, tenant.AppRoleAssignment{}, created)
	fields, ok := g.selectFields(sample, "appRoleAssignment")
	if !ok {
		return
	}
	items := []map[string]any{}
	for _, a := range g.s.dir.AppRoleAssignments(sp) {
		items = append(items, odata.Project(appRoleAssignmentJSON(sp, a, created), fields))
	}
	g.writePage(items, page, odata.SelectContext("servicePrincipals('"+sp.Def().ID+"')/appRoleAssignedTo", fields))
}
