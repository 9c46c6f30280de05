package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// In-process tests of `provision run` over a list of users (--from,
// --members-of, --dry-run, --results/--resume, -o jsonl).

const (
	rbLeeID = "1c4e7a9b-2d5f-4a8c-b1e3-5f7a9c1e3b5d"
	rbLee   = `{"id":"1c4e7a9b-2d5f-4a8c-b1e3-5f7a9c1e3b5d","displayName":"Lee Gu","userPrincipalName":"lee@contoso.com","mail":"lee.gu@contoso.com"}`
	rbAdele = `{"id":"9bb0f679-a883-4a6f-8260-35b491b8b8c8","displayName":"Adele Vance","userPrincipalName":"adele@contoso.com","mail":"adele.vance@contoso.com"}`
)

// rbWrite writes a --from file and returns its path.
func rbWrite(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunBulkFlagsToOptions(t *testing.T) {
	good := rbWrite(t, "users.txt", "# wave 1\nadele@contoso.com\n9bb0f679-a883-4a6f-8260-35b491b8b8c8\nlee@contoso.com\nadele@contoso.com\n")
	bad := rbWrite(t, "bad.txt", "adele@contoso.com\nadele\nlee@contoso.com\n")
	tests := []struct {
		name  string
		args  []string
		code  int
		check func(t *testing.T, o *RunOptions, stderr string)
	}{
		{"from", []string{"--sp", "Box", "--from", good, "--max-failures", "3", "--strict", "--retry-failed=false", "--skipped-ok", "-q", "--results", "r.jsonl"}, 0,
			func(t *testing.T, o *RunOptions, stderr string) {
				b := o.Bulk
				if len(b.refs) != 3 || b.MaxFailures != 3 || !b.Strict || b.RetryFailed || !b.SkippedOK || !b.Quiet || b.Results != "r.jsonl" {
					t.Errorf("bulk = %+v", b)
				}
				wantOrigins := []string{good + ":2", good + ":3", good + ":4"}
				for i, r := range b.refs {
					if r.Origin != wantOrigins[i] {
						t.Errorf("ref %d = %+v, want origin %s", i, r, wantOrigins[i])
					}
				}
				if b.refs[1].Kind != "id" || b.refs[0].Kind != "upn" {
					t.Errorf("kinds = %+v", b.refs)
				}
				if !strings.Contains(stderr, "repeats line 2") {
					t.Errorf("no note of the duplicate:\n%s", stderr)
				}
				if b.rate != provision.DefaultRate || b.pacingDir == "" {
					t.Errorf("pacing = %+v in %q", b.rate, b.pacingDir)
				}
			}},
		{"bad line", []string{"--sp", "Box", "--from", bad}, ExitUsage,
			func(t *testing.T, _ *RunOptions, stderr string) {
				if !strings.Contains(stderr, bad+":2") || !strings.Contains(stderr, "adele") {
					t.Errorf("the bad line is not named:\n%s", stderr)
				}
			}},
		{"skip invalid", []string{"--sp", "Box", "--from", bad, "--skip-invalid"}, 0,
			func(t *testing.T, o *RunOptions, stderr string) {
				if len(o.Bulk.refs) != 2 || o.Bulk.refs[1].Origin != bad+":3" {
					t.Errorf("refs = %+v", o.Bulk.refs)
				}
				if !strings.Contains(stderr, "skipped") {
					t.Errorf("stderr:\n%s", stderr)
				}
			}},
		{"default retry-failed", []string{"--sp", "Box", "--from", good}, 0,
			func(t *testing.T, o *RunOptions, _ string) {
				if !o.Bulk.RetryFailed || o.Bulk.MaxFailures != 0 || o.Bulk.DryRun {
					t.Errorf("defaults = %+v", o.Bulk)
				}
			}},
		{"members-of", []string{"--sp", "Box", "--members-of", "Onboarding Wave", "--dry-run"}, 0,
			func(t *testing.T, o *RunOptions, _ string) {
				if o.Bulk.MembersOf != "Onboarding Wave" || !o.Bulk.DryRun || len(o.Bulk.refs) != 0 {
					t.Errorf("bulk = %+v", o.Bulk)
				}
			}},
		{"resume not there yet", []string{"--sp", "Box", "--from", good, "--resume", filepath.Join(t.TempDir(), "none.jsonl")}, 0,
			func(t *testing.T, o *RunOptions, stderr string) {
				if o.Bulk.prior != nil || !strings.Contains(stderr, "nothing to resume") {
					t.Errorf("prior %+v, stderr:\n%s", o.Bulk.prior, stderr)
				}
			}},
		{"missing file", []string{"--sp", "Box", "--from", filepath.Join(t.TempDir(), "none.txt")}, ExitUsage, nil},
		{"column without from", []string{"--sp", "Box", "--members-of", "Sales", "--column", "upn"}, ExitUsage, nil},
		{"max failures negative", []string{"--sp", "Box", "--from", good, "--max-failures", "-1"}, ExitUsage, nil},
		{"max failures negative, one user", []string{"--sp", "Box", "--user", "a@contoso.com", "--max-failures", "-1"}, ExitUsage, nil},
		{"from with group", []string{"--sp", "Box", "--from", good, "--group", "Sales"}, ExitUsage, nil},
		{"members-of with group", []string{"--sp", "Box", "--members-of", "Sales", "--group", "Eng"}, ExitUsage, nil},
		{"dry-run with group", []string{"--sp", "Box", "--group", "Sales", "--dry-run"}, ExitUsage, nil},
		{"resume stdin", []string{"--sp", "Box", "--from", good, "--resume", "-"}, ExitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := testFactory(nil)
			var got *RunOptions
			err := runFlags(t, NewCmdRun(f, func(_ context.Context, o *RunOptions) error { got = o; return nil }), tt.args)
			if code := exitCode(err); code != tt.code {
				t.Fatalf("exit %d (%v), want %d\nstderr:\n%s", code, err, tt.code, errOut)
			}
			if tt.code != 0 && got != nil {
				t.Errorf("refused, yet the run was started")
			}
			if tt.check != nil {
				tt.check(t, got, errOut.String())
			}
		})
	}
}

// --column and the other list flags mean nothing without a list: refused,
// as --column is with --members-of.
func TestRunBulkFlagsWithoutAList(t *testing.T) {
	f, _, _ := testFactory(nil)
	called := false
	err := runFlags(t, NewCmdRun(f, func(context.Context, *RunOptions) error { called = true; return nil }),
		[]string{"--sp", "Box", "--user", "a@contoso.com", "--column", "upn"})
	if code := exitCode(err); code != ExitUsage {
		t.Fatalf("provision_run_bulk.go bulkFlagsUsed/prepareBulk: --column without --from is accepted with one --user (exit %d, run started %v)", code, called)
	}
}

func TestRunBulkFromStdin(t *testing.T) {
	f, _, _ := testFactory(nil)
	f.Streams.In.(*bytes.Buffer).WriteString("userPrincipalName,department\nadele@contoso.com,Sales\nlee@contoso.com,Eng\n")
	var got *RunOptions
	err := runFlags(t, NewCmdRun(f, func(_ context.Context, o *RunOptions) error { got = o; return nil }), []string{"--sp", "Box", "--from", "-"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Bulk.refs) != 2 || got.Bulk.refs[0].Origin != "stdin:2" || got.Bulk.refs[1].Ref != "lee@contoso.com" {
		t.Errorf("refs = %+v", got.Bulk.refs)
	}
}

// rbOnDemand is a provisionOnDemand answer (docs/graph.md) about userID.
func rbOnDemand(status, userID, upn string) string {
	key := `{"result":"` + status + `","details":{}}`
	value := `{"action":"Create","changeId":"c-` + userID[:8] + `","reportableIdentifier":"` + upn + `",
	"provisioningSteps":[{"name":"EntryExportAdd","type":"Export","status":"` + status + `","description":"Export of User '` + upn + `' to Box","timestamp":"2026-11-30T10:00:01.1Z","details":{}}],
	"statusInfo":{"status":"` + status + `","errorCode":null,"reason":null,"additionalDetails":null,"errorCategory":null,"recommendedAction":null},
	"sourceIdentity":{"id":"` + userID + `","type":"User","displayName":null,"details":null}}`
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	return `{"key":` + string(k) + `,"value":` + string(v) + `}`
}

// rbStubs registers the service principal, the users' lookup and one
// provisionOnDemand answer per user, in order.
func rbStubs(reg *graphtest.Registry, statuses ...string) *graphtest.Stub {
	reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
	reg.Register("GET", "users", graphtest.JSON(200, `{"value":[`+rbAdele+`,`+rbLee+`]}`)).
		Query(graphtest.QueryHas("$filter", "userPrincipalName in ('adele@contoso.com','lee@contoso.com')"))
	var last *graphtest.Stub
	users := [][2]string{{rtUserID, "adele@contoso.com"}, {rbLeeID, "lee@contoso.com"}}
	for i, st := range statuses {
		last = reg.Register("POST", rtJobPath+"/provisionOnDemand", graphtest.JSON(200, rbOnDemand(st, users[i][0], users[i][1]))).Once()
	}
	return last
}

// rbArgs is a run over adele and lee from a file.
func rbArgs(t *testing.T, extra ...string) []string {
	from := rbWrite(t, "wave.txt", "adele@contoso.com\nlee@contoso.com\n")
	return append([]string{"provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--from", from}, extra...)
}

var rbEnv = map[string]string{"PROVCTL_ON_DEMAND_RATE": "1000/1s"}

func TestRunBulkJSONLPrintsOneLinePerOutcome(t *testing.T) {
	reg, _ := graphtest.New(t)
	rbStubs(reg, "Success", "Skipped")
	r := runCLI(t, false, reg, rbEnv, rbArgs(t, "-o", "jsonl")...)
	checkCLI(t, r, ExitSkipped)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("stdout has %d lines, want 2:\n%s", len(lines), r.stdout)
	}
	for i, want := range []struct{ state, ref, id string }{{"success", "adele@contoso.com", rtUserID}, {"skipped", "lee@contoso.com", rbLeeID}} {
		var o struct {
			State   string `json:"state"`
			Request struct {
				Ref, ID, Origin string
				SentAt          *string `json:"sentAt"`
			} `json:"request"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &o); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, lines[i])
		}
		if o.State != want.state || o.Request.Ref != want.ref || o.Request.ID != want.id || o.Request.SentAt == nil || !strings.HasSuffix(o.Request.Origin, "wave.txt:"+string(rune('1'+i))) {
			t.Errorf("line %d = %s", i+1, lines[i])
		}
		var compact bytes.Buffer
		_ = json.Compact(&compact, []byte(lines[i]))
		if compact.String() != lines[i] {
			t.Errorf("line %d is not compact", i+1)
		}
	}
	// People still get the summary, on stderr.
	if !strings.Contains(r.stderr, "2 of 2 done") || !strings.Contains(r.stderr, "1 skipped") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestRunBulkTableEndsWithSummary(t *testing.T) {
	reg, _ := graphtest.New(t)
	rbStubs(reg, "Success", "Success")
	r := runCLI(t, true, reg, rbEnv, rbArgs(t)...)
	checkCLI(t, r, ExitOK)
	plain := stripANSI(r.stdout)
	iLee, iSum := strings.Index(plain, "lee@contoso.com"), strings.Index(plain, "Summary")
	if iLee < 0 || iSum < iLee || !strings.Contains(plain[iSum:], "2 of 2") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	if strings.Contains(plain[iSum:], "Failures") {
		t.Errorf("a failures section without failures:\n%s", plain)
	}
}

// In a pipe a table's stdout is one row per user (what cut and grep work
// with); the summary goes to stderr.
func TestRunBulkTableInAPipeKeepsTheSummaryOnStderr(t *testing.T) {
	reg, _ := graphtest.New(t)
	rbStubs(reg, "Success", "Success")
	r := runCLI(t, false, reg, rbEnv, append(rbArgs(t), "--no-headers")...)
	checkCLI(t, r, ExitOK)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 2 || strings.Contains(r.stdout, "Summary") {
		t.Fatalf("stdout should be the two rows alone:\n%s", r.stdout)
	}
	for _, l := range lines {
		if strings.Count(l, "\t") != 4 {
			t.Errorf("not a row of five tab-separated cells: %q", l)
		}
	}
	if !strings.Contains(r.stderr, "Summary") || !strings.Contains(r.stderr, "2 of 2") {
		t.Errorf("stderr should hold the summary:\n%s", r.stderr)
	}
}

func TestRunBulkSkippedOK(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
	}{
		{nil, ExitSkipped},
		{[]string{"--skipped-ok"}, ExitOK},
	} {
		reg, _ := graphtest.New(t)
		rbStubs(reg, "Skipped", "Skipped")
		r := runCLI(t, false, reg, rbEnv, rbArgs(t, append([]string{"-o", "json"}, tt.args...)...)...)
		checkCLI(t, r, tt.code)
	}
}

// --skipped-ok is documented for `provision run`, one user included.
func TestRunSkippedOKWithOneUser(t *testing.T) {
	reg, _ := graphtest.New(t)
	rtRunStubs(reg, graphtest.JSON(200, rtOnDemand("Skipped", "RedundantExport", "already match")))
	r := runCLI(t, false, reg, rbEnv, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID, "--skipped-ok", "-o", "json")
	if r.code == ExitSkipped {
		t.Fatal("provision_run.go runRun: --skipped-ok is ignored with a single --user (exit 6, not 0)")
	}
	checkCLI(t, r, ExitOK)
}

func TestRunBulkBadFileSendsNothing(t *testing.T) {
	reg, _ := graphtest.New(t)
	from := rbWrite(t, "wave.txt", "adele@contoso.com\nnot a user\n")
	r := runCLI(t, false, reg, rbEnv, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--from", from)
	checkCLI(t, r, ExitUsage)
	if n := len(reg.Requests()); n != 0 || r.stdout != "" || !strings.Contains(r.stderr, "--skip-invalid") {
		t.Errorf("%d requests, stdout %q\nstderr:\n%s", n, r.stdout, r.stderr)
	}
}

func TestRunBulkDryRunSendsNothing(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
	reg.Register("GET", "users", graphtest.JSON(200, `{"value":[`+rbAdele+`,`+rbLee+`]}`))
	reg.Register("GET", rtSPPath+"/appRoleAssignedTo", graphtest.JSON(200, `{"value":[{"id":"a1","principalId":"`+rtUserID+`","principalType":"User","principalDisplayName":"Adele Vance"}]}`))
	r := runCLI(t, false, reg, rbEnv, rbArgs(t, "--dry-run", "-o", "json")...)
	checkCLI(t, r, ExitOK)
	var plan provision.Plan
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if plan.Counts.Send != 1 || plan.Counts.NotAssigned != 1 || len(plan.Items) != 2 || plan.Items[1].Action != "skip" {
		t.Errorf("plan = %+v", plan)
	}
	for _, q := range reg.Requests() {
		if q.Method != http.MethodGet {
			t.Errorf("a dry run sent %s", q)
		}
	}
}

// rbCLI is runCLI with the caller's context (Ctrl-C).
func rbCLI(t *testing.T, ctx context.Context, reg *graphtest.Registry, args ...string) cliResult {
	t.Helper()
	s, out, errOut := output.Test()
	vars := map[string]string{"PROVCTL_CONFIG_DIR": t.TempDir()}
	for k, v := range rbEnv {
		vars[k] = v
	}
	f := NewFactory(s, func(k string) string { return vars[k] })
	f.ServiceFunc = func(*cobra.Command, ...string) (*provision.Service, error) {
		return &provision.Service{Graph: reg.Client()}, nil
	}
	root := NewCmdRoot(f)
	root.SetArgs(args)
	code, _ := executeCLI(ctx, f, root)
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

func TestRunBulkInterruptedPrintsTheResumeHint(t *testing.T) {
	for _, format := range []string{"table", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reg, _ := graphtest.New(t)
			reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
			reg.Register("GET", "users", graphtest.JSON(200, `{"value":[`+rbAdele+`,`+rbLee+`]}`))
			reg.Register("POST", rtJobPath+"/provisionOnDemand", func(*http.Request) graphtest.Answer {
				cancel() // Ctrl-C while the first request is in flight
				return graphtest.Answer{Status: 200, Body: rbOnDemand("Success", rtUserID, "adele@contoso.com")}
			}).Once()
			results := filepath.Join(t.TempDir(), "r.jsonl")
			r := rbCLI(t, ctx, reg, rbArgs(t, "--results", results, "-o", format)...)
			checkCLI(t, r, ExitInterrupted)
			if !strings.Contains(r.stderr, "interrupted: 1 of 2 done") || !strings.Contains(r.stderr, "--resume "+results) {
				t.Errorf("stderr:\n%s", r.stderr)
			}
			data, err := os.ReadFile(results)
			if err != nil {
				t.Fatal(err)
			}
			// The record written before the request, then its answer.
			if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 2 || !strings.Contains(lines[0], `"code":"Sending"`) || !strings.Contains(lines[1], `"state":"success"`) {
				t.Errorf("results file:\n%s", data)
			}
			switch format {
			case "jsonl":
				if strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, `"state":"success"`) {
					t.Errorf("stdout:\n%s", r.stdout)
				}
			case "table":
				if r.stdout != "" {
					t.Errorf("stdout after Ctrl-C:\n%s", r.stdout)
				}
			}
		})
	}
}
