package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/provision"
)

// What each dynamically completed flag offers, with as few requests as it
// can (completion_dynamic.go bounds and cleans the answer).

// completeServicePrincipals offers the display names that start with
// what was typed (one request). Graph cannot search object ids by prefix,
// so a GUID is offered back only once whole, with its name beside it.
func completeServicePrincipals(ctx context.Context, r *completionRun, typed string) []completion {
	if provision.IsGUID(typed) {
		sp, err := r.servicePrincipal(ctx, typed)
		if err != nil {
			return nil
		}
		return []completion{{typed, sp.DisplayName}}
	}
	list, err := r.svc.FindServicePrincipals(ctx, typed, completionLimit)
	if err != nil {
		return nil
	}
	same := map[string]int{}
	for _, sp := range list {
		same[sp.DisplayName]++
	}
	out := make([]completion, 0, len(list))
	for _, sp := range list {
		note := sp.ID
		if n := same[sp.DisplayName]; n > 1 {
			note = fmt.Sprintf("%d service principals have this name: pass an object id", n)
		}
		out = append(out, completion{sp.DisplayName, note})
	}
	return out
}

// completeJobs offers the job ids of the --sp on the command line, and
// each template id that names one job (nothing without --sp).
func completeJobs(ctx context.Context, r *completionRun, _ string) []completion {
	var jobs []graph.SynchronizationJob
	err := r.withServicePrincipal(ctx, func(spID string) (err error) {
		jobs, err = r.svc.ListJobs(ctx, spID)
		return err
	})
	if err != nil {
		return nil
	}
	templates := map[string]int{}
	for _, j := range jobs {
		templates[strings.ToLower(j.TemplateID)]++
	}
	var out []completion
	for _, j := range jobs {
		if j.TemplateID != "" && templates[strings.ToLower(j.TemplateID)] == 1 {
			out = append(out, completion{j.TemplateID, "template of " + j.ID})
		}
		out = append(out, completion{j.ID, "template " + j.TemplateID})
	}
	return out
}

// completeRules offers the rule ids of the chosen job's schema, as `job
// rules` lists them (nothing without --sp; --job as the command takes it).
func completeRules(ctx context.Context, r *completionRun, _ string) []completion {
	jobRef := strings.TrimPrefix(r.flag("job"), "apply.")
	var rules []provision.Rule
	err := r.withServicePrincipal(ctx, func(spID string) error {
		jobID, err := r.jobID(ctx, spID, jobRef)
		if err != nil {
			return err
		}
		rules, err = r.svc.Rules(ctx, spID, jobID)
		return err
	})
	if err != nil {
		return nil
	}
	out := make([]completion, 0, len(rules))
	for _, rule := range rules {
		if id := rule.RuleID(); id != "" { // a rule without an id cannot be sent
			out = append(out, completion{id, fmt.Sprintf("%s (%s → %s)", rule.Name, rule.SourceDirectoryName, rule.TargetDirectoryName)})
		}
	}
	return out
}

// completeUsers offers the user principal names that start with what was
// typed (one request).
func completeUsers(ctx context.Context, r *completionRun, typed string) []completion {
	dir, ok := r.svc.Graph.(directoryPrefixes)
	if !ok || !searchable(typed) || provision.IsDistinguishedName(typed) {
		return nil
	}
	users, err := dir.UsersByUPNPrefix(ctx, typed, completionLimit)
	if err != nil {
		return nil
	}
	out := make([]completion, 0, len(users))
	for _, u := range users {
		out = append(out, completion{u.UserPrincipalName, u.DisplayName})
	}
	return out
}

// completeMembers offers, after --group, that group's own users whose UPN
// starts with what was typed and that are not on the line yet (on-demand
// provisioning of a group takes its direct members); without --group,
// users as --user does.
func completeMembers(ctx context.Context, r *completionRun, typed string) []completion {
	ref := r.flag("group")
	if ref == "" {
		return completeUsers(ctx, r, typed)
	}
	g, err := r.svc.ResolveGroup(ctx, ref)
	if err != nil {
		return nil
	}
	users, err := r.svc.Graph.GroupUsers(ctx, g.ID, false)
	if err != nil {
		return nil
	}
	given := map[string]bool{}
	if fl := r.cmd.Flags().Lookup("member"); fl != nil {
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				given[strings.ToLower(v)] = true
			}
		}
	}
	var out []completion
	for _, u := range users {
		upn := u.UserPrincipalName
		if upn == "" || given[strings.ToLower(upn)] || given[strings.ToLower(u.ID)] || !strings.HasPrefix(strings.ToLower(upn), strings.ToLower(typed)) {
			continue
		}
		if out = append(out, completion{upn, u.DisplayName}); len(out) == completionLimit {
			break
		}
	}
	return out
}

// completeGroups offers the group display names that start with what was
// typed (one request).
func completeGroups(ctx context.Context, r *completionRun, typed string) []completion {
	dir, ok := r.svc.Graph.(directoryPrefixes)
	if !ok || !searchable(typed) {
		return nil
	}
	groups, err := dir.GroupsByNamePrefix(ctx, typed, completionLimit)
	if err != nil {
		return nil
	}
	same := map[string]int{}
	for _, g := range groups {
		same[g.DisplayName]++
	}
	out := make([]completion, 0, len(groups))
	for _, g := range groups {
		note := "group " + g.ID
		if n := same[g.DisplayName]; n > 1 {
			note = fmt.Sprintf("%d groups have this name: pass an object id", n)
		}
		out = append(out, completion{g.DisplayName, note})
	}
	return out
}

// completeSubjects offers users and groups (--subject takes either), the
// two searches side by side.
func completeSubjects(ctx context.Context, r *completionRun, typed string) []completion {
	var users, groups []completion
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); users = completeUsers(ctx, r, typed) }()
	go func() { defer wg.Done(); groups = completeGroups(ctx, r, typed) }()
	wg.Wait()
	return append(users, groups...)
}

// directoryPrefixes is the prefix search *graph.Client offers.
type directoryPrefixes interface {
	UsersByUPNPrefix(ctx context.Context, prefix string, limit int) ([]graph.DirectoryObject, error)
	GroupsByNamePrefix(ctx context.Context, prefix string, limit int) ([]graph.DirectoryObject, error)
}

// searchable reports whether a prefix is worth a search: not an object id
// (Graph cannot search ids by prefix) and nothing a name cannot hold.
func searchable(typed string) bool {
	return !provision.IsGUID(typed) && provision.CheckFilterValue("prefix", typed) == nil
}

// servicePrincipal resolves ref from the resolution cache, else from
// Graph, and remembers what Graph said.
func (r *completionRun) servicePrincipal(ctx context.Context, ref string) (*graph.ServicePrincipal, error) {
	if sp, ok := r.cachedSP(ref); ok {
		return &sp, nil
	}
	sp, err := r.svc.ResolveServicePrincipal(ctx, ref)
	if err != nil {
		return nil, err
	}
	if r.svc.Cache != nil {
		r.svc.Cache.PutServicePrincipal(ref, *sp)
	}
	return sp, nil
}

// cachedSP is what the resolution cache holds for ref.
func (r *completionRun) cachedSP(ref string) (graph.ServicePrincipal, bool) {
	if r.svc.Cache == nil {
		return graph.ServicePrincipal{}, false
	}
	sp, ok := r.svc.Cache.ServicePrincipal(ref)
	return sp, ok && graph.ValidateID("service principal id", sp.ID) == nil
}

var errNoSP = errors.New("no --sp on the command line")

// withServicePrincipal runs f on the object id of the --sp already on the
// command line, found with as few requests as it can: the resolution
// cache, or a GUID taken as the object id. When Graph answers 404 to such
// a guess (a stale cache entry, or an appId), the reference is resolved
// from Graph and f runs once more.
func (r *completionRun) withServicePrincipal(ctx context.Context, f func(spID string) error) error {
	ref := r.flag("sp")
	if ref == "" {
		return errNoSP
	}
	var guess string
	if sp, ok := r.cachedSP(ref); ok {
		guess = sp.ID
	} else if provision.IsGUID(ref) {
		guess = ref
	}
	var err error
	if guess != "" {
		if err = f(guess); !graph.IsStatus(err, http.StatusNotFound) {
			return err
		}
	}
	sp, rerr := r.svc.ResolveServicePrincipal(ctx, ref)
	if rerr != nil {
		return rerr
	}
	if r.svc.Cache != nil {
		r.svc.Cache.PutServicePrincipal(ref, *sp)
	}
	if guess != "" && strings.EqualFold(sp.ID, guess) {
		return err // the same service principal: the 404 stands
	}
	return f(sp.ID)
}

// jobID turns --job into a job id: a full id as given, a template id (or
// none, for the only job) from the resolution cache, else from the job
// list, remembered.
func (r *completionRun) jobID(ctx context.Context, spID, ref string) (string, error) {
	if !strings.Contains(ref, ".") && r.svc.Cache != nil {
		if id, ok := r.svc.Cache.Job(spID, ref); ok && graph.ValidateID("job id", id) == nil {
			return id, nil
		}
	}
	id, err := r.svc.ResolveJob(ctx, spID, ref)
	if err == nil && r.svc.Cache != nil && !strings.Contains(ref, ".") {
		r.svc.Cache.PutJob(spID, ref, id)
	}
	return id, err
}
