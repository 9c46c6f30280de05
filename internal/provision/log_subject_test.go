package provision

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

// --subject of the logs takes a user (id, UPN, DN) or a group (id or
// display name); a name several groups have is a usage error naming
// --subject and the candidates.
func TestResolveLogSubject(t *testing.T) {
	const salesID = "0B9F8E7D-6C5A-4B3C-9D2E-1F0A9B8C7D6E"
	t.Run("group by name", func(t *testing.T) {
		reg, client := graphtest.New(t)
		reg.Register("GET", "groups", graphtest.JSON(200, `{"value":[{"id":"`+salesID+`","displayName":"Sales"}]}`)).
			Query(graphtest.QueryHas("$filter", "displayName eq 'Sales'"))
		id, err := (&Service{Graph: client}).ResolveSubject(context.Background(), "Sales")
		if err != nil || id != strings.ToLower(salesID) {
			t.Errorf("id %q, err %v", id, err)
		}
	})
	t.Run("ambiguous group", func(t *testing.T) {
		reg, client := graphtest.New(t)
		reg.Register("GET", "groups", graphtest.JSON(200, `{"value":[{"id":"a1","displayName":"Sales"},{"id":"b2","displayName":"Sales"}]}`))
		_, err := (&Service{Graph: client}).ResolveSubject(context.Background(), "Sales")
		var amb *AmbiguousError
		if !errors.As(err, &amb) || amb.Flag != "--subject" || len(amb.Candidates) != 2 || !strings.Contains(err.Error(), "b2  Sales") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("no group", func(t *testing.T) {
		reg, client := graphtest.New(t)
		reg.Register("GET", "groups", graphtest.JSON(200, `{"value":[]}`))
		_, err := (&Service{Graph: client}).ResolveSubject(context.Background(), "adele")
		var none *NotFoundError
		if !errors.As(err, &none) || !strings.Contains(err.Error(), `no group matches "adele"`) || !strings.Contains(err.Error(), "user principal name (name@domain)") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("user by UPN", func(t *testing.T) {
		reg, client := graphtest.New(t)
		reg.Register("GET", "users", graphtest.JSON(200, `{"value":[{"id":"c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13","userPrincipalName":"adele@contoso.test"}]}`)).
			Query(graphtest.QueryContains("$filter", "userPrincipalName eq 'adele@contoso.test'"))
		id, err := (&Service{Graph: client}).ResolveSubject(context.Background(), "adele@contoso.test")
		if err != nil || id != "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13" {
			t.Errorf("id %q, err %v", id, err)
		}
	})
	t.Run("ids as given", func(t *testing.T) {
		_, client := graphtest.New(t) // any request fails the test
		for ref, want := range map[string]string{salesID: strings.ToLower(salesID), "CN=Adele Vance,OU=Users,DC=contoso,DC=test": "CN=Adele Vance,OU=Users,DC=contoso,DC=test", "": ""} {
			if id, err := (&Service{Graph: client}).ResolveSubject(context.Background(), ref); err != nil || id != want {
				t.Errorf("%q: id %q, err %v", ref, id, err)
			}
		}
	})
}

func TestCheckLogSubjectRef(t *testing.T) {
	for _, ok := range []string{"", "Sales", "Onboarding Wave", "adele@contoso.test", "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13", "CN=A,DC=contoso,DC=test"} {
		if err := CheckSubjectRef(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"   ", "Sales\x1b[2J", strings.Repeat("x", 300)} {
		var ue *UsageError
		if err := CheckSubjectRef(bad); !errors.As(err, &ue) {
			t.Errorf("%q: err %v, want a usage error", bad, err)
		}
	}
}
