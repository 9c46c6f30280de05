package provision

import (
	"context"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// memCache is a ResolveCache in memory that records what was forgotten.
type memCache struct {
	sps       map[string]graph.ServicePrincipal
	jobs      map[string]string
	absent    bool
	forgotten []string
}

func newMemCache() *memCache {
	return &memCache{sps: map[string]graph.ServicePrincipal{}, jobs: map[string]string{}}
}

func (m *memCache) ServicePrincipal(ref string) (graph.ServicePrincipal, bool) {
	sp, ok := m.sps[strings.ToLower(ref)]
	return sp, ok
}
func (m *memCache) PutServicePrincipal(ref string, sp graph.ServicePrincipal) {
	m.sps[strings.ToLower(ref)] = sp
}
func (m *memCache) Job(spID, ref string) (string, bool) {
	id, ok := m.jobs[strings.ToLower(spID+"/"+ref)]
	return id, ok
}
func (m *memCache) PutJob(spID, ref, jobID string) { m.jobs[strings.ToLower(spID+"/"+ref)] = jobID }
func (m *memCache) ApplyAbsent() bool              { return m.absent }
func (m *memCache) MarkApplyAbsent()               { m.absent = true }
func (m *memCache) ForgetServicePrincipal(spID string) {
	m.forgotten = append(m.forgotten, spID)
	for k, sp := range m.sps {
		if strings.EqualFold(sp.ID, spID) {
			delete(m.sps, k)
		}
	}
}
func (m *memCache) ForgetJob(spID, jobID string) { m.forgotten = append(m.forgotten, jobID) }

const (
	tgOldSP = "11111111-1111-4111-8111-111111111111"
	tgNewSP = "22222222-2222-4222-8222-222222222222"
	tgJob   = "BoxOutDelta.abc.def"
	tgApply = `{"id":"apply.BoxOutDelta.abc.def","templateId":"BoxOutDelta","status":{"lastExecution":{"state":"Succeeded","timeBegan":"2026-11-30T10:00:00Z","timeEnded":"2026-11-30T10:00:02Z","error":{"code":"None"}}}}`
)

// A cached id that Graph no longer knows (the app was deleted and created
// again) is dropped, the name resolved again, and the answer is the new
// app's: a stale cache costs requests, never a wrong answer.
func TestPollStaleCacheResolvesAgain(t *testing.T) {
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals?": {200, `{"value":[{"id":"` + tgNewSP + `","appId":"a","displayName":"Box"}]}`},
		"GET servicePrincipals/" + tgNewSP + "/synchronization/jobs/apply." + tgJob: {200, tgApply},
	})
	cache := newMemCache()
	cache.PutServicePrincipal("Box", graph.ServicePrincipal{ID: tgOldSP, DisplayName: "Box"})
	svc.Cache = cache
	res, err := svc.PollOutcome(context.Background(), PollCommand{SP: "Box", Job: tgJob, Source: PollAuto})
	if err != nil {
		t.Fatalf("poll: %v\nrequests %v", err, fg.requests())
	}
	if res.Outcome.ServicePrincipalID != tgNewSP || res.Outcome.State != StateSuccess {
		t.Errorf("outcome of %s, %s; want the new app's success", res.Outcome.ServicePrincipalID, res.Outcome.State)
	}
	if sp, _ := cache.ServicePrincipal("box"); sp.ID != tgNewSP {
		t.Errorf("cache holds %q, want the new id", sp.ID)
	}
	if len(cache.forgotten) == 0 || cache.forgotten[0] != tgOldSP {
		t.Errorf("forgotten %v", cache.forgotten)
	}
	if cache.absent {
		t.Error("a 404 for a stale id was taken for a tenant without apply.")
	}
}

// An appId given as --sp is tried as an object id, then resolved.
func TestPollAppIDGivenAsSP(t *testing.T) {
	const appID = "33333333-3333-4333-8333-333333333333"
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals?": {200, `{"value":[{"id":"` + tgNewSP + `","appId":"` + appID + `","displayName":"Box"}]}`},
		"GET servicePrincipals/" + tgNewSP + "/synchronization/jobs/apply." + tgJob: {200, tgApply},
	})
	cache := newMemCache()
	svc.Cache = cache
	res, err := svc.PollOutcome(context.Background(), PollCommand{SP: appID, Job: tgJob, Source: PollAuto})
	if err != nil {
		t.Fatalf("poll: %v\nrequests %v", err, fg.requests())
	}
	if res.Outcome.ServicePrincipalID != tgNewSP {
		t.Errorf("outcome of %s, want %s", res.Outcome.ServicePrincipalID, tgNewSP)
	}
	if sp, ok := cache.ServicePrincipal(appID); !ok || sp.ID != tgNewSP {
		t.Errorf("the appId was not cached: %+v", sp)
	}
}

// Ids read from Graph in this command are not resolved again on a 404: the
// 404 is the answer (a job id that does not exist).
func TestPollFreshIDsKeepTheir404(t *testing.T) {
	svc, fg := newFakeGraph(t, map[string]fakeAnswer{
		"GET servicePrincipals?": {200, `{"value":[{"id":"` + tgNewSP + `","appId":"a","displayName":"Box"}]}`},
	})
	svc.Cache = newMemCache()
	_, err := svc.PollOutcome(context.Background(), PollCommand{SP: "Box", Job: tgJob, Source: PollAuto})
	if !graph.IsStatus(err, 404) {
		t.Fatalf("err = %v, want the job's 404", err)
	}
	lookups := 0
	for _, r := range fg.requests() {
		if strings.HasPrefix(r, "GET servicePrincipals?") {
			lookups++
		}
	}
	if lookups != 1 {
		t.Errorf("%d name lookups, want 1: %v", lookups, fg.requests())
	}
}
