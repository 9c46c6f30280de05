package graph

import (
	"context"
	"net/url"
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
