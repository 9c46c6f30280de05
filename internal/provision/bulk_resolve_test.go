package provision

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

func TestResolveUsersBatchesFifteenPerRequest(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 40)
	refs := make([]SubjectRef, 40)
	for i := range refs {
		refs[i] = SubjectRef{Ref: bfUPN(i + 1), Origin: fmt.Sprintf("users.txt:%d", i+1)}
	}
	res, err := svc.ResolveUsers(context.Background(), refs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, l := range f.lookups {
		if l.by != graph.ByUPN {
			t.Errorf("looked up by %s", l.by)
		}
		sizes = append(sizes, len(l.values))
	}
	if !slices.Equal(sizes, []int{15, 15, 10}) || res.Lookups != 3 {
		t.Fatalf("lookups %v (Lookups %d), want [15 15 10]", sizes, res.Lookups)
	}
	if len(res.Subjects) != 40 || len(res.Unknown) != 0 {
		t.Fatalf("%d subjects, %d unknown", len(res.Subjects), len(res.Unknown))
	}
	for i, s := range res.Subjects {
		if s.ID != bfUserID(i+1) || s.Ref != bfUPN(i+1) || s.Origin != fmt.Sprintf("users.txt:%d", i+1) || s.Type != "User" || s.DisplayName != bfUPN(i+1) {
			t.Fatalf("subject %d = %+v", i, s)
		}
	}
}

func TestResolveUsersByKind(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 6)
	const dn = "CN=Adele Vance,OU=Staff,DC=contoso,DC=com"
	refs := []SubjectRef{
		{Ref: "USER01@Contoso.COM", Origin: "a:1"},                       // upn, other case
		{Ref: strings.ToUpper(bfUserID(2)), Origin: "a:2"},               // id, upper case
		{Ref: "U03.MAIL@contoso.com", Kind: "mail", Origin: "a:3"},       // mail
		{Ref: "ghost@contoso.com", Origin: "a:4"},                        // unknown
		{Ref: dn, Origin: "a:5"},                                         // DN: kept as given
		{Ref: bfUserID(1), Origin: "a:6"},                                // user01 again, by id
		{Ref: "nobody.mail@contoso.com", Kind: "mail", Origin: "a:7"},    // unknown
		{Ref: bfUPN(4), Kind: "upn", Origin: "a:8"},                      // explicit kind
		{Ref: "00000000-0000-4000-8000-999999999999", Origin: "a:9"},     // unknown id
		{Ref: strings.ToLower(dn), Origin: "a:10"},                       // the DN again
		{Ref: "u03.mail@contoso.com", Kind: "mail", Origin: "a:11"},      // same mail, lower case
		{Ref: bfUPN(5), Kind: "upn", Origin: "a:12"},                     // plain
		{Ref: "someone'quoted@contoso.com", Kind: "upn", Origin: "a:13"}, // unknown, with a quote
	}
	var notes []string
	res, err := svc.ResolveUsers(context.Background(), refs, func(format string, a ...any) {
		notes = append(notes, fmt.Sprintf(format, a...))
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each kind is looked up by its own property, once, with no DN sent.
	by := map[graph.UserLookup][]string{}
	for _, l := range f.lookups {
		by[l.by] = append(by[l.by], l.values...)
		for _, v := range l.values {
			if strings.HasPrefix(v, "CN=") || strings.HasPrefix(v, "cn=") {
				t.Errorf("a DN was looked up: %q", v)
			}
		}
	}
	if res.Lookups != 3 || len(f.lookups) != 3 {
		t.Errorf("Lookups %d, requests %d, want 3 (id, upn, mail)", res.Lookups, len(f.lookups))
	}
	if got := by[graph.ByID]; len(got) != 3 {
		t.Errorf("ids looked up: %v", got)
	}
	if got := by[graph.ByMail]; len(got) != 2 {
		t.Errorf("mails looked up: %v (the same mail twice is asked once)", got)
	}
	if got := by[graph.ByUPN]; len(got) != 5 {
		t.Errorf("UPNs looked up: %v", got)
	}
	var got []string
	for _, s := range res.Subjects {
		got = append(got, s.ID+" "+s.Origin)
	}
	want := []string{bfUserID(1) + " a:1", bfUserID(2) + " a:2", bfUserID(3) + " a:3", dn + " a:5", bfUserID(4) + " a:8", bfUserID(5) + " a:12"}
	if !slices.Equal(got, want) {
		t.Errorf("subjects\n got %q\nwant %q", got, want)
	}
	for _, s := range res.Subjects {
		if s.ID == dn && (s.Type != "user" || s.DisplayName != dn || s.Ref != dn) {
			t.Errorf("DN subject = %+v", s)
		}
	}
	var unknown []string
	for _, u := range res.Unknown {
		unknown = append(unknown, u.Ref+" "+u.Origin)
	}
	wantUnknown := []string{"ghost@contoso.com a:4", "nobody.mail@contoso.com a:7", "00000000-0000-4000-8000-999999999999 a:9", "someone'quoted@contoso.com a:13"}
	if !slices.Equal(unknown, wantUnknown) {
		t.Errorf("unknown\n got %q\nwant %q", unknown, wantUnknown)
	}
	// Duplicates: user01 by id, the DN in lower case, the mail again.
	if len(notes) != 3 {
		t.Fatalf("notes = %q, want 3", notes)
	}
	for i, origin := range []string{"a:6", "a:10", "a:11"} {
		if !strings.Contains(notes[i], origin) || !strings.Contains(notes[i], "provisioned once") {
			t.Errorf("note %d = %q, want it to name %s", i, notes[i], origin)
		}
	}
	if !strings.Contains(notes[0], "a:1") {
		t.Errorf("note %q does not name the first mention", notes[0])
	}
}

func TestResolveUsersSameUserByUPNAndIDKeptOnce(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 1)
	var notes []string
	res, err := svc.ResolveUsers(context.Background(), []SubjectRef{
		{Ref: bfUserID(1), Origin: "--user"}, {Ref: bfUPN(1), Origin: "users.txt:3"},
	}, func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Subjects) != 1 || res.Subjects[0].Origin != "--user" {
		t.Fatalf("subjects = %+v", res.Subjects)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "users.txt:3") || !strings.Contains(notes[0], "--user") || !strings.Contains(notes[0], "provisioned once") {
		t.Errorf("notes = %q", notes)
	}
	// A nil note function is fine.
	if _, err := svc.ResolveUsers(context.Background(), []SubjectRef{{Ref: bfUserID(1)}, {Ref: bfUPN(1)}}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestResolveUsersLookupErrorIsWrapped(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 20)
	gerr := &graph.Error{StatusCode: http.StatusForbidden, Code: "Authorization_RequestDenied", Message: "Insufficient privileges"}
	f.whereInErr = gerr
	refs := make([]SubjectRef, 20)
	for i := range refs {
		refs[i] = SubjectRef{Ref: bfUPN(i + 1)}
	}
	res, err := svc.ResolveUsers(context.Background(), refs, nil)
	var ge *graph.Error
	if !errors.As(err, &ge) || ge != gerr || res != nil {
		t.Fatalf("err = %v, res %+v; want the graph error wrapped", err, res)
	}
	if !strings.Contains(err.Error(), "look up 15 users by userPrincipalName") {
		t.Errorf("err = %q, want what was looked up", err)
	}
	if len(f.lookups) != 1 {
		t.Errorf("%d lookups after an error, want 1", len(f.lookups))
	}
}

func TestResolveUsersRefusesBadReferences(t *testing.T) {
	svc, f := newBulkFake(t)
	for _, tc := range []SubjectRef{
		{Ref: "a@contoso.com", Kind: "phone", Origin: "x:1"},
		{Ref: "a\x01@contoso.com", Origin: "x:2"},
	} {
		_, err := svc.ResolveUsers(context.Background(), []SubjectRef{tc}, nil)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.Origin) {
			t.Errorf("%+v: err = %v, want a usage error naming the origin", tc, err)
		}
	}
	if len(f.lookups) != 0 {
		t.Errorf("bad references were looked up: %+v", f.lookups)
	}
}

func TestGroupUserRefsListsTransitiveUsers(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 4)
	f.groups["11111111-1111-4111-8111-111111111111"] = &bfGroup{id: "11111111-1111-4111-8111-111111111111", name: "Sales",
		users: []string{bfUserID(1), bfUserID(2)}, groups: []string{"22222222-2222-4222-8222-222222222222"}}
	f.groups["22222222-2222-4222-8222-222222222222"] = &bfGroup{id: "22222222-2222-4222-8222-222222222222", name: "Sales EU",
		users: []string{bfUserID(3)}}
	subs, g, err := svc.GroupUserRefs(context.Background(), "Sales")
	if err != nil {
		t.Fatal(err)
	}
	if g.DisplayName != "Sales" || len(subs) != 3 {
		t.Fatalf("group %+v, subjects %+v", g, subs)
	}
	for i, s := range subs {
		if s.ID != bfUserID(i+1) || s.Origin != "--members-of Sales" || s.Ref != bfUPN(i+1) || s.Type != "User" {
			t.Errorf("subject %d = %+v", i, s)
		}
	}
	if !slices.Equal(f.groupReads, []string{"11111111-1111-4111-8111-111111111111 transitive=true"}) {
		t.Errorf("group reads = %q", f.groupReads)
	}
}
