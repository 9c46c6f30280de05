package provision

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s looks like an object id or appId.
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// ResolveServicePrincipal turns --sp (object id, appId or display name)
// into a service principal: a GUID is tried as object id, then as appId; a
// name matches exactly (case-insensitive) first, then by prefix.
func (s *Service) ResolveServicePrincipal(ctx context.Context, ref string) (*graph.ServicePrincipal, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, usagef("--sp is required: a service principal object id, appId or display name (see `provctl sp list`)")
	}
	if IsGUID(ref) {
		sp, err := s.Graph.GetServicePrincipal(ctx, ref)
		if err == nil {
			return sp, nil
		}
		if !graph.IsStatus(err, http.StatusNotFound) {
			return nil, err
		}
		list, err := s.Graph.ServicePrincipalsByAppID(ctx, ref, findLimit)
		if err != nil {
			return nil, listSPsError(err)
		}
		if len(list) == 1 {
			return &list[0], nil
		}
		return nil, &NotFoundError{Kind: "service principal", Ref: ref, Hint: "it is neither an object id nor an appId in this tenant"}
	}
	if err := checkName("service principal", ref); err != nil {
		return nil, err
	}
	exact, err := s.Graph.ServicePrincipalsByName(ctx, ref, findLimit)
	if err != nil {
		return nil, listSPsError(err)
	}
	if len(exact) == 1 {
		return &exact[0], nil
	}
	if len(exact) > 1 {
		return nil, ambiguousSPs(ref, exact)
	}
	prefix, err := s.Graph.ServicePrincipalsByPrefix(ctx, ref, findLimit)
	if err != nil {
		return nil, listSPsError(err)
	}
	switch len(prefix) {
	case 0:
		return nil, &NotFoundError{Kind: "service principal", Ref: ref, Hint: "list them with `provctl sp list --name <prefix>`"}
	case 1:
		return &prefix[0], nil
	}
	return nil, ambiguousSPs(ref, prefix)
}

// FindServicePrincipals lists service principals, filtered by a display-name
// prefix when name is not empty.
func (s *Service) FindServicePrincipals(ctx context.Context, name string, limit int) ([]graph.ServicePrincipal, error) {
	if name != "" {
		if err := checkName("service principal", name); err != nil {
			return nil, err
		}
	}
	list, err := s.Graph.ServicePrincipalsByPrefix(ctx, name, limit)
	if err != nil {
		return nil, listSPsError(err)
	}
	return list, nil
}

// findLimit bounds the service principals one name lookup reads.
const findLimit = 50

func listSPsError(err error) error { return fmt.Errorf("list service principals: %w", err) }

func ambiguousSPs(ref string, list []graph.ServicePrincipal) error {
	c := make([]string, 0, len(list))
	for _, sp := range list {
		c = append(c, fmt.Sprintf("%s  %s (appId %s)", sp.ID, sp.DisplayName, sp.AppID))
	}
	sort.Strings(c)
	return &AmbiguousError{Kind: "service principal", Ref: ref, Flag: "--sp", Candidates: c}
}

// checkName rejects names that cannot be a display name (control characters).
func checkName(kind, name string) error {
	if len(name) > 256 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return usagef("invalid %s name %q", kind, graph.Clip(name))
	}
	return nil
}

// ResolveJob turns --job (a full id, a unique template id, or "" when the
// service principal has exactly one job) into a job id. A full id is used
// as given without a request; "apply." prefixes are removed.
func (s *Service) ResolveJob(ctx context.Context, spID, ref string) (string, error) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "apply.")
	if ref != "" {
		if err := checkID("job id", ref); err != nil {
			return "", err
		}
		if strings.Contains(ref, ".") {
			return ref, nil
		}
	}
	jobs, err := s.ListJobs(ctx, spID)
	if err != nil {
		return "", err
	}
	var match []graph.SynchronizationJob
	for _, j := range jobs {
		if ref == "" || strings.EqualFold(j.TemplateID, ref) || j.ID == ref {
			match = append(match, j)
		}
	}
	switch {
	case len(match) == 1:
		s.jobSeen(spID, match[0].ID) // listed by Graph: no need to read it again
		return match[0].ID, nil
	case len(jobs) == 0:
		return "", &NotFoundError{Kind: "synchronization job", Ref: spID, Hint: "this service principal has no provisioning jobs"}
	case len(match) == 0:
		return "", &NotFoundError{Kind: "synchronization job", Ref: ref, Hint: "jobs here: " + jobIDs(jobs)}
	}
	c := make([]string, 0, len(match))
	for _, j := range match {
		c = append(c, fmt.Sprintf("%s  (template %s)", j.ID, j.TemplateID))
	}
	what := ref
	if what == "" {
		what = "(not given)"
	}
	return "", &AmbiguousError{Kind: "job", Ref: what, Flag: "--job", Candidates: c}
}

// ListJobs lists the synchronization jobs of a service principal.
func (s *Service) ListJobs(ctx context.Context, spID string) ([]graph.SynchronizationJob, error) {
	if err := checkID("service principal id", spID); err != nil {
		return nil, err
	}
	jobs, err := s.Graph.ListJobs(ctx, spID)
	if err != nil {
		return nil, fmt.Errorf("list jobs of %s: %w", spID, err)
	}
	return jobs, nil
}

func jobIDs(jobs []graph.SynchronizationJob) string {
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return strings.Join(ids, ", ")
}

// userNotFound is the error for a --user, --member or --subject that
// matched nobody, with what to try: an object id is unambiguous, and a UPN
// that finds nobody most often has the wrong domain part (a mail address,
// another tenant's domain, or a guest's #EXT# UPN).
func userNotFound(ref string) *NotFoundError {
	if IsGUID(ref) {
		return &NotFoundError{Kind: "user", Ref: ref, Hint: "no user has this object id in the tenant signed in to (--tenant)"}
	}
	at := strings.LastIndex(ref, "@")
	if at <= 0 || at == len(ref)-1 {
		return &NotFoundError{Kind: "user", Ref: ref, Hint: "try the user's object id or user principal name (name@domain)"}
	}
	local, domain := ref[:at], ref[at+1:]
	hint := fmt.Sprintf("try the user's object id, or check the domain part %q: a UPN ends in one of the tenant's domains", "@"+domain)
	if !strings.Contains(strings.ToUpper(local), "#EXT#") {
		hint += fmt.Sprintf(", and a guest's looks like %s_%s#EXT#@<tenant>.onmicrosoft.com", local, domain)
	}
	return &NotFoundError{Kind: "user", Ref: ref, Hint: hint}
}

// groupNotFound is the error for a --group (or --members-of) that matched
// nothing: a name must be the exact display name; the object id always works.
func groupNotFound(ref string) *NotFoundError {
	if IsGUID(ref) {
		return &NotFoundError{Kind: "group", Ref: ref, Hint: "no group has this object id in the tenant signed in to (--tenant)"}
	}
	return &NotFoundError{Kind: "group", Ref: ref, Hint: "try the group's object id, or check its exact display name (a name is not matched by prefix)"}
}
