package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// arm posts one fault or a list and fails the test unless it is accepted.
func (h *harness) arm(f any) {
	h.t.Helper()
	wantStatus(h.t, h.call("POST", "/_emulator/faults", f), http.StatusNoContent)
}

// send makes a request bounded by ctx and returns the status and body, or
// the error of a request that got no complete answer.
func (h *harness) send(ctx context.Context, method, path, ctype, body string, headers ...string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, h.s.URL()+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// recordedStatus waits for the request log to hold a request to path and
// returns its status.
func (h *harness) recordedStatus(path string) int {
	h.t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		var recs []requestRecord
		_ = json.Unmarshal(h.call("GET", "/_emulator/requests", nil).raw, &recs)
		for _, rec := range recs {
			if rec.Path == path {
				return rec.Status
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("no request to %s was recorded", path)
	return -1
}

// Item 21: a delay cut short by the server closing must not turn into an
// empty 200; the client sees the connection end instead.
func TestDelayCutByCloseAnswersNothing(t *testing.T) {
	h := start(t, Options{})
	jobs := "/beta/servicePrincipals/" + boxSP + "/synchronization/jobs"
	h.arm(fault{Path: jobs, DelayMs: 60000})
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		st, body, err := h.send(context.Background(), "GET", jobs, "", "", "Authorization", "Bearer "+h.token)
		done <- result{st, body, err}
	}()
	time.Sleep(200 * time.Millisecond) // the request is waiting in the delay
	began := time.Now()
	_ = h.s.Close()
	select {
	case res := <-done:
		if res.err == nil {
			t.Errorf("a delay cut short answered %d %q; want no answer", res.status, res.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request outlived the server")
	}
	if d := time.Since(began); d > 1500*time.Millisecond {
		t.Errorf("Close took %v: the delay was not cut short", d)
	}
}

// Item 21, the other way: the client gives up during a delay. Nothing is
// answered, and the request log says so (status 0) instead of claiming 200.
func TestDelayCutByClientRecordsNoAnswer(t *testing.T) {
	h := start(t, Options{})
	jobs := "/beta/servicePrincipals/" + boxSP + "/synchronization/jobs"
	h.arm(fault{Path: jobs, DelayMs: 60000})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if st, body, err := h.send(ctx, "GET", jobs, "", "", "Authorization", "Bearer "+h.token); err == nil {
		t.Fatalf("answered %d %q", st, body)
	}
	if st := h.recordedStatus(jobs); st != 0 {
		t.Errorf("recorded status %d for a request that got no answer", st)
	}
}

// hang never answers; it ends when the client gives up, also for POSTs with
// a body (the token endpoint, provisionOnDemand), and when the server closes.
func TestHang(t *testing.T) {
	h := start(t, Options{})
	onDemandPath := jobPath(boxSP, boxJob) + "/provisionOnDemand"
	token := "/organizations/oauth2/v2.0/token"
	h.arm([]fault{{Method: "POST", Path: "/provisionOnDemand", Hang: true}, {Path: token, Hang: true, Count: -1}})

	cases := []struct{ path, ctype, body string }{
		{onDemandPath, "application/json", `{"parameters":[{"ruleId":"` + boxRule + `","subjects":[{"objectId":"` + adeleID + `","objectTypeName":"User"}]}]}`},
		{token, "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + appID + "&client_secret=x"},
	}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		began := time.Now()
		st, body, err := h.send(ctx, "POST", c.path, c.ctype, c.body, "Authorization", "Bearer "+h.token)
		cancel()
		if err == nil {
			t.Errorf("%s: a hang answered %d %q", c.path, st, body)
		}
		if d := time.Since(began); d < 300*time.Millisecond {
			t.Errorf("%s: gave up after %v, before the client's deadline", c.path, d)
		}
		// The server noticed the client leaving (it had read the body).
		if st := h.recordedStatus(c.path); st != 0 {
			t.Errorf("%s: recorded status %d", c.path, st)
		}
	}

	// The count of 1 is used up: provisionOnDemand answers again.
	wantStatus(t, h.graph("POST", onDemandPath, cases[0].body), http.StatusOK)

	// A hang the client would wait out forever ends with the server.
	done := make(chan error, 1)
	go func() {
		_, _, err := h.send(context.Background(), "POST", token, cases[1].ctype, cases[1].body)
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	_ = h.s.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a hang answered when the server closed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a hang outlived the server")
	}
}
