package provision

import (
	"context"
	"fmt"
	"net/http"
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
	if IsGUID(ref) {
		u, err := s.Graph.GetUser(ctx, ref)
		if graph.IsStatus(err, http.StatusNotFound) {
			return nil, userNotFound(ref)
		}
		if err != nil {
			return nil, fmt.Errorf("look up user %s: %w", ref, err)
		}
		return u, nil
	}
	users, err := s.Graph.UsersByUPN(ctx, ref, 2)
	if err != nil {
		return nil, fmt.Errorf("look up user %s: %w", ref, err)
	}
	if len(users) == 0 {
		return nil, userNotFound(ref)
	}
	return &users[0], nil
}

// resolveUserSubjectID turns --subject into the object id the logs filter on:
// a UPN is looked up, anything else (object id, AD distinguished name) is
// used as given.
func (s *Service) resolveUserSubjectID(ctx context.Context, ref string) (string, error) {
	if ref == "" || IsGUID(ref) || IsDistinguishedName(ref) || !strings.Contains(ref, "@") {
		return filterID(ref), nil
	}
	u, err := s.ResolveUser(ctx, ref)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// CheckUserRef validates a --user or --member value before anything is sent.
func CheckUserRef(ref string) error {
	if !IsGUID(ref) && !strings.Contains(ref, "@") && !IsDistinguishedName(ref) {
		return usagef("invalid user %q: give an object id, a user principal name (name@domain), or for cloud sync an AD distinguished name (CN=…,DC=…)", graph.Clip(ref))
	}
	return CheckFilterValue("user", ref)
}

// checkUserSubjectRef validates --subject (a user by object id, UPN or AD
// distinguished name, or a group by object id) before anything is sent.
func checkUserSubjectRef(ref string) error {
	if ref == "" {
		return nil
	}
	if !IsGUID(ref) && !strings.Contains(ref, "@") && !IsDistinguishedName(ref) {
		return usagef("invalid --subject %q: give an object id, a user principal name (name@domain) or an AD distinguished name (CN=…,DC=…)", graph.Clip(ref))
	}
	return CheckFilterValue("subject", ref)
}

// CheckJobRef validates --job: a job id (BoxOutDelta.<hex>.<guid>, with or
// without "apply.") or a template id. Graph's job ids are letters, digits,
// dots, dashes and underscores; anything else never names a job.
func CheckJobRef(ref string) error {
	if err := checkID("job id", ref); err != nil {
		return err
	}
	for _, r := range ref {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return usagef("invalid job id %q: it contains %q; job ids are letters, digits, '.', '-' and '_'", graph.Clip(ref), r)
		}
	}
	return nil
}

// IsDistinguishedName reports whether ref is an AD distinguished name, the
// subject id of AD → Entra ID cloud sync (CN=Adele Vance,OU=Users,DC=contoso,DC=com).
func IsDistinguishedName(ref string) bool {
	u := strings.ToUpper(ref)
	return strings.HasPrefix(u, "CN=") && strings.Contains(u, ",DC=")
}

// ResolveGroup turns --group (an object id or an exact display name) into a group.
func (s *Service) ResolveGroup(ctx context.Context, ref string) (*graph.DirectoryObject, error) {
	ref = strings.TrimSpace(ref)
	if IsGUID(ref) {
		g, err := s.Graph.GetGroup(ctx, ref)
		if graph.IsStatus(err, http.StatusNotFound) {
			return nil, groupNotFound(ref)
		}
		if err != nil {
			return nil, fmt.Errorf("look up group %s: %w", ref, err)
		}
		return g, nil
	}
	if err := CheckGroupRef(ref); err != nil {
		return nil, err
	}
	groups, err := s.Graph.GroupsByName(ctx, ref, 20)
	if err != nil {
		return nil, fmt.Errorf("look up group %q: %w", ref, err)
	}
	switch len(groups) {
	case 0:
		return nil, groupNotFound(ref)
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
	schema, err := s.Graph.GetSchema(ctx, spID, jobID)
	if err != nil {
		return nil, fmt.Errorf("read schema of job %s: %w", jobID, err)
	}
	return schema.SynchronizationRules, nil
}

// PickRule chooses the rule whose object mappings take objectType (User or
// Group) from the source. Several candidates are ambiguous: ask for --rule.
// Rules without an id (Microsoft's schema example has such) cannot be sent
// as a ruleId, so they are never picked; when only they fit, the user must
// name the rule with --rule.
func PickRule(rules []Rule, objectType string) (string, error) {
	var match, idless []int // positions in rules
	for i, r := range rules {
		switch {
		case !takesObjectType(r, objectType):
		case r.RuleID() == "":
			idless = append(idless, i)
		default:
			match = append(match, i)
		}
	}
	if len(match) == 0 && len(idless) == 0 && len(rules) == 1 && len(rules[0].ObjectMappings) == 0 {
		// One rule that says nothing of what it maps: the only choice. A
		// rule that maps another type would only draw Graph's refusal.
		if rules[0].RuleID() == "" {
			idless = []int{0}
		} else {
			match = []int{0}
		}
	}
	switch {
	case len(match) == 1:
		return rules[match[0]].RuleID(), nil
	case len(match) == 0 && len(idless) > 0:
		names := make([]string, len(idless))
		for i, pos := range idless {
			names[i] = RuleLabel(rules[pos], pos)
		}
		return "", usagef("the job schema's rule for %s, %s, has no id to send: pass the rule id with --rule", objectType, strings.Join(names, ", "))
	case len(match) == 0:
		return "", &NotFoundError{Kind: "synchronization rule", Ref: objectType, Hint: "no rule maps this object type; list them with `provctl job rules` and pass --rule"}
	}
	c := make([]string, len(match))
	for i, pos := range match {
		r := rules[pos]
		c[i] = fmt.Sprintf("%s  %s (%s → %s)", r.RuleID(), r.Name, r.SourceDirectoryName, r.TargetDirectoryName)
	}
	return "", &AmbiguousError{Kind: "rule for " + objectType, Ref: objectType, Flag: "--rule", Candidates: c}
}

func takesObjectType(r Rule, objectType string) bool {
	for _, m := range r.ObjectMappings {
		if strings.EqualFold(m.SourceObjectName, objectType) {
			return true
		}
	}
	return false
}

// RuleLabel names the rule at index i of a schema for people: its name and
// 1-based position, e.g. `"USER_TO_USER" (rule 1)`.
func RuleLabel(r Rule, i int) string {
	name := r.Name
	if name == "" {
		name = "unnamed"
	}
	return fmt.Sprintf("%q (rule %d)", name, i+1)
}

// Rule is a synchronization rule of a job schema.
type Rule = graph.SynchronizationRule
