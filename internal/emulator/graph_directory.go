package emulator

import (
	"fmt"
	"net/http"

	"github.com/provctl/provctl/internal/emulator/odata"
	"github.com/provctl/provctl/internal/emulator/tenant"
)

var userFilter = odata.Fields{
	"id":                {"eq"},
	"userprincipalname": {"eq", "startswith"},
	"displayname":       {"eq", "startswith"},
	"mail":              {"eq", "startswith"},
}

var groupFilter = odata.Fields{
	"id":           {"eq"},
	"displayname":  {"eq", "startswith"},
	"mailnickname": {"eq", "startswith"},
}

// userJSON is a user resource with Graph's default properties.
func userJSON(u *tenant.User) map[string]any {
	return map[string]any{
		"id":                u.ID,
		"businessPhones":    []string{},
		"displayName":       u.DisplayName,
		"givenName":         nullable(u.GivenName),
		"jobTitle":          nullable(u.JobTitle),
		"mail":              nullable(u.Mail),
		"mobilePhone":       nil,
		"officeLocation":    nil,
		"preferredLanguage": "en-US",
		"surname":           nullable(u.Surname),
		"userPrincipalName": u.UserPrincipalName,
	}
}

func groupJSON(g *tenant.Group) map[string]any {
	return map[string]any{
		"id":              g.ID,
		"deletedDateTime": nil,
		"description":     nullable(g.Description),
		"displayName":     g.DisplayName,
		"groupTypes":      []string{},
		"mail":            nil,
		"mailEnabled":     false,
		"mailNickname":    g.MailNick,
		"securityEnabled": true,
	}
}

// nullable renders "" as JSON null, as Graph does for unset properties.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (g *graphReq) notFoundObject(id string) {
	g.fail(http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
}

func (g *graphReq) listUsers() {
	var all []map[string]any
	for _, u := range g.s.dir.Users() {
		all = append(all, userJSON(u))
	}
	g.listDirectoryObjects(all, userJSON(&tenant.User{}), userFilter, "User", "user", "users")
}

func (g *graphReq) listGroups() {
	var all []map[string]any
	for _, grp := range g.s.dir.Groups() {
		all = append(all, groupJSON(grp))
	}
	g.listDirectoryObjects(all, groupJSON(&tenant.Group{}), groupFilter, "Group", "group", "groups")
}

// listDirectoryObjects filters, projects and pages a directory collection.
// resource names the type in filter errors ("User"), typeName in $select
// errors ("user").
func (g *graphReq) listDirectoryObjects(all []map[string]any, sample map[string]any, allowed odata.Fields, resource, typeName, entitySet string) {
	filter, ok := g.parseFilterFor(allowed, resource, "Request_UnsupportedQuery")
	if !ok {
		return
	}
	page, ok := g.pageParams(100, 999)
	if !ok {
		return
	}
	fields, ok := g.selectFields(sample, typeName)
	if !ok {
		return
	}
	items := []map[string]any{}
	for _, item := range all {
		if filter == nil || filter.Eval(odata.MapGetter(item)) {
			items = append(items, odata.Project(item, fields))
		}
	}
	g.writePage(items, page, odata.SelectContext(entitySet, fields))
}

// getUser answers users/{id | userPrincipalName}.
func (g *graphReq) getUser(key string) {
	u := g.s.dir.FindUser(key)
	if u == nil {
		g.notFoundObject(key)
		return
	}
	g.writeEntity(userJSON(u), "user", "users")
}

// getMe answers /me for delegated tokens.
func (g *graphReq) getMe() {
	if !g.caller.delegated {
		g.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	g.getUser(g.caller.oid)
}

func (g *graphReq) getGroup(id string) {
	grp := g.s.dir.FindGroup(id)
	if grp == nil {
		g.notFoundObject(id)
		return
	}
	g.writeEntity(groupJSON(grp), "group", "groups")
}

// writeEntity answers one entity with $select applied.
func (g *graphReq) writeEntity(item map[string]any, typeName, entitySet string) {
	fields, ok := g.selectFields(item, typeName)
	if !ok {
		return
	}
	out := odata.Project(item, fields)
	out["@odata.context"] = g.odataContext(odata.SelectContext(entitySet, fields) + "/$entity")
	g.json(http.StatusOK, out)
}

// listGroupMembers answers groups/{id}/members: directoryObjects, each with
// its @odata.type.
func (g *graphReq) listGroupMembers(id string) {
	grp, users := g.s.dir.GroupMembers(id)
	var members []map[string]any
	for _, u := range users {
		item := userJSON(u)
		item["@odata.type"] = "#microsoft.graph.user"
		members = append(members, item)
	}
	if grp == nil {
		g.notFoundObject(id)
		return
	}
	page, ok := g.pageParams(100, 999)
	if !ok {
		return
	}
	if members == nil {
		members = []map[string]any{}
	}
	g.writePage(members, page, "directoryObjects")
}
