package provision

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// ResolveUser turns --user (an object id or a user principal name) into a
// user. A UPN is looked up with a quoted $filter, so names with ' or a
// leading $ (valid in UPNs) never reach a URL path.
func (s *Service) ResolveUser(ctx context.Context, ref string) (*graph.DirectoryObject, error) {
	ref = strings.TrimSpace(ref)
	if err := CheckUserRef(ref); err != nil {
		return nil, err
	}
	sel := url.Values{"$select": {"id,displayName,userPrincipalName"}}
	if IsGUID(ref) {
		var u graph.DirectoryObject
		err := s.Graph.Get(ctx, graph.Path("users", ref), sel, &u)
		if isNotFound(err) {
			return nil, &NotFoundError{Kind: "user", Ref: ref}
		}
		if err != nil {
			return nil, fmt.Errorf("look up user %s: %w", ref, err)
		}
		return &u, nil
	}
	sel.Set("$filter", "userPrincipalName eq "+graph.QuoteODataString(ref))
	users, err := graph.List[graph.DirectoryObject](ctx, s.Graph, "users", sel, nil, 2)
	if err != nil {
		return nil, fmt.Errorf("look up user %s: %w", ref, err)
	}
	if len(users) == 0 {
		return nil, &NotFoundError{Kind: "user", Ref: ref}
	}
	return &users[0], nil
}

// ResolveSubjectID turns --subject into the object id the logs filter on:
// a UPN is looked up, anything else (object id, AD distinguished name) is
// used as given.
func (s *Service) ResolveSubjectID(ctx context.Context, ref string) (string, error) {
	if ref == "" || IsGUID(ref) || !strings.Contains(ref, "@") {
		return ref, nil
	}
	u, err := s.ResolveUser(ctx, ref)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// CheckUserRef validates a --user or --member value before anything is sent.
func CheckUserRef(ref string) error {
	if !IsGUID(ref) && !strings.Contains(ref, "@") {
		return usagef("invalid user %q: give an object id or a user principal name (name@domain)", ref)
	}
	return CheckFilterValue("user", ref)
}

// ResolveGroup turns --group (an object id or an exact display name) into a group.
func (s *Service) ResolveGroup(ctx context.Context, ref string) (*graph.DirectoryObject, error) {
	ref = strings.TrimSpace(ref)
	if IsGUID(ref) {
		var g graph.DirectoryObject
		err := s.Graph.Get(ctx, graph.Path("groups", ref), url.Values{"$select": {"id,displayName"}}, &g)
		if isNotFound(err) {
			return nil, &NotFoundError{Kind: "group", Ref: ref}
		}
		if err != nil {
			return nil, fmt.Errorf("look up group %s: %w", ref, err)
		}
		return &g, nil
	}
	if err := CheckGroupRef(ref); err != nil {
		return nil, err
	}
	q := url.Values{"$filter": {"displayName eq " + graph.QuoteODataString(ref)}, "$select": {"id,displayName"}}
	groups, err := graph.List[graph.DirectoryObject](ctx, s.Graph, "groups", q, nil, 20)
	if err != nil {
		return nil, fmt.Errorf("look up group %q: %w", ref, err)
	}
	switch len(groups) {
	case 0:
		return nil, &NotFoundError{Kind: "group", Ref: ref}
	case 1:
		return &groups[0], nil
	}
	c := make([]string, len(groups))
	for i, g := range groups {
		c[i] = g.ID + "  " + g.DisplayName
	}
	return nil, &AmbiguousError{Kind: "group", Ref: ref, Flag: "--group", Candidates: c}
}

// CheckGroupRef validates --group before anything is sent.
func CheckGroupRef(ref string) error {
	if strings.TrimSpace(ref) == "" {
		return usagef("--group is empty")
	}
	return checkName("group", ref)
}

// Rules reads the rules of a job's schema: their ids are what --rule takes.
func (s *Service) Rules(ctx context.Context, spID, jobID string) ([]Rule, error) {
	if err := checkID("service principal id", spID); err != nil {
		return nil, err
	}
	if err := checkID("job id", jobID); err != nil {
		return nil, err
	}
	var schema graph.Schema
	if err := s.Graph.Get(ctx, syncPath(spID, "jobs", jobID, "schema"), nil, &schema); err != nil {
		return nil, fmt.Errorf("read schema of job %s: %w", jobID, err)
	}
	return schema.SynchronizationRules, nil
}

// PickRule chooses the rule whose object mappings take objectType (User or
// Group) from the source. Several candidates are ambiguous: ask for --rule.
func PickRule(rules []Rule, objectType string) (string, error) {
	var match []Rule
	for _, r := range rules {
		for _, m := range r.ObjectMappings {
			if strings.EqualFold(m.SourceObjectName, objectType) {
				match = append(match, r)
				break
			}
		}
	}
	switch len(match) {
	case 1:
		return match[0].ID, nil
	case 0:
		if len(rules) == 1 {
			return rules[0].ID, nil
		}
		return "", &NotFoundError{Kind: "synchronization rule", Ref: objectType, Hint: "no rule maps this object type; list them with `provctl job rules` and pass --rule"}
	}
	c := make([]string, len(match))
	for i, r := range match {
		c[i] = fmt.Sprintf("%s  %s (%s → %s)", r.ID, r.Name, r.SourceDirectoryName, r.TargetDirectoryName)
	}
	return "", &AmbiguousError{Kind: "rule for " + objectType, Ref: objectType, Flag: "--rule", Candidates: c}
}

// Rule is a synchronization rule of a job schema.
type Rule = graph.SynchronizationRule
