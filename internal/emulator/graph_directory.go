package emulator

import (
	"fmt"
	"net/http"

	"github.com/provctl/provctl/internal/emulator/odata"
	"github.com/provctl/provctl/internal/emulator/tenant"
)

// userFilter and groupFilter list what $filter may use on users and groups
// without ConsistencyLevel: eventual. `in` takes at most odata.MaxOrClauses
// values, like or-chains (parseFilterFor).
var userFilter = odata.Fields{
	"id":                {"eq", "in"},
	"userprincipalname": {"eq", "startswith", "in"},
	"displayname":       {"eq", "startswith", "in"},
	"mail":              {"eq", "startswith", "in"},
}

var groupFilter = odata.Fields{
	"id":           {"eq", "in"},
	"displayname":  {"eq", "startswith", "in"},
	"mailnickname": {"eq", "startswith", "in"},
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

// memberJSON is a group member as a directoryObject: its type's default
// properties and its @odata.type.
func memberJSON(m tenant.Member) map[string]any {
	if m.User != nil {
		item := userJSON(m.User)
		item["@odata.type"] = "#microsoft.graph.user"
		return item
	}
	item := groupJSON(m.Group)
	item["@odata.type"] = "#microsoft.graph.group"
	return item
}

// directoryObjectSample holds every property $select may name on a
// directoryObject collection: those of users and of groups.
func directoryObjectSample() map[string]any {
	sample := userJSON(&tenant.User{})
	for k, v := range groupJSON(&tenant.Group{}) {
		sample[k] = v
	}
	return sample
}

// listGroupMembers answers groups/{id}/members and, with transitive,
// groups/{id}/transitiveMembers: directoryObjects (users and groups), each
// with its @odata.type. $select keeps id and @odata.type, and leaves out
// what an object's type does not have.
func (g *graphReq) listGroupMembers(id string, transitive bool) {
	grp, members := g.s.dir.GroupMembers(id, transitive)
	if grp == nil {
		g.notFoundObject(id)
		return
	}
	if !g.noFilter() {
		return
	}
	page, ok := g.pageParams(100, 999)
	if !ok {
		return
	}
	fields, ok := g.selectFields(directoryObjectSample(), "directoryObject")
	if !ok {
		return
	}
	items := []map[string]any{}
	for _, m := range members {
		item := memberJSON(m)
		if fields != nil {
			out := map[string]any{"id": item["id"], "@odata.type": item["@odata.type"]}
			for _, f := range fields {
				if v, has := item[f]; has {
					out[f] = v
				}
			}
			item = out
		}
		items = append(items, item)
	}
	g.writePage(items, page, odata.SelectContext("directoryObjects", fields))
}
