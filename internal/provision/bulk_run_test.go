package provision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// results answers provisionOnDemand with one result word per request.
func results(words ...string) func(int, string) bfAnswer {
	return func(n int, _ string) bfAnswer { return bfAnswer{result: words[(n-1)%len(words)]} }
}

func TestRunBulkPacesAndRecordsEachOutcomeBeforeTheNextRequest(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 3)
	f.answer = results("Success", "Skipped", "Failure")
	r, pacer, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
	r.Emit = func(o *Outcome) error { f.events.add("emit:%s", o.Subject.ID); return nil }
	obs := &bfObserver{}
	r.Observer = obs
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if w, a := pacer.counts(); w != 3 || a != 3 {
		t.Errorf("pacer: %d waits, %d answered, want 3 and 3", w, a)
	}
	var want []string
	for i, st := range []string{"success", "skipped", "failure"} {
		id := bfUserID(i + 1)
		// Written ahead as pending, so a kill mid-request never resends it.
		want = append(want, "wait", "journal:"+id+":pending", "post:"+id, "answered", "journal:"+id+":"+st, "emit:"+id)
	}
	if got := f.events.only("wait", "post:", "answered", "journal:", "emit:"); !slices.Equal(got, want) {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
	if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":success", bfUserID(2) + ":skipped", bfUserID(3) + ":failure"}) {
		t.Errorf("outcomes = %q", got)
	}
	for i, o := range res.Outcomes {
		rq := o.Request
		if rq == nil || rq.Ref != bfUPN(i+1) || rq.ID != bfUserID(i+1) || rq.Origin != fmt.Sprintf("users.txt:%d", i+1) ||
			rq.SentAt == nil || !rq.SentAt.Equal(bfSentAt(i+1)) {
			t.Errorf("outcome %d request = %+v, want sent at %s", i, rq, bfSentAt(i+1))
		}
		if o.Source != SourceProvisionOnDemand || o.JobID != bfJobID || o.ServicePrincipalID != bfSPID {
			t.Errorf("outcome %d = %+v", i, o)
		}
	}
	if len(journal.states()) != 3 || res.Lookups != 1 || res.Stopped != "" || len(res.NotSent) != 0 {
		t.Errorf("journal %v, lookups %d, stopped %q, not sent %d", journal.states(), res.Lookups, res.Stopped, len(res.NotSent))
	}
	checkTally(t, res)
	if res.Tally.Total != 3 || res.Tally.Success != 1 || res.Tally.Skipped != 1 || res.Tally.Failed != 1 {
		t.Errorf("tally = %+v", res.Tally)
	}
	if len(obs.started) != 1 || obs.started[0].Total != 3 || obs.sent != 3 || len(obs.finished) != 3 {
		t.Errorf("observer: started %+v, sent %d, finished %q", obs.started, obs.sent, obs.finished)
	}
}

func TestRunBulkSubjectErrorFailsOnlyThatUser(t *testing.T) {
	for _, status := range []int{400, 404, 409, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			svc, f := newBulkFake(t)
			f.addUsers(1, 3)
			f.answer = func(n int, _ string) bfAnswer {
				if n == 2 {
					return bfAnswer{err: &graph.Error{StatusCode: status, Code: "InvalidSubject", Message: "The subject is not valid."}}
				}
				return bfAnswer{result: "Success"}
			}
			r, pacer, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
			res, err := svc.RunBulk(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":success", bfUserID(2) + ":failure", bfUserID(3) + ":success"}) {
				t.Fatalf("outcomes = %q", got)
			}
			o := res.Outcomes[1]
			if o.Reason == nil || o.Reason.Code != "InvalidSubject" || !strings.Contains(o.Reason.Message.String(), "not valid") {
				t.Errorf("reason = %+v", o.Reason)
			}
			if o.Request == nil || o.Request.SentAt != nil || o.Request.ID != bfUserID(2) {
				t.Errorf("request = %+v, want no sentAt", o.Request)
			}
			if f.postCount() != 3 || len(journal.states()) != 3 {
				t.Errorf("posts %d, journal %v", f.postCount(), journal.states())
			}
			if w, a := pacer.counts(); w != 3 || a != 3 {
				t.Errorf("pacer %d/%d", w, a)
			}
			checkTally(t, res)
		})
	}
}

func TestRunBulkAuthErrorStopsTheRun(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			svc, f := newBulkFake(t)
			f.addUsers(1, 3)
			f.answer = func(n int, _ string) bfAnswer {
				if n == 2 {
					return bfAnswer{err: &graph.Error{StatusCode: status, Code: "Authorization_RequestDenied"}}
				}
				return bfAnswer{result: "Success"}
			}
			r, _, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
			res, err := svc.RunBulk(context.Background(), r)
			if !graph.IsStatus(err, status) {
				t.Fatalf("err = %v, want the %d", err, status)
			}
			// The refused request fails (so a resume sends it again);
			// the rest are not sent.
			if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":success", bfUserID(2) + ":failure"}) {
				t.Errorf("outcomes = %q", got)
			}
			var notSent []string
			for _, s := range res.NotSent {
				notSent = append(notSent, s.ID)
			}
			if !slices.Equal(notSent, []string{bfUserID(3)}) {
				t.Errorf("not sent = %q", notSent)
			}
			if f.postCount() != 2 || len(journal.states()) != 2 {
				t.Errorf("posts %d, journal %v", f.postCount(), journal.states())
			}
			checkTally(t, res)
			if res.Tally.Total != 2 || res.Tally.NotSent != 1 {
				t.Errorf("tally = %+v", res.Tally)
			}
		})
	}
}

func TestRunBulkMaxFailuresStopsSending(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 5)
	f.answer = results("Failure", "Success", "Failure")
	r, _, _ := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3), bfUPN(4), bfUPN(5))
	r.MaxFailures = 2
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if f.postCount() != 3 || len(res.Outcomes) != 3 || len(res.NotSent) != 2 {
		t.Fatalf("posts %d, outcomes %q, not sent %d", f.postCount(), outcomeIDs(res.Outcomes), len(res.NotSent))
	}
	if !strings.Contains(res.Stopped, "--max-failures 2") {
		t.Errorf("stopped = %q", res.Stopped)
	}
	checkTally(t, res)
}

// A failure an earlier run recorded, kept with RetryFailed false, is not
// a failure of this run: it must not stop it after its first request.
func TestRunBulkKeptFailuresDoNotTripMaxFailures(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 3)
	r, _, _ := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
	r.Prior = bfPrior{bfUserID(1): {State: StateFailure, Line: 1}}
	r.RetryFailed = false
	r.MaxFailures = 1
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kept) != 1 {
		t.Fatalf("kept = %+v", res.Kept)
	}
	if res.Stopped != "" || f.postCount() != 2 {
		// Today: user 2 is sent (success), then the run stops for
		// "--max-failures 1 reached" and user 3 is not sent.
		t.Fatalf("bulk_run.go record(): kept failures count toward --max-failures after a request was sent: stopped %q after %d posts, not sent %d",
			res.Stopped, f.postCount(), len(res.NotSent))
	}
	checkTally(t, res)
}

func TestRunBulkResume(t *testing.T) {
	prior := func() bfPrior {
		return bfPrior{
			bfUserID(1): {State: StateSuccess, Line: 1},
			bfUserID(2): {State: StateWarning, Line: 2},
			bfUserID(3): {State: StateSkipped, Line: 3},
			bfUserID(4): {State: StateFailure, Line: 4},
			bfUserID(5): {State: StatePending, SentAt: bfT0.Add(-time.Hour), ChangeID: "prior-chg", Line: 5},
		}
	}
	users := []string{bfUPN(1), bfUPN(2), bfUPN(3), bfUPN(4), bfUPN(5), bfUPN(6)}
	sentAt5 := bfT0.Add(-time.Hour)

	t.Run("retry failed", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(1, 6)
		// The pending request's entry, and entries that are not its own:
		// another subject with its change id, itself with another change
		// id, another job's, all newer.
		f.addLog("mine", bfUserID(5), "prior-chg", "success", sentAt5.Add(time.Second))
		f.addLog("other-subject", bfUserID(6), "prior-chg", "failure", sentAt5.Add(5*time.Second))
		f.addLog("other-change", bfUserID(5), "chg-x", "failure", sentAt5.Add(10*time.Second))
		f.addLogEntry(graph.ProvisioningObjectSummary{ID: "other-job", JobID: "Other.job", ChangeID: "prior-chg",
			ActivityDateTime: graph.Time{Time: sentAt5.Add(20 * time.Second)}, SourceIdentity: &graph.ProvisionedIdentity{ID: graph.Text(bfUserID(5))},
			ProvisioningStatusInfo: &graph.ProvisioningStatusInfo{Status: "failure"}})
		r, _, journal := bfRequest(f, users...)
		r.Prior, r.RetryFailed = prior(), true
		r.Interval = 100 * time.Millisecond
		res, err := svc.RunBulk(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.postedIDs(); !slices.Equal(got, []string{bfUserID(4), bfUserID(6)}) {
			t.Errorf("sent %q, want users 4 and 6 only", got)
		}
		if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(4) + ":success", bfUserID(5) + ":success", bfUserID(6) + ":success"}) {
			t.Errorf("outcomes = %q", got)
		}
		o5 := res.Outcomes[1]
		if o5.ID != "mine" || o5.Source != SourceProvisioningLogs || o5.Request == nil || o5.Request.SentAt == nil || !o5.Request.SentAt.Equal(sentAt5) {
			t.Errorf("resumed outcome = %+v request %+v", o5, o5.Request)
		}
		if res.Tally.Resumed != 3 || res.Tally.Total != 3 || len(res.Kept) != 0 {
			t.Errorf("tally %+v, kept %+v", res.Tally, res.Kept)
		}
		if journal.states()[bfUserID(5)] != StateSuccess {
			t.Errorf("journal = %v", journal.states())
		}
		checkTally(t, res)
	})

	t.Run("keep failed", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(1, 6)
		f.addLog("mine", bfUserID(5), "prior-chg", "warning", sentAt5.Add(time.Second))
		r, _, _ := bfRequest(f, users...)
		r.Prior, r.RetryFailed = prior(), false
		r.Interval = 100 * time.Millisecond
		res, err := svc.RunBulk(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.postedIDs(); !slices.Equal(got, []string{bfUserID(6)}) {
			t.Errorf("sent %q, want user 6 only", got)
		}
		if len(res.Kept) != 1 || res.Kept[0].Line != 4 {
			t.Errorf("kept = %+v", res.Kept)
		}
		if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(5) + ":warning", bfUserID(6) + ":success"}) {
			t.Errorf("outcomes = %q", got)
		}
		checkTally(t, res)
	})

	t.Run("pending without a change id: an older entry is not its own", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(5, 5)
		f.addLog("older", bfUserID(5), "", "failure", sentAt5.Add(-10*time.Second))
		r, pacer, _ := bfRequest(f, bfUPN(5))
		p := prior()[bfUserID(5)]
		p.ChangeID = ""
		r.Prior = bfPrior{bfUserID(5): p}
		res, err := svc.RunBulk(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if f.postCount() != 0 {
			t.Errorf("a request sent before was sent again")
		}
		if w, _ := pacer.counts(); w != 0 {
			t.Errorf("pacer waited %d times for nothing to send", w)
		}
		if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(5) + ":pending"}) {
			t.Fatalf("outcomes = %q", got)
		}
		if rq := res.Outcomes[0].Request; rq == nil || rq.SentAt == nil || !rq.SentAt.Equal(sentAt5) {
			t.Errorf("request = %+v", rq)
		}
		if len(f.logQueries) == 0 || f.logQueries[0].JobID != bfJobID || f.logQueries[0].After == "" {
			t.Errorf("log queries = %+v", f.logQueries)
		}
		checkTally(t, res)
		if res.Tally.Pending != 1 {
			t.Errorf("tally = %+v", res.Tally)
		}
	})
}

func TestRunBulkWaitReadsEachRequestsOwnEntry(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 3)
	f.answer = results("Success", "Success", "Success")
	// Users 2 and 3 have their entries at once; user 1's appears for the
	// second read, so it completes last.
	f.logStatus = func(id string) string {
		switch id {
		case bfUserID(2):
			return "failure"
		case bfUserID(3):
			return "skipped"
		}
		return ""
	}
	f.onLogs = func(n int) {
		if n == 2 {
			f.addLog("late", bfUserID(1), "chg-1", "warning", bfSentAt(1).Add(3*time.Second))
		}
	}
	// Entries that must never be taken: user 1's older one, another
	// subject's with user 3's change id, user 3's change in another job.
	f.addLog("old", bfUserID(1), "", "failure", bfT0.Add(-time.Hour))
	f.addLog("other-subject", "ffffffff-0000-4000-8000-000000000009", "chg-3", "failure", bfSentAt(3).Add(5*time.Second))
	f.addLogEntry(graph.ProvisioningObjectSummary{ID: "other-job", JobID: "Other.job", ChangeID: "chg-3",
		ActivityDateTime: graph.Time{Time: bfSentAt(3).Add(6 * time.Second)}, SourceIdentity: &graph.ProvisionedIdentity{ID: graph.Text(bfUserID(3))},
		ProvisioningStatusInfo: &graph.ProvisioningStatusInfo{Status: "failure"}})

	r, _, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
	r.Wait, r.Interval = true, 100*time.Millisecond
	obs := &bfObserver{}
	r.Observer = obs
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":warning", bfUserID(2) + ":failure", bfUserID(3) + ":skipped"}) {
		t.Fatalf("outcomes = %q (in input order)", got)
	}
	for i, o := range res.Outcomes {
		if o.Source != SourceProvisioningLogs || o.Request == nil || o.Request.SentAt == nil || !o.Request.SentAt.Equal(bfSentAt(i+1)) {
			t.Errorf("outcome %d: source %s, request %+v", i, o.Source, o.Request)
		}
	}
	if id := res.Outcomes[0].ID; id != "late" {
		t.Errorf("user 1's entry = %s, want late", id)
	}
	if want := []string{bfUserID(2) + ":failure", bfUserID(3) + ":skipped", bfUserID(1) + ":warning"}; !slices.Equal(obs.finished, want) {
		t.Errorf("completion order %q, want %q", obs.finished, want)
	}
	if len(journal.states()) != 3 {
		t.Errorf("journal = %v", journal.states())
	}
	checkTally(t, res)
	if res.Tally.Pending != 0 || res.Tally.Done != 3 {
		t.Errorf("tally = %+v", res.Tally)
	}
	for _, q := range f.logQueries {
		if q.JobID != bfJobID || q.After == "" {
			t.Errorf("log query = %+v", q)
		}
	}
}

func TestRunBulkBudgetEndsTheWait(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 3)
	r, _, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
	r.Wait, r.Interval = true, 100*time.Millisecond
	var asked []int
	r.Budget = func(n int) time.Duration { asked = append(asked, n); return 250 * time.Millisecond }
	start := time.Now()
	res, err := svc.RunBulk(context.Background(), r)
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("err = %v, want ErrWaitTimeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if !slices.Equal(asked, []int{3}) {
		t.Errorf("budget asked for %v requests", asked)
	}
	if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":pending", bfUserID(2) + ":pending", bfUserID(3) + ":pending"}) {
		t.Fatalf("outcomes = %q", got)
	}
	for i, o := range res.Outcomes {
		if o.Request == nil || o.Request.SentAt == nil || o.ChangeID != NullString(fmt.Sprintf("chg-%d", i+1)) {
			t.Errorf("pending outcome %d = %+v, request %+v", i, o, o.Request)
		}
	}
	if len(journal.states()) != 3 {
		t.Errorf("journal = %v: pending outcomes must be recorded for --resume", journal.states())
	}
	checkTally(t, res)
	if res.Tally.Pending != 3 {
		t.Errorf("tally = %+v", res.Tally)
	}
}

func TestRunBulkCancelledWhileARequestIsInFlight(t *testing.T) {
	for _, wait := range []bool{false, true} {
		t.Run(fmt.Sprintf("wait=%v", wait), func(t *testing.T) {
			svc, f := newBulkFake(t)
			f.addUsers(1, 3)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.onPost = func(n int, _ string) {
				if n == 2 {
					cancel() // Ctrl-C while request 2 is in flight
				}
			}
			r, _, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
			r.Wait, r.Interval = wait, 100*time.Millisecond
			res, err := svc.RunBulk(ctx, r)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			want := "success"
			if wait {
				want = "pending" // answered, its entry not read
			}
			if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":" + want, bfUserID(2) + ":" + want}) {
				t.Fatalf("outcomes = %q", got)
			}
			if rq := res.Outcomes[1].Request; rq == nil || rq.SentAt == nil || !rq.SentAt.Equal(bfSentAt(2)) {
				t.Errorf("in-flight request = %+v", rq)
			}
			if st := journal.states()[bfUserID(2)]; st != State(want) {
				t.Errorf("journal of the request in flight = %q", st)
			}
			if len(res.NotSent) != 1 || res.NotSent[0].ID != bfUserID(3) || f.postCount() != 2 {
				t.Errorf("not sent %+v, posts %d", res.NotSent, f.postCount())
			}
			checkTally(t, res)
		})
	}
}

func TestRunBulkMaybeAppliedIsPendingAndTheRunGoesOn(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 3)
	f.answer = func(n int, _ string) bfAnswer {
		if n == 2 {
			return bfAnswer{err: &graph.MaybeAppliedError{Method: "POST", Path: "/servicePrincipals/x/synchronization/jobs/y/provisionOnDemand",
				Err: &graph.Error{StatusCode: http.StatusBadGateway, Code: "BadGateway"}}}
		}
		return bfAnswer{result: "Success"}
	}
	r, _, _ := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomeIDs(res.Outcomes); !slices.Equal(got, []string{bfUserID(1) + ":success", bfUserID(2) + ":pending", bfUserID(3) + ":success"}) {
		t.Fatalf("outcomes = %q", got)
	}
	o := res.Outcomes[1]
	if o.Reason == nil || o.Reason.Code != "MaybeApplied" || o.Request == nil || o.Request.SentAt == nil {
		t.Errorf("maybe-applied outcome = %+v, request %+v", o, o.Request)
	}
	checkTally(t, res)
}

func TestRunBulkRecorderFailureStopsTheRun(t *testing.T) {
	t.Run("journal", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(1, 3)
		r, _, journal := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
		journal.fail = func(n int) error {
			if n == 2 {
				return errors.New("disk full")
			}
			return nil
		}
		res, err := svc.RunBulk(context.Background(), r)
		if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "results file") {
			t.Fatalf("err = %v", err)
		}
		// Line 2 is user 1's answer (line 1 its ahead record): the run
		// stops before user 2.
		if f.postCount() != 1 || len(res.NotSent) != 2 {
			t.Errorf("posts %d, not sent %d", f.postCount(), len(res.NotSent))
		}
		checkTally(t, res)
	})
	t.Run("emit", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(1, 3)
		r, _, _ := bfRequest(f, bfUPN(1), bfUPN(2), bfUPN(3))
		r.Emit = func(*Outcome) error { return io.ErrClosedPipe }
		res, err := svc.RunBulk(context.Background(), r)
		if !errors.Is(err, io.ErrClosedPipe) {
			t.Fatalf("err = %v", err)
		}
		if f.postCount() != 1 || len(res.NotSent) != 2 {
			t.Errorf("posts %d, not sent %d", f.postCount(), len(res.NotSent))
		}
	})
}

// A pacer that fails for another reason than ctx (the shared bucket's
// lock file) must stop the run with that error, not end it "successfully"
// with every user left unsent.
func TestRunBulkPacerErrorIsReturned(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 2)
	r, pacer, _ := bfRequest(f, bfUPN(1), bfUPN(2))
	pacer.err = errors.New("ratebucket: lock broken")
	res, err := svc.RunBulk(context.Background(), r)
	if f.postCount() != 0 || len(res.NotSent) != 2 {
		t.Fatalf("posts %d, not sent %d", f.postCount(), len(res.NotSent))
	}
	if err == nil {
		t.Fatal("bulk_run.go run(): a pacer error other than ctx is dropped (notSent, break, no sendErr): RunBulk returns nil with every user unsent")
	}
	if !strings.Contains(err.Error(), "lock broken") {
		t.Errorf("err = %v", err)
	}
}

func TestRunBulkMembersOfAddsTheGroupsUsersOnce(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 3)
	const gid = "11111111-1111-4111-8111-111111111111"
	f.groups[gid] = &bfGroup{id: gid, name: "Sales", users: []string{bfUserID(1), bfUserID(2)}, groups: []string{"22222222-2222-4222-8222-222222222222"}}
	f.groups["22222222-2222-4222-8222-222222222222"] = &bfGroup{id: "22222222-2222-4222-8222-222222222222", name: "EU", users: []string{bfUserID(3)}}
	r, _, _ := bfRequest(f)
	r.Refs = nil
	r.Users = []string{bfUPN(1)}
	r.MembersOf = gid
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.postedIDs(); !slices.Equal(got, []string{bfUserID(1), bfUserID(2), bfUserID(3)}) {
		t.Errorf("sent %q", got)
	}
	var origins []string
	for _, o := range res.Outcomes {
		origins = append(origins, o.Request.Origin)
	}
	if !slices.Equal(origins, []string{"--user", "--members-of Sales", "--members-of Sales"}) {
		t.Errorf("origins = %q", origins)
	}
	if res.Lookups != 3 {
		t.Errorf("lookups = %d", res.Lookups)
	}
	checkTally(t, res)
}

func TestRunBulkUnknownUsers(t *testing.T) {
	t.Run("reported and not sent", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(1, 1)
		var notes []string
		r, _, _ := bfRequest(f, "ghost@contoso.com", bfUPN(1))
		r.Note = func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
		res, err := svc.RunBulk(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unknown) != 1 || res.Unknown[0].Origin != "users.txt:1" || res.Tally.Unknown != 1 || f.postCount() != 1 {
			t.Errorf("unknown %+v, tally %+v, posts %d", res.Unknown, res.Tally, f.postCount())
		}
		if len(notes) != 1 || !strings.Contains(notes[0], "ghost@contoso.com") || !strings.Contains(notes[0], "users.txt:1") {
			t.Errorf("notes = %q", notes)
		}
		checkTally(t, res)
	})
	t.Run("strict sends nothing", func(t *testing.T) {
		svc, f := newBulkFake(t)
		f.addUsers(1, 1)
		r, _, _ := bfRequest(f, bfUPN(1), "ghost@contoso.com")
		r.Strict = true
		_, err := svc.RunBulk(context.Background(), r)
		var nf *NotFoundError
		if !errors.As(err, &nf) || nf.Ref != "ghost@contoso.com" || f.postCount() != 0 {
			t.Errorf("err = %v, posts %d", err, f.postCount())
		}
	})
	t.Run("all unknown", func(t *testing.T) {
		svc, f := newBulkFake(t)
		r, pacer, _ := bfRequest(f, "ghost@contoso.com")
		res, err := svc.RunBulk(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := pacer.counts(); w != 0 || f.postCount() != 0 || res.Tally.Unknown != 1 || len(res.Outcomes) != 0 {
			t.Errorf("waits %d, posts %d, tally %+v", w, f.postCount(), res.Tally)
		}
	})
}

// A results file reused for another app or job says nothing about this
// one: its records are not taken as done, and a note says so.
func TestRunBulkResumeIgnoresOtherJobs(t *testing.T) {
	svc, f := newBulkFake(t)
	f.addUsers(1, 2)
	r, _, _ := bfRequest(f, bfUPN(1), bfUPN(2))
	r.Prior = bfPrior{bfUserID(1): {JobID: "SlackOutDelta.x.y", State: StateSuccess, Line: 1}}
	var notes []string
	r.Note = func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	res, err := svc.RunBulk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if f.postCount() != 2 || res.Tally.Resumed != 0 {
		t.Errorf("posts %d, resumed %d: a record of another job was trusted", f.postCount(), res.Tally.Resumed)
	}
	if len(notes) == 0 || !strings.Contains(strings.Join(notes, "\n"), "another app or job") {
		t.Errorf("notes %q", notes)
	}
}
