package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// followClock moves only when the follow waits between polls.
type followClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *followClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *followClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// followEntry is rtLogEntry with its own subject name.
func followEntry(id, subject string) string {
	return strings.Replace(rtLogEntry(id, "success", "null"), `"displayName":"Adele Vance"`, `"displayName":"`+subject+`"`, 1)
}

// followTest runs logsFollow over polls answered in order: the first
// answer is what is already there when the follow starts.
func followTest(t *testing.T, tty bool, format output.Format, jq string, limit int, polls ...string) (stdout, stderr string, err error) {
	t.Helper()
	reg, client := graphtest.New(t)
	for i, body := range polls {
		stub := reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, body)).Once()
		if i == 0 {
			// the first window: the start less --lag
			stub.Query(graphtest.QueryContains("$filter", "jobid eq '"+rtJobID+"' and activityDateTime gt 2026-11-30T09:55:00Z"))
		}
	}
	s, out, errOut := output.Test()
	if tty {
		s.StdoutTTY, s.StderrTTY, s.Color, s.Width = true, true, true, 200
	}
	p, perr := output.NewPrinter(s, format, jq)
	if perr != nil {
		t.Fatal(perr)
	}
	clock := &followClock{now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	opts := &LogsOptions{Job: rtJobID, Follow: true, Interval: 10 * time.Second, Lag: 5 * time.Minute, Limit: limit,
		Printer: p, Service: &provision.Service{Graph: client}, Now: clock.Now, After: clock.After}
	err = logsRun(context.Background(), opts)
	return out.String(), errOut.String(), err
}

// -o jsonl prints one line per entry as it appears, each once, in the
// order they appeared; what was there at the start is not shown.
func TestLogsFollowJSONL(t *testing.T) {
	stdout, stderr, err := followTest(t, false, output.JSONL, "", 3,
		rtLogs(followEntry("old", "Old")),
		rtLogs(followEntry("l1", "A"), followEntry("old", "Old")),
		rtLogs(followEntry("l1", "A"), followEntry("old", "Old")),
		rtLogs(followEntry("l3", "C"), followEntry("l2", "B"), followEntry("l1", "A")),
	)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var o struct {
			ID     string `json:"id"`
			Source string `json:"source"`
		}
		if err := json.Unmarshal([]byte(line), &o); err != nil || o.Source != "provisioningLogs" {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, o.ID)
	}
	if strings.Join(got, ",") != "l1,l2,l3" {
		t.Errorf("ids %v", got)
	}
	if !strings.Contains(stderr, "Following the provisioning logs every 10s, showing entries up to 5m late") {
		t.Errorf("stderr %q", stderr)
	}
}

// A table prints its header once, then the rows of each poll; on a
// terminal later rows keep the widths of earlier ones (a narrower subject
// is padded), so they stay aligned with the header.
func TestLogsFollowTable(t *testing.T) {
	polls := []string{
		rtLogs(),
		rtLogs(followEntry("l1", "Bartholomew Longname")),
		rtLogs(followEntry("l2", "Al"), followEntry("l1", "Bartholomew Longname")),
	}
	for _, tty := range []bool{false, true} {
		stdout, _, err := followTest(t, tty, output.Table, "", 2, polls...)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(stripANSI(stdout), "\n"), "\n")
		if len(lines) != 3 || strings.Count(stdout, "CHANGE ID") != 1 || !strings.Contains(lines[1], "Bartholomew") || !strings.Contains(lines[2], "Al") || strings.Contains(lines[2], "Bartholomew") {
			t.Fatalf("tty=%v table:\n%s", tty, stdout)
		}
		if !tty {
			if !strings.HasPrefix(lines[1], "2026-11-30T10:00:05Z\tsuccess\t") {
				t.Errorf("plain row %q", lines[1])
			}
			continue
		}
		col := strings.Index(lines[0], "CHANGE ID")
		for _, l := range lines[1:] {
			if strings.Index(l, "0f8c1e2a") != col {
				t.Errorf("change id not under its header:\n%s", strings.Join(lines, "\n"))
			}
		}
	}
}

// --timeout ends a follow normally; Ctrl-C ends it with 130.
func TestLogsFollowEnds(t *testing.T) {
	reg, client := graphtest.New(t)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs()))
	s, _, _ := output.Test()
	p, _ := output.NewPrinter(s, output.JSONL, "")
	opts := &LogsOptions{Follow: true, Interval: 20 * time.Millisecond, Lag: time.Minute, Timeout: 150 * time.Millisecond,
		Printer: p, Service: &provision.Service{Graph: client}, Now: time.Now}
	if err := logsRun(context.Background(), opts); err != nil {
		t.Errorf("--timeout: %v, want no error", err)
	}
	if n := len(reg.Requests()); n < 2 {
		t.Errorf("%d polls before the timeout", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	opts.Timeout = time.Minute
	err := logsRun(ctx, opts)
	if !errors.Is(err, context.Canceled) || exitCode(err) != ExitInterrupted {
		t.Errorf("Ctrl-C: %v (exit %d)", err, exitCode(err))
	}
}

// A follow is exempt from --command-timeout as a whole: it ends at its own
// --timeout with exit 0, long after the command timeout.
func TestLogsFollowCommandTimeout(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Query(func(q url.Values) bool {
		return strings.Contains(q.Get("$filter"), "activityDateTime gt ")
	})
	start := time.Now()
	r := runCLI(t, false, reg, nil, "provision", "logs", "--follow", "--interval", "1s", "--timeout", "1500ms", "--command-timeout", "300ms", "-o", "jsonl")
	checkCLI(t, r, ExitOK)
	if time.Since(start) < time.Second || len(reg.Requests()) < 2 || r.stdout != "" {
		t.Errorf("ended after %v and %d polls; stdout %q stderr %q", time.Since(start), len(reg.Requests()), r.stdout, r.stderr)
	}
}

// A poll that fails for a while is noted on stderr and the follow goes on;
// a refused permission ends it with exit 4.
func TestLogsFollowErrors(t *testing.T) {
	reg, client := graphtest.New(t)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Once()
	reg.Register("GET", "auditLogs/provisioning", graphtest.Error(500, "InternalServerError", "Something broke.")).Once()
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(followEntry("l1", "A")))).Once()
	reg.Register("GET", "auditLogs/provisioning", graphtest.WithHeader(403, rtDenied, "request-id", "7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b")).Once()
	s, out, errOut := output.Test()
	p, _ := output.NewPrinter(s, output.JSONL, ".id")
	clock := &followClock{now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	opts := &LogsOptions{Follow: true, Interval: 10 * time.Second, Lag: 5 * time.Minute,
		Printer: p, Service: &provision.Service{Graph: client}, Now: clock.Now, After: clock.After}
	err := logsRun(context.Background(), opts)
	if exitCode(err) != ExitAuth {
		t.Errorf("err %v (exit %d), want the 403", err, exitCode(err))
	}
	if out.String() != "l1\n" {
		t.Errorf("stdout %q", out.String())
	}
	if !strings.Contains(errOut.String(), "warning: read provisioning logs: Something broke. (InternalServerError, HTTP 500") || !strings.Contains(errOut.String(), "trying again in 20s") {
		t.Errorf("stderr %q", errOut.String())
	}
}

// Free text is padded only while the padded row fits the terminal: a
// table that must narrow it would cut the padding with "…". Whole columns
// are always padded.
func TestFollowAlign(t *testing.T) {
	s, _, _ := output.Test()
	s.StdoutTTY, s.Width = true, 25
	o := &followOutput{p: &output.Printer{Streams: s}}
	sec := func(subject string) *output.Section {
		return &output.Section{Columns: []string{"STATE", "SUBJECT", "ID"}, Shrink: []string{"subject"},
			Rows: [][]output.Cell{{{Text: "ok"}, {Text: subject}, {Text: "1"}}}}
	}
	o.align(sec("a long subject name"))
	narrow := sec("al")
	o.align(narrow)
	if got := narrow.Rows[0][0].Text + "|" + narrow.Rows[0][1].Text; got != "ok   |al" {
		t.Errorf("padded %q: the free column is padded past the terminal", got)
	}
	s.Width = 200
	wide := sec("al")
	o.align(wide)
	if got := wide.Rows[0][1].Text; got != "al"+strings.Repeat(" ", 17) {
		t.Errorf("padded %q, want the subject padded to 19", got)
	}
}

// A poll longer than --command-timeout is cut off and outlived, with a note
// that says so.
func TestLogsFollowSlowPoll(t *testing.T) {
	reg, client := graphtest.New(t)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Once()
	reg.Register("GET", "auditLogs/provisioning", func(req *http.Request) graphtest.Answer {
		<-req.Context().Done() // Graph never answers
		return graphtest.Answer{Err: req.Context().Err()}
	}).Once()
	reg.Register("GET", "auditLogs/provisioning", graphtest.Error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")).Once()
	s, _, errOut := output.Test()
	p, _ := output.NewPrinter(s, output.JSONL, "")
	clock := &followClock{now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	opts := &LogsOptions{Follow: true, Interval: 10 * time.Second, Lag: 5 * time.Minute, RequestTimeout: 100 * time.Millisecond,
		Printer: p, Service: &provision.Service{Graph: client}, Now: clock.Now, After: clock.After}
	err := logsRun(context.Background(), opts)
	if exitCode(err) != ExitAuth {
		t.Errorf("err %v (exit %d), want the 401", err, exitCode(err))
	}
	if !strings.Contains(errOut.String(), "warning: a poll took longer than 100ms (--command-timeout); trying again in 20s") {
		t.Errorf("stderr %q", errOut.String())
	}
}
