package graph

import (
	"context"
	"net/http"
	"testing"
)

// The prefix searches send one quoted startswith filter and ask for no
// more than they keep.
func TestDirectoryPrefixRequests(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, want string
		call       func(c *Client) error
	}{
		{"users", "GET /beta/users?$filter=startswith%28userPrincipalName%2C%27o%27%27b%27%29&$select=id%2CdisplayName%2CuserPrincipalName&$top=20",
			func(c *Client) error { _, err := c.UsersByUPNPrefix(ctx, "o'b", 20); return err }},
		{"users, no prefix", "GET /beta/users?$select=id%2CdisplayName%2CuserPrincipalName&$top=5",
			func(c *Client) error { _, err := c.UsersByUPNPrefix(ctx, "", 5); return err }},
		{"groups", "GET /beta/groups?$filter=startswith%28displayName%2C%27Sales%27%27%27%29&$select=id%2CdisplayName&$top=20",
			func(c *Client) error { _, err := c.GroupsByNamePrefix(ctx, "Sales'", 20); return err }},
		{"groups, no limit", "GET /beta/groups?$select=id%2CdisplayName&$top=100",
			func(c *Client) error { _, err := c.GroupsByNamePrefix(ctx, "", 0); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, rec := newWireServer(t, http.StatusOK, nil, `{"value":[]}`)
			client.APIVersion = "beta"
			if err := c.call(client); err != nil {
				t.Fatal(err)
			}
			if got := rec.only(t).line; got != c.want {
				t.Errorf("sent  %s\nwant %s", got, c.want)
			}
		})
	}
}
