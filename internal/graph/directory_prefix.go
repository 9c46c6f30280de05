package graph

import (
	"context"
	"net/url"
	"strconv"
)

// Prefix searches for shell completion: a few users or groups whose
// user principal name or display name starts with what was typed. Plain
// startswith on these properties needs no ConsistencyLevel header.

// UsersByUPNPrefix lists the users whose user principal name starts with
// prefix (all users when it is empty), at most limit.
func (c *Client) UsersByUPNPrefix(ctx context.Context, prefix string, limit int) ([]DirectoryObject, error) {
	q := url.Values{"$select": {userSelect}, "$top": {pageFor(limit)}}
	if prefix != "" {
		q.Set("$filter", "startswith(userPrincipalName,"+QuoteODataString(prefix)+")")
	}
	return List[DirectoryObject](ctx, c, "users", q, nil, limit)
}

// GroupsByNamePrefix lists the groups whose display name starts with
// prefix (all groups when it is empty), at most limit.
func (c *Client) GroupsByNamePrefix(ctx context.Context, prefix string, limit int) ([]DirectoryObject, error) {
	q := url.Values{"$select": {"id,displayName"}, "$top": {pageFor(limit)}}
	if prefix != "" {
		q.Set("$filter", "startswith(displayName,"+QuoteODataString(prefix)+")")
	}
	return List[DirectoryObject](ctx, c, "groups", q, nil, limit)
}

// pageFor is the $top that reads limit items in one page (Graph's own
// default of 100 when there is no limit).
func pageFor(limit int) string {
	if limit <= 0 || limit > 999 {
		return "100"
	}
	return strconv.Itoa(limit)
}
