package provision

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// bfInstant replaces the waiter's interval: every poll is due at once.
func bfInstant(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}

// bfWaiter is a log waiter of a bulk run over svc, polling without delay.
func bfWaiter(svc *Service, wait bool) (*bulk, *logWaiter) {
	b := &bulk{s: svc, r: RunRequest{SP: bfSPID, Job: bfJobID, Wait: wait}, spID: bfSPID, jobID: bfJobID,
		res: &BulkResult{}, order: map[*Outcome]int{}, index: map[string]int{}}
	w := newLogWaiter(b)
	w.after = bfInstant
	return b, w
}

// bfAwait adds test user i's request n to w: its change id is chg-n.
func bfAwait(w *logWaiter, i, n int) {
	subj := RunSubject{ID: bfUserID(i), DisplayName: bfUPN(i), Type: "User", Ref: bfUPN(i), Origin: fmt.Sprintf("users.txt:%d", i)}
	sent := bfSentAt(n)
	m := LogMatch{ServicePrincipalID: bfSPID, JobID: bfJobID, SubjectID: subj.ID, SubjectType: "User", SubjectName: subj.DisplayName,
		ChangeID: fmt.Sprintf("chg-%d", n), NotBefore: sent.Add(-clockSkew)}
	answer := &Outcome{State: StateSuccess, Request: &Request{Ref: subj.Ref, ID: subj.ID, Origin: subj.Origin, SentAt: &sent}}
	w.add(subj, m, answer)
}

// bfSnapshot is what b recorded so far.
func bfSnapshot(b *bulk) ([]*Outcome, Tally) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*Outcome(nil), b.res.Outcomes...), b.res.Tally
}

// Past bulkLogLimit entries, the oldest requests' entries may be beyond
// the page: a few are read one by one per poll until all are found.
func TestLogWaiterReadsPastThePageLimitOneByOne(t *testing.T) {
	svc, f := newBulkFake(t)
	for k := range bulkLogLimit {
		f.addLog(fmt.Sprintf("noise-%d", k), "ffffffff-0000-4000-8000-000000000001", "noise", "success", bfT0.Add(time.Hour+time.Duration(k)*time.Millisecond))
	}
	for i := 1; i <= 7; i++ {
		f.addLog(fmt.Sprintf("log-%d", i), bfUserID(i), fmt.Sprintf("chg-%d", i), "success", bfSentAt(i).Add(time.Second))
	}
	b, w := bfWaiter(svc, true)
	for i := 1; i <= 7; i++ {
		bfAwait(w, i, i)
	}
	w.close()
	go w.loop(context.Background())
	if err := w.wait(); err != nil {
		t.Fatal(err)
	}
	outs, tally := bfSnapshot(b)
	if len(outs) != 7 || tally.Pending != 0 || tally.Success != 7 || tally.Done != 7 {
		t.Fatalf("outcomes %q, tally %+v", outcomeIDs(outs), tally)
	}
	var bulkReads, oneByOne int
	for _, q := range f.logQueries {
		if q.SubjectID != "" {
			oneByOne++
		} else {
			bulkReads++
		}
	}
	if bulkReads != 2 || oneByOne != 7 {
		t.Errorf("%d job reads and %d one-by-one reads, want 2 and 7 (5 per poll)", bulkReads, oneByOne)
	}
}

func TestLogWaiterRetriesThrottledReads(t *testing.T) {
	svc, f := newBulkFake(t)
	f.logsErr = &graph.Error{StatusCode: http.StatusTooManyRequests, Code: "TooManyRequests"}
	f.onLogs = func(n int) {
		if n == 3 {
			f.mu.Lock()
			f.logsErr = nil
			f.mu.Unlock()
		}
	}
	f.addLog("log-1", bfUserID(1), "chg-1", "success", bfSentAt(1).Add(time.Second))
	b, w := bfWaiter(svc, true)
	bfAwait(w, 1, 1)
	w.close()
	go w.loop(context.Background())
	if err := w.wait(); err != nil {
		t.Fatal(err)
	}
	if outs, _ := bfSnapshot(b); len(outs) != 1 || outs[0].State != StateSuccess || len(f.logQueries) != 3 {
		t.Errorf("outcomes %q after %d reads", outcomeIDs(outs), len(f.logQueries))
	}
}

func TestLogWaiterWaitsForAFinalEntry(t *testing.T) {
	svc, f := newBulkFake(t)
	// An entry still in progress (no status, no steps) is pending: the
	// waiter reads again until the final one appears.
	f.addLogEntry(graph.ProvisioningObjectSummary{ID: "early", JobID: bfJobID, ChangeID: "chg-1",
		ActivityDateTime: graph.Time{Time: bfSentAt(1).Add(time.Second)}, SourceIdentity: &graph.ProvisionedIdentity{ID: graph.Text(bfUserID(1))}})
	f.onLogs = func(n int) {
		if n == 3 {
			f.addLog("final", bfUserID(1), "chg-1", "failure", bfSentAt(1).Add(2*time.Second))
		}
	}
	b, w := bfWaiter(svc, true)
	bfAwait(w, 1, 1)
	w.close()
	go w.loop(context.Background())
	if err := w.wait(); err != nil {
		t.Fatal(err)
	}
	outs, tally := bfSnapshot(b)
	if len(outs) != 1 || outs[0].ID != "final" || outs[0].State != StateFailure || tally.Pending != 0 || tally.Failed != 1 {
		t.Errorf("outcomes %q (%s), tally %+v", outcomeIDs(outs), outs[0].ID, tally)
	}
}

func TestLogWaiterStopsOnAnUnreadableLog(t *testing.T) {
	svc, f := newBulkFake(t)
	f.logsErr = &graph.Error{StatusCode: http.StatusForbidden, Code: "Authorization_RequestDenied"}
	b, w := bfWaiter(svc, true)
	bfAwait(w, 1, 1)
	bfAwait(w, 2, 2)
	w.close()
	go w.loop(context.Background())
	err := w.wait()
	if !graph.IsStatus(err, http.StatusForbidden) || !strings.Contains(err.Error(), "read the provisioning logs of job "+bfJobID) {
		t.Fatalf("err = %v", err)
	}
	outs, tally := bfSnapshot(b)
	if len(outs) != 2 || outs[0].State != StatePending || outs[1].State != StatePending || tally.Pending != 2 || len(f.logQueries) != 1 {
		t.Errorf("outcomes %q, tally %+v, reads %d", outcomeIDs(outs), tally, len(f.logQueries))
	}
	for _, o := range outs {
		if o.Request == nil || o.Request.SentAt == nil {
			t.Errorf("pending outcome without its send time: %+v", o.Request)
		}
	}
}

func TestRunBulkUnreadableLogIsTheRunsError(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 2)
	f.logsErr = &graph.Error{StatusCode: http.StatusForbidden, Code: "Authorization_RequestDenied"}
	r, _, journal := bfRequest(f, bfUPN(1), bfUPN(2))
	r.Wait, r.Interval = true, 100*time.Millisecond
	res, err := svc.RunBulk(context.Background(), r)
	if !graph.IsStatus(err, http.StatusForbidden) {
		t.Fatalf("err = %v", err)
	}
	if got := outcomeIDs(res.Outcomes); len(got) != 2 || got[0] != bfUserID(1)+":pending" || got[1] != bfUserID(2)+":pending" {
		t.Errorf("outcomes = %q", got)
	}
	if len(journal.states()) != 2 {
		t.Errorf("journal = %v", journal.states())
	}
	checkTally(t, res)
}

func TestLogWaiterWithoutWaitReadsOnce(t *testing.T) {
	svc, f := newBulkFake(t)
	b, w := bfWaiter(svc, false)
	bfAwait(w, 1, 1)
	w.close()
	go w.loop(context.Background())
	if err := w.wait(); err != nil {
		t.Fatal(err)
	}
	if outs, tally := bfSnapshot(b); len(outs) != 1 || outs[0].State != StatePending || tally.Pending != 1 || len(f.logQueries) != 1 {
		t.Errorf("outcomes %q, tally %+v, reads %d", outcomeIDs(outs), tally, len(f.logQueries))
	}
}

func TestLogWaiterAddAfterGivingUpIsPending(t *testing.T) {
	svc, f := newBulkFake(t)
	b, w := bfWaiter(svc, true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bfAwait(w, 1, 1)
	go w.loop(ctx)
	if err := w.wait(); err != nil {
		t.Fatal(err)
	}
	bfAwait(w, 2, 2) // answered after Ctrl-C
	outs, tally := bfSnapshot(b)
	if got := outcomeIDs(outs); len(got) != 2 || got[0] != bfUserID(1)+":pending" || got[1] != bfUserID(2)+":pending" {
		t.Errorf("outcomes = %q", got)
	}
	if tally.Pending != 2 || tally.Done != 2 || len(f.logQueries) != 0 {
		t.Errorf("tally %+v, reads %d", tally, len(f.logQueries))
	}
}
