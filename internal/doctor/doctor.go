// Package doctor runs the checks of `provctl doctor`: small, bounded units
// whose results form one checklist (ok, warning, failed or skipped, each
// with the fix). A check that depends on another that did not pass is
// skipped with the reason, so the first failure is the one to fix.
//
// The package knows no command line and no provctl package: cmd builds
// the checks from its settings and the sign-in; this package holds the
// runner and the parts that are pure knowledge (reading a network probe,
// a clock skew, a token's claims and the permissions each command needs).
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Status is the result of one line of the checklist.
type Status string

// The statuses, from best to worst; skipped means a check it needs did not
// pass (or time ran out), so it could not tell.
const (
	OK      Status = "ok"
	Warning Status = "warning"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Result is one line of the checklist. Its JSON is {check, status, detail,
// fix}; fix is null when there is nothing to fix.
type Result struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// MarshalJSON writes an empty Fix as null.
func (r Result) MarshalJSON() ([]byte, error) {
	var fix *string
	if r.Fix != "" {
		fix = &r.Fix
	}
	return json.Marshal(struct {
		Check  string  `json:"check"`
		Status Status  `json:"status"`
		Detail string  `json:"detail"`
		Fix    *string `json:"fix"`
	}{r.Check, r.Status, r.Detail, fix})
}

// Passed reports whether the line lets dependent checks run.
func (r Result) Passed() bool { return r.Status == OK || r.Status == Warning }

// Check is one unit of the checklist. It may report several lines (the
// phases of a connection, one line per permission); it passes when all of
// them do.
type Check struct {
	Name    string        // what Needs of later checks refer to
	Needs   []string      // checks that must have passed first
	Timeout time.Duration // bound of this check; 0 is the runner's
	Run     func(ctx context.Context) []Result
}

// Runner runs checks in order, each bounded, all within a total bound.
type Runner struct {
	Each  time.Duration // default bound of one check (DefaultEach when 0)
	Total time.Duration // bound of the whole run (DefaultTotal when 0)
	// Started, when set, is told of each check as it starts (the i-th of
	// n, from 1), for a progress line; skipped checks do not start.
	Started func(name string, i, n int)
}

// Default bounds: a check that needs more than a few seconds is itself the
// answer (a silent server, a firewall that drops packets).
const (
	DefaultEach  = 5 * time.Second
	DefaultTotal = time.Minute
)

// Run runs the checks in order and returns every line. A check whose
// needs did not pass is skipped, naming the first of them; when the total
// bound (or ctx's deadline) passes the remaining checks are skipped. If
// ctx is canceled (Ctrl-C), Run returns the lines so far and ctx's error.
func (r Runner) Run(ctx context.Context, checks []Check) ([]Result, error) {
	each, total := r.Each, r.Total
	if each <= 0 {
		each = DefaultEach
	}
	if total <= 0 {
		total = DefaultTotal
	}
	allCtx, cancel := context.WithTimeout(ctx, total)
	defer cancel()
	passed := map[string]bool{}
	skipped := map[string]string{} // why a check was not run
	var out []Result
	for i, c := range checks {
		if err := interrupted(ctx); err != nil {
			return out, err
		}
		why := unmet(c.Needs, passed, skipped)
		if allCtx.Err() != nil {
			why = fmt.Sprintf("the checks ran out of time (at most %s in all)", total)
		}
		if why != "" {
			skipped[c.Name] = why
			out = append(out, Result{Check: c.Name, Status: Skipped, Detail: "not run: " + why})
			continue
		}
		if r.Started != nil {
			r.Started(c.Name, i+1, len(checks))
		}
		results := runOne(allCtx, c, each)
		if err := interrupted(ctx); err != nil {
			return out, err
		}
		ok := true
		for _, res := range results {
			ok = ok && res.Passed()
		}
		passed[c.Name] = ok
		out = append(out, results...)
	}
	return out, nil
}

// interrupted is ctx's error when it was canceled (Ctrl-C). A deadline
// (--command-timeout) is not: the checks left are reported as skipped.
func interrupted(ctx context.Context) error {
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// unmet says why a check with these needs cannot run, or "". A need that
// was itself skipped passes its reason on, so every skipped line names the
// check that actually failed.
func unmet(needs []string, passed map[string]bool, skipped map[string]string) string {
	for _, n := range needs {
		if passed[n] {
			continue
		}
		if why, ok := skipped[n]; ok {
			return why
		}
		return "needs " + n + ", which did not pass"
	}
	return ""
}

// runOne runs c under its bound and makes sure it says something.
func runOne(ctx context.Context, c Check, each time.Duration) []Result {
	bound := c.Timeout
	if bound <= 0 {
		bound = each
	}
	cctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	results := c.Run(cctx)
	for i := range results {
		if results[i].Check == "" {
			results[i].Check = c.Name
		}
	}
	if len(results) == 0 {
		return []Result{{Check: c.Name, Status: Failed, Detail: "the check gave no result"}}
	}
	return results
}

// TimedOut reports whether err is a check's bound passing.
func TimedOut(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

// Count returns how many lines have each status.
func Count(results []Result) map[Status]int {
	n := map[Status]int{}
	for _, r := range results {
		n[r.Status]++
	}
	return n
}
