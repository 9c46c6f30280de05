package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// followGraph is a provisioning-log endpoint on a fake clock: before each
// poll, script (when set) may publish entries or make the poll fail.
type followGraph struct {
	GraphAPI // only ProvisioningLogs is called
	mu       sync.Mutex
	clock    *fakeClock
	// published entries, each visible from its own time on the clock
	published []publishedLog
	script    func(poll int) error
	queries   []graph.ProvisioningLogQuery
}

type publishedLog struct {
	e         graph.ProvisioningObjectSummary
	visibleAt time.Time
}

func (g *followGraph) publish(id string, at, visibleAt time.Time) {
	g.published = append(g.published, publishedLog{e: logAt(id, at), visibleAt: visibleAt})
}

func (g *followGraph) ProvisioningLogs(_ context.Context, q graph.ProvisioningLogQuery) ([]graph.ProvisioningObjectSummary, []json.RawMessage, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queries = append(g.queries, q)
	if g.script != nil {
		if err := g.script(len(g.queries)); err != nil {
			return nil, nil, err
		}
	}
	from, err := time.Parse(time.RFC3339, q.Since)
	if err != nil {
		return nil, nil, err
	}
	now := g.clock.Now()
	var out []graph.ProvisioningObjectSummary
	for _, p := range g.published {
		if !now.Before(p.visibleAt) && p.e.ActivityDateTime.After(from) {
			out = append(out, p.e)
		}
	}
	out = newestFirstLogs(out...)
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	raws := make([]json.RawMessage, len(out))
	for i := range out {
		raws[i] = json.RawMessage(`{"id":"` + out[i].ID + `"}`)
	}
	return out, raws, nil
}

// fakeClock moves only when the follower waits.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func newFollowTest() (*Service, *followGraph, *fakeClock) {
	clock := &fakeClock{now: followT0}
	g := &followGraph{clock: clock}
	return &Service{Graph: g}, g, clock
}

func shownIDs(batches [][]*Outcome) []string {
	var out []string
	for _, b := range batches {
		for _, o := range b {
			out = append(out, o.ID.String())
		}
	}
	return out
}

// Entries that appear while following are shown once each, oldest first
// within a poll, however late Graph publishes them; the filters reach
// Graph with the window's bound; --limit ends the follow.
func TestFollowLogs(t *testing.T) {
	svc, g, clock := newFollowTest()
	g.publish("before", followT0.Add(-time.Minute), followT0)
	g.script = func(poll int) error {
		now := clock.now
		switch poll {
		case 2:
			g.publish("run", now.Add(-time.Second), now)
		case 3:
			// published late, with a time older than "run": out of order
			g.publish("late", now.Add(-3*time.Minute), now)
			g.publish("later-still", now.Add(-2*time.Minute), now.Add(25*time.Second))
		case 6:
			g.publish("last", now, now)
		}
		return nil
	}
	var batches [][]*Outcome
	err := svc.FollowLogs(context.Background(), FollowRequest{
		Query:              LogQuery{JobID: "BoxOutDelta.1.2", Status: "failure"},
		ServicePrincipalID: "sp1",
		Interval:           10 * time.Second,
		Limit:              4,
		Now:                clock.Now, After: clock.After,
	}, func(b []*Outcome) error { batches = append(batches, b); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := shownIDs(batches); !slices.Equal(got, []string{"run", "late", "later-still", "last"}) {
		t.Errorf("shown %v", got)
	}
	if len(batches) != 3 || batches[0][0].ServicePrincipalID != "sp1" {
		t.Errorf("batches %v", batches)
	}
	if len(g.queries) != 6 {
		t.Errorf("%d polls, want 6 (the limit ends the follow)", len(g.queries))
	}
	for i, q := range g.queries {
		want := followT0.Add(time.Duration(10*i)*time.Second - DefaultFollowLag).Format(time.RFC3339)
		if q.JobID != "BoxOutDelta.1.2" || q.Status != "failure" || q.Since != want || q.Top != followPageSize || q.Limit != FollowReadCap+1 {
			t.Errorf("poll %d asked %+v, want since %s", i+1, q, want)
		}
	}
	for _, d := range clock.waits {
		if d != 10*time.Second {
			t.Errorf("waited %v between polls, want the interval", d)
		}
	}
}

// Throttling, server and network errors are outlived with a note and a
// longer wait (never shorter than Retry-After); a refused token ends the
// follow; so does any error before the first poll succeeded.
func TestFollowLogsErrors(t *testing.T) {
	svc, g, clock := newFollowTest()
	netErr := &graph.NetworkError{Method: "GET", URL: "https://graph.test/auditLogs/provisioning", Err: errors.New("connection reset by peer")}
	g.script = func(poll int) error {
		switch poll {
		case 2:
			return &graph.Error{StatusCode: http.StatusServiceUnavailable, Code: "ServiceUnavailable"}
		case 3:
			return netErr
		case 4:
			return &graph.Error{StatusCode: http.StatusTooManyRequests, RetryAfter: 3 * time.Minute, HasRetryAfter: true}
		case 5:
			return context.DeadlineExceeded // a poll longer than RequestTimeout
		case 6:
			g.publish("after-errors", clock.now, clock.now)
		case 7:
			return &graph.Error{StatusCode: http.StatusUnauthorized, Code: "InvalidAuthenticationToken"}
		}
		return nil
	}
	var retries []string
	var shown []string
	err := svc.FollowLogs(context.Background(), FollowRequest{
		Interval: 10 * time.Second, Now: clock.Now, After: clock.After,
		OnRetry: func(err error, wait time.Duration) { retries = append(retries, wait.String()) },
	}, func(b []*Outcome) error { shown = append(shown, shownIDs([][]*Outcome{b})...); return nil })
	if graph.StatusOf(err) != http.StatusUnauthorized {
		t.Fatalf("err = %v, want the 401", err)
	}
	if want := []string{"20s", "40s", "3m0s", "2m0s"}; !slices.Equal(retries, want) {
		t.Errorf("retries waited %v, want %v", retries, want)
	}
	if !slices.Equal(shown, []string{"after-errors"}) {
		t.Errorf("shown %v", shown)
	}
	if want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 3 * time.Minute, 2 * time.Minute, 10 * time.Second}; !slices.Equal(clock.waits, want) {
		t.Errorf("waits %v, want %v (back to the interval after a success)", clock.waits, want)
	}

	svc, g, clock = newFollowTest()
	g.script = func(int) error { return netErr }
	err = svc.FollowLogs(context.Background(), FollowRequest{Now: clock.Now, After: clock.After,
		OnRetry: func(error, time.Duration) { t.Error("an error before the first answer was retried") }},
		func([]*Outcome) error { return nil })
	if !errors.As(err, new(*graph.NetworkError)) || len(g.queries) != 1 {
		t.Errorf("err = %v after %d polls, want the network error at once", err, len(g.queries))
	}
}

// Ctrl-C ends the follow with the context's error; a failed write (a
// closed pipe) ends it with that error.
func TestFollowLogsEnds(t *testing.T) {
	svc, g, clock := newFollowTest()
	ctx, cancel := context.WithCancel(context.Background())
	g.script = func(poll int) error {
		if poll == 3 {
			cancel()
		}
		return nil
	}
	err := svc.FollowLogs(ctx, FollowRequest{Now: clock.Now, After: clock.After}, func([]*Outcome) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}

	svc, g, clock = newFollowTest()
	broken := errors.New("write output: broken pipe")
	g.script = func(poll int) error {
		g.publish(fmt.Sprint("x", poll), clock.now, clock.now)
		return nil
	}
	err = svc.FollowLogs(context.Background(), FollowRequest{Now: clock.Now, After: clock.After}, func([]*Outcome) error { return broken })
	if !errors.Is(err, broken) || len(g.queries) != 2 {
		t.Errorf("err = %v after %d polls", err, len(g.queries))
	}
}

// A poll whose window holds more than the cap says so once, and the
// entries it could not read are never shown later.
func TestFollowLogsCapped(t *testing.T) {
	svc, g, clock := newFollowTest()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g.script = func(poll int) error {
		switch poll {
		case 2:
			for i := range FollowReadCap + 5 {
				g.publish(fmt.Sprint("burst-", i), clock.now.Add(-time.Duration(i)*10*time.Millisecond), clock.now)
			}
		case 5:
			cancel()
		}
		return nil
	}
	var capped []time.Time
	shown := map[string]bool{}
	err := svc.FollowLogs(ctx, FollowRequest{Interval: time.Second, Now: clock.Now, After: clock.After,
		OnCapped: func(oldest time.Time) { capped = append(capped, oldest) }},
		func(b []*Outcome) error {
			for _, o := range b {
				shown[o.ID.String()] = true
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if len(shown) != FollowReadCap || len(capped) != 1 || shown[fmt.Sprint("burst-", FollowReadCap)] {
		t.Errorf("shown %d, capped told %d times", len(shown), len(capped))
	}
}
