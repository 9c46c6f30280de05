package provision

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A user or group that matched nothing says what to try instead.
func TestNotFoundSaysWhatToTry(t *testing.T) {
	ctx := context.Background()
	svc, _ := newFakeGraph(t, map[string]fakeAnswer{
		"GET users?":  {200, `{"value":[]}`},
		"GET groups?": {200, `{"value":[]}`},
		"GET users/":  {404, `{"error":{"code":"Request_ResourceNotFound","message":"Resource does not exist"}}`},
		"GET groups/": {404, `{"error":{"code":"Request_ResourceNotFound","message":"Resource does not exist"}}`},
	})
	const id = "0f8c1e2a-3b4d-4c5e-8f6a-7b8c9d0e1f2a"
	for _, c := range []struct {
		name    string
		resolve func() error
		want    []string
	}{
		{"upn", func() error { _, err := svc.ResolveUser(ctx, "adele@contoso.com"); return err },
			[]string{`no user matches "adele@contoso.com"`, "object id", `domain part "@contoso.com"`, "adele_contoso.com#EXT#@"}},
		{"guest upn", func() error { _, err := svc.ResolveUser(ctx, "adele_fabrikam.com#EXT#@contoso.test"); return err },
			[]string{"object id", `domain part "@contoso.test"`}},
		{"subject", func() error { _, err := svc.resolveUserSubjectID(ctx, "megan@fabrikam.com"); return err },
			[]string{"object id", `"@fabrikam.com"`}},
		{"user id", func() error { _, err := svc.ResolveUser(ctx, id); return err },
			[]string{"no user has this object id", "--tenant"}},
		{"group name", func() error { _, err := svc.ResolveGroup(ctx, "Sale"); return err },
			[]string{`no group matches "Sale"`, "object id", "exact display name"}},
		{"group id", func() error { _, err := svc.ResolveGroup(ctx, id); return err },
			[]string{"no group has this object id"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.resolve()
			var nf *NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("not a NotFoundError: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
	// a guest's UPN is not given a guest example again
	_, err := svc.ResolveUser(ctx, "adele_fabrikam.com#EXT#@contoso.test")
	if strings.Count(err.Error(), "#EXT#") != 1 {
		t.Errorf("%q", err)
	}
}
