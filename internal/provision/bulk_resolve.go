package provision

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// ResolvedUsers are the users of a run, resolved in bulk.
type ResolvedUsers struct {
	Subjects []RunSubject // in the order given, each user once
	Unknown  []SubjectRef // not in the directory
	Lookups  int          // directory requests sent
}

// refKind is the lookup a reference needs: "id", "upn", "mail" or "dn".
func refKind(r SubjectRef) string {
	switch {
	case r.Kind != "":
		return r.Kind
	case IsGUID(r.Ref):
		return "id"
	case IsDistinguishedName(r.Ref):
		return "dn"
	}
	return "upn"
}

var lookupBy = map[string]graph.UserLookup{"id": graph.ByID, "upn": graph.ByUPN, "mail": graph.ByMail}

// ResolveUsers turns many user references into users with few requests:
// object ids, UPNs and mails are each looked up graph.MaxInValues at a
// time (`in` filters), so 100 users cost about 7 requests, not 100.
// Distinguished names (cloud sync) are not in Entra ID and are kept as
// given. The same user given twice is kept once, with a note.
func (s *Service) ResolveUsers(ctx context.Context, refs []SubjectRef, note func(string, ...any)) (*ResolvedUsers, error) {
	out := &ResolvedUsers{}
	byKind := map[string][]string{}
	queued := map[string]bool{}
	for _, r := range refs {
		k := refKind(r)
		if k == "dn" {
			continue
		}
		if _, ok := lookupBy[k]; !ok {
			return nil, usagef("%s: unknown kind of user reference %q", r.Origin, k)
		}
		if err := CheckFilterValue("user", r.Ref); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Origin, err)
		}
		key := k + "\x00" + strings.ToLower(r.Ref)
		if !queued[key] {
			queued[key] = true
			byKind[k] = append(byKind[k], r.Ref)
		}
	}
	found := map[string]*graph.DirectoryObject{} // kind + lower-case value → user
	for _, k := range []string{"id", "upn", "mail"} {
		values := byKind[k]
		for start := 0; start < len(values); start += graph.MaxInValues {
			chunk := values[start:min(start+graph.MaxInValues, len(values))]
			users, err := s.Graph.UsersWhereIn(ctx, lookupBy[k], chunk)
			out.Lookups++
			if err != nil {
				return nil, fmt.Errorf("look up %d users by %s: %w", len(chunk), lookupBy[k], err)
			}
			for i := range users {
				u := &users[i]
				found[k+"\x00"+strings.ToLower(lookupValue(k, u))] = u
			}
		}
	}
	seen := map[string]string{} // lower-case object id → origin of its first mention
	for _, r := range refs {
		var subj RunSubject
		if k := refKind(r); k == "dn" {
			subj = RunSubject{ID: r.Ref, DisplayName: r.Ref, Type: "user"}
		} else {
			u := found[k+"\x00"+strings.ToLower(r.Ref)]
			if u == nil {
				out.Unknown = append(out.Unknown, r)
				continue
			}
			subj = RunSubject{ID: u.ID, DisplayName: cmp.Or(u.UserPrincipalName, u.DisplayName, u.ID), Type: "User"}
		}
		subj.Ref, subj.Origin = r.Ref, r.Origin
		key := strings.ToLower(subj.ID)
		if first, dup := seen[key]; dup {
			if note != nil {
				note("%s (%s) is given more than once (first as %s): provisioned once", r.Ref, r.Origin, first)
			}
			continue
		}
		seen[key] = r.Ref + ", " + r.Origin
		out.Subjects = append(out.Subjects, subj)
	}
	return out, nil
}

func lookupValue(kind string, u *graph.DirectoryObject) string {
	switch kind {
	case "upn":
		return u.UserPrincipalName
	case "mail":
		return u.Mail
	}
	return u.ID
}

// GroupUserRefs lists the users of a group (transitive: members of nested
// groups too) as references already resolved, for --members-of.
func (s *Service) GroupUserRefs(ctx context.Context, ref string) ([]RunSubject, *graph.DirectoryObject, error) {
	g, err := s.ResolveGroup(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.Graph.GroupUsers(ctx, g.ID, true)
	if err != nil {
		return nil, nil, fmt.Errorf("list the members of group %s: %w", g.DisplayName, err)
	}
	out := make([]RunSubject, 0, len(users))
	origin := "--members-of " + cmp.Or(g.DisplayName, g.ID)
	for _, u := range users {
		if err := checkID("user id", u.ID); err != nil {
			return nil, nil, fmt.Errorf("group %s lists a member with an unusable id: %w", g.DisplayName, err)
		}
		name := cmp.Or(u.UserPrincipalName, u.DisplayName, u.ID)
		out = append(out, RunSubject{ID: u.ID, DisplayName: name, Type: "User", Ref: name, Origin: origin})
	}
	return out, g, nil
}
