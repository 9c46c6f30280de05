package graph

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// The directory endpoints provctl reads: service principals, users and
// groups, by object id (a path segment the caller validated) or by a
// $filter whose string literals are quoted here (QuoteODataString).

// GetServicePrincipal reads a service principal by object id.
func (c *Client) GetServicePrincipal(ctx context.Context, id string) (*ServicePrincipal, error) {
	var sp ServicePrincipal
	if err := c.Get(ctx, Path("servicePrincipals", id), url.Values{"$select": {"id,appId,displayName"}}, &sp); err != nil {
		return nil, err
	}
	return &sp, nil
}

// ServicePrincipalsByAppID lists the service principals of an application
// (appId eq …), at most limit (<= 0: all).
func (c *Client) ServicePrincipalsByAppID(ctx context.Context, appID string, limit int) ([]ServicePrincipal, error) {
	return c.listServicePrincipals(ctx, "appId eq "+QuoteODataString(appID), limit)
}

// ServicePrincipalsByName lists the service principals whose display name
// is name (displayName eq …), at most limit (<= 0: all).
func (c *Client) ServicePrincipalsByName(ctx context.Context, name string, limit int) ([]ServicePrincipal, error) {
	return c.listServicePrincipals(ctx, "displayName eq "+QuoteODataString(name), limit)
}

// ServicePrincipalsByPrefix lists the service principals whose display
// name starts with prefix (startswith(displayName,…)), or all of them when
// prefix is empty, at most limit (<= 0: all).
func (c *Client) ServicePrincipalsByPrefix(ctx context.Context, prefix string, limit int) ([]ServicePrincipal, error) {
	filter := ""
	if prefix != "" {
		filter = "startswith(displayName," + QuoteODataString(prefix) + ")"
	}
	return c.listServicePrincipals(ctx, filter, limit)
}

func (c *Client) listServicePrincipals(ctx context.Context, filter string, limit int) ([]ServicePrincipal, error) {
	q := url.Values{"$select": {"id,appId,displayName,tags"}, "$top": {"100"}}
	if filter != "" {
		q.Set("$filter", filter)
	}
	return List[ServicePrincipal](ctx, c, "servicePrincipals", q, nil, limit)
}

// userSelect is what provctl reads of a user.
const userSelect = "id,displayName,userPrincipalName"

// GetUser reads a user by object id.
func (c *Client) GetUser(ctx context.Context, id string) (*DirectoryObject, error) {
	var u DirectoryObject
	if err := c.Get(ctx, Path("users", id), url.Values{"$select": {userSelect}}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// UsersByUPN lists the users whose user principal name is upn (a quoted
// $filter, so a UPN with ' or a leading $ never reaches a URL path), at
// most limit (<= 0: all).
func (c *Client) UsersByUPN(ctx context.Context, upn string, limit int) ([]DirectoryObject, error) {
	q := url.Values{"$select": {userSelect}, "$filter": {"userPrincipalName eq " + QuoteODataString(upn)}}
	return List[DirectoryObject](ctx, c, "users", q, nil, limit)
}

// GetGroup reads a group by object id.
func (c *Client) GetGroup(ctx context.Context, id string) (*DirectoryObject, error) {
	var g DirectoryObject
	if err := c.Get(ctx, Path("groups", id), url.Values{"$select": {"id,displayName"}}, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// GroupsByName lists the groups whose display name is name, at most limit
// (<= 0: all).
func (c *Client) GroupsByName(ctx context.Context, name string, limit int) ([]DirectoryObject, error) {
	q := url.Values{"$filter": {"displayName eq " + QuoteODataString(name)}, "$select": {"id,displayName"}}
	return List[DirectoryObject](ctx, c, "groups", q, nil, limit)
}

// MaxInValues is how many values Graph accepts in one `in` filter clause.
const MaxInValues = 15

// UserLookup is a property users can be looked up by in bulk.
type UserLookup string

// The properties UsersWhereIn accepts.
const (
	ByID   UserLookup = "id"
	ByUPN  UserLookup = "userPrincipalName"
	ByMail UserLookup = "mail"
)

// UsersWhereIn lists the users whose property is one of values (at most
// MaxInValues, each quoted): one request for up to 15 users.
func (c *Client) UsersWhereIn(ctx context.Context, by UserLookup, values []string) ([]DirectoryObject, error) {
	switch by {
	case ByID, ByUPN, ByMail:
	default:
		return nil, fmt.Errorf("users cannot be looked up by %q", by)
	}
	if len(values) == 0 || len(values) > MaxInValues {
		return nil, fmt.Errorf("look up 1 to %d users per request, not %d", MaxInValues, len(values))
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = QuoteODataString(v)
	}
	q := url.Values{
		"$select": {userSelect + ",mail"},
		"$filter": {string(by) + " in (" + strings.Join(quoted, ",") + ")"},
		"$top":    {"999"},
	}
	return List[DirectoryObject](ctx, c, "users", q, nil, 0)
}

// GroupUsers lists the users among a group's members; transitive includes
// the members of nested groups. Members of other types (groups, devices,
// service principals) are left out here by their @odata.type, so no OData
// cast, which needs advanced-query headers, is sent.
func (c *Client) GroupUsers(ctx context.Context, groupID string, transitive bool) ([]DirectoryObject, error) {
	rel := "members"
	if transitive {
		rel = "transitiveMembers"
	}
	q := url.Values{"$select": {userSelect}, "$top": {"999"}}
	all, err := List[DirectoryObject](ctx, c, Path("groups", groupID, rel), q, nil, 0)
	if err != nil {
		return nil, err
	}
	users := all[:0]
	for _, m := range all {
		if strings.EqualFold(m.ODataType, "#microsoft.graph.user") {
			users = append(users, m)
		}
	}
	return users, nil
}

// AppRoleAssignedTo lists who is assigned to a service principal's app:
// users and groups (appRoleAssignment.principalType).
func (c *Client) AppRoleAssignedTo(ctx context.Context, spID string) ([]AppRoleAssignment, error) {
	q := url.Values{"$select": {"id,principalId,principalType,principalDisplayName"}, "$top": {"999"}}
	return List[AppRoleAssignment](ctx, c, Path("servicePrincipals", spID, "appRoleAssignedTo"), q, nil, 0)
}
