package cmd

import (
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/provision/resolvecache"
)

// resolveCache adapts the config folder's resolution cache to what the
// domain asks of it. A cache write that fails (a busy lock, a full disk)
// never fails a command: the next command resolves the names again, which
// --debug mentions.
type resolveCache struct {
	c     *resolvecache.Cache
	debug func(format string, a ...any)
}

func (r resolveCache) note(err error) {
	if err != nil && r.debug != nil {
		r.debug("debug: resolution cache not updated: %v", err)
	}
}

func (r resolveCache) ServicePrincipal(ref string) (graph.ServicePrincipal, bool) {
	sp, ok := r.c.ServicePrincipal(ref)
	return graph.ServicePrincipal{ID: sp.ID, AppID: sp.AppID, DisplayName: sp.DisplayName}, ok
}

func (r resolveCache) PutServicePrincipal(ref string, sp graph.ServicePrincipal) {
	r.note(r.c.PutServicePrincipal(ref, resolvecache.SP{ID: sp.ID, AppID: sp.AppID, DisplayName: sp.DisplayName}))
}

func (r resolveCache) Job(spID, ref string) (string, bool) { return r.c.Job(spID, ref) }

func (r resolveCache) PutJob(spID, ref, jobID string) { r.note(r.c.PutJob(spID, ref, jobID)) }

func (r resolveCache) ApplyAbsent() bool { return r.c.ApplyAbsent() }

func (r resolveCache) MarkApplyAbsent() { r.note(r.c.MarkApplyAbsent()) }

func (r resolveCache) ForgetServicePrincipal(spID string) { r.note(r.c.ForgetServicePrincipal(spID)) }

func (r resolveCache) ForgetJob(spID, jobID string) { r.note(r.c.ForgetJob(spID, jobID)) }
