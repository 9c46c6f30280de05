package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func check(name string, status Status, needs ...string) Check {
	return Check{Name: name, Needs: needs, Run: func(context.Context) []Result {
		return []Result{{Status: status, Detail: name + " ran"}}
	}}
}

func TestRunnerSkipsWhatNeedsAFailure(t *testing.T) {
	results, err := Runner{}.Run(context.Background(), []Check{
		check("a", OK),
		check("b", Failed, "a"),
		check("c", OK, "b"),
		check("d", OK, "c"), // skipped because of b, not of c
		check("e", Warning, "a"),
		check("f", OK, "e"), // a warning passes
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		check  string
		status Status
		detail string
	}{
		{"a", OK, "a ran"},
		{"b", Failed, "b ran"},
		{"c", Skipped, "not run: needs b, which did not pass"},
		{"d", Skipped, "not run: needs b, which did not pass"},
		{"e", Warning, "e ran"},
		{"f", OK, "f ran"},
	}
	if len(results) != len(want) {
		t.Fatalf("results %+v", results)
	}
	for i, w := range want {
		if r := results[i]; r.Check != w.check || r.Status != w.status || r.Detail != w.detail {
			t.Errorf("line %d = %+v, want %+v", i, r, w)
		}
	}
	if n := Count(results); n[OK] != 2 || n[Failed] != 1 || n[Skipped] != 2 || n[Warning] != 1 {
		t.Errorf("Count = %v", n)
	}
}

// A check is cut at its bound; once the total bound has passed, the rest
// is skipped with the reason.
func TestRunnerBounds(t *testing.T) {
	slow := Check{Name: "slow", Run: func(ctx context.Context) []Result {
		<-ctx.Done()
		return []Result{{Status: Failed, Detail: "no answer: " + ctx.Err().Error()}}
	}}
	results, err := Runner{Each: 20 * time.Millisecond, Total: 50 * time.Millisecond}.Run(context.Background(), []Check{
		slow, {Name: "slow 2", Run: slow.Run}, {Name: "slow 3", Run: slow.Run}, check("after", OK),
	})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != Failed || !strings.Contains(results[0].Detail, "deadline exceeded") {
		t.Errorf("slow: %+v", results[0])
	}
	last := results[len(results)-1]
	if last.Check != "after" || last.Status != Skipped || !strings.Contains(last.Detail, "ran out of time") {
		t.Errorf("after the total bound: %+v", last)
	}
}

// Ctrl-C ends the run at once with the context's error.
func TestRunnerInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	results, err := Runner{}.Run(ctx, []Check{
		check("a", OK),
		{Name: "interrupting", Run: func(context.Context) []Result { cancel(); return []Result{{Status: OK}} }},
		check("never", OK),
	})
	if err != context.Canceled || len(results) != 1 {
		t.Errorf("err %v, results %+v", err, results)
	}
}

func TestRunnerCheckWithoutResult(t *testing.T) {
	results, _ := Runner{}.Run(context.Background(), []Check{{Name: "mute", Run: func(context.Context) []Result { return nil }}})
	if len(results) != 1 || results[0].Status != Failed || results[0].Check != "mute" {
		t.Errorf("results %+v", results)
	}
}

func TestResultJSON(t *testing.T) {
	out, err := json.Marshal([]Result{
		{Check: "a", Status: OK, Detail: "fine"},
		{Check: "b", Status: Failed, Detail: "broken", Fix: "mend it"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"check":"a","status":"ok","detail":"fine","fix":null},{"check":"b","status":"failed","detail":"broken","fix":"mend it"}]`
	if string(out) != want {
		t.Errorf("JSON\n%s\nwant\n%s", out, want)
	}
}

// Started hears of each check that runs, in order, before it runs: a
// progress line can name the one being run.
func TestRunnerTellsWhichCheckStarts(t *testing.T) {
	var started []string
	running := ""
	during := Check{Name: "b", Needs: []string{"a"}, Run: func(context.Context) []Result {
		return []Result{{Status: OK, Detail: "ran while " + running + " was shown"}}
	}}
	results, err := Runner{Started: func(name string, i, n int) {
		running = name
		started = append(started, fmt.Sprintf("%s %d/%d", name, i, n))
	}}.Run(context.Background(), []Check{check("a", OK), during, check("c", Failed), check("d", OK, "c")})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(started, ", "); got != "a 1/4, b 2/4, c 3/4" {
		t.Errorf("started %q (a skipped check does not start)", got)
	}
	if results[1].Detail != "ran while b was shown" {
		t.Errorf("b: %+v", results[1])
	}
}
