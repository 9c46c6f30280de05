package provision

import (
	"context"
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// ResolveCache remembers what names resolved to, across commands (the
// config folder's resolution cache). A stale entry costs a request, never
// a wrong answer: a 404 on a cached or unverified id drops it and the
// names are resolved again (withTarget).
type ResolveCache interface {
	ServicePrincipal(ref string) (graph.ServicePrincipal, bool)
	PutServicePrincipal(ref string, sp graph.ServicePrincipal)
	Job(spID, ref string) (string, bool)
	PutJob(spID, ref, jobID string)
	ApplyAbsent() bool
	MarkApplyAbsent()
	ForgetServicePrincipal(spID string)
	ForgetJob(spID, jobID string)
}

// target is a service principal and job as resolved for one command.
type target struct {
	sp    graph.ServicePrincipal
	jobID string
	// trusted is false when the ids were not read from Graph in this
	// command: taken from the cache, or an object id used as given.
	trusted bool
}

// quickTarget resolves --sp and --job with as few requests as it can: an
// object id is used as given (Graph says soon enough if it is not one),
// names come from the cache; anything else is resolved as usual.
func (s *Service) quickTarget(ctx context.Context, spRef, jobRef string) (target, error) {
	spRef = strings.TrimSpace(spRef)
	jobRef = strings.TrimPrefix(strings.TrimSpace(jobRef), "apply.")
	var t target
	switch cached, ok := s.cachedSP(spRef); {
	case ok:
		t.sp = cached
	case IsGUID(spRef):
		// Tried as the object id: an appId fails with a 404 and is then
		// resolved (withTarget).
		t.sp = graph.ServicePrincipal{ID: spRef}
	default:
		return s.freshTarget(ctx, spRef, jobRef)
	}
	jobID, ok := s.cachedJob(t.sp.ID, jobRef)
	if !ok {
		var err error
		if jobID, err = s.ResolveJob(ctx, t.sp.ID, jobRef); err != nil {
			return t, err
		}
		s.rememberJob(t.sp.ID, jobRef, jobID)
	}
	// Whether the job exists is never taken from the cache: the apply.
	// answer shows it, and the logs path reads the job first, so a job or
	// service principal deleted since cannot answer with old entries.
	t.jobID = jobID
	return t, nil
}

// freshTarget resolves --sp and --job from Graph and remembers them.
func (s *Service) freshTarget(ctx context.Context, spRef, jobRef string) (target, error) {
	sp, err := s.ResolveServicePrincipal(ctx, spRef)
	if err != nil {
		return target{}, err
	}
	if s.Cache != nil {
		s.Cache.PutServicePrincipal(spRef, *sp)
	}
	jobID, err := s.ResolveJob(ctx, sp.ID, jobRef)
	if err != nil {
		return target{sp: *sp, trusted: true}, err
	}
	s.rememberJob(sp.ID, jobRef, jobID)
	return target{sp: *sp, jobID: jobID, trusted: true}, nil
}

// withTarget runs f on the quickly resolved target. When f meets a 404 and
// the ids were not read from Graph in this command, the cache entries are
// dropped, the names resolved from Graph, and f runs once more if that
// changed anything: a stale cache or an appId given as --sp costs requests,
// never a wrong answer.
func (s *Service) withTarget(ctx context.Context, spRef, jobRef string, f func(target) error) error {
	t, err := s.quickTarget(ctx, spRef, jobRef)
	if err == nil {
		err = f(t)
	}
	if err == nil || t.trusted || !graph.IsStatus(err, http.StatusNotFound) {
		return err
	}
	s.forget(t)
	fresh, ferr := s.freshTarget(ctx, spRef, jobRef)
	if ferr != nil {
		return ferr
	}
	if strings.EqualFold(fresh.sp.ID, t.sp.ID) && strings.EqualFold(fresh.jobID, t.jobID) {
		return err // the names resolve to the same ids: the 404 stands
	}
	return f(fresh)
}

func (s *Service) cachedSP(ref string) (graph.ServicePrincipal, bool) {
	if s.Cache == nil || ref == "" {
		return graph.ServicePrincipal{}, false
	}
	sp, ok := s.Cache.ServicePrincipal(ref)
	if !ok || graph.ValidateID("service principal id", sp.ID) != nil {
		return graph.ServicePrincipal{}, false
	}
	return sp, true
}

// cachedJob is a full job id as given (no request needed) or the cached
// id of a template id / the only job.
func (s *Service) cachedJob(spID, ref string) (string, bool) {
	if ref != "" && strings.Contains(ref, ".") {
		return ref, checkID("job id", ref) == nil
	}
	if s.Cache == nil {
		return "", false
	}
	id, ok := s.Cache.Job(spID, ref)
	if !ok || graph.ValidateID("job id", id) != nil {
		return "", false
	}
	return id, true
}

// rememberJob caches a job found by template id or as the only job; a full
// id needs no cache.
func (s *Service) rememberJob(spID, ref, jobID string) {
	if s.Cache != nil && !strings.Contains(ref, ".") {
		s.Cache.PutJob(spID, ref, jobID)
	}
}

func (s *Service) forget(t target) {
	if s.Cache == nil {
		return
	}
	s.Cache.ForgetServicePrincipal(t.sp.ID)
	if t.jobID != "" {
		s.Cache.ForgetJob(t.sp.ID, t.jobID)
	}
	s.mu.Lock()
	delete(s.knownJobs, t.sp.ID+"/"+t.jobID)
	s.applyAbsent = false
	s.mu.Unlock()
}
