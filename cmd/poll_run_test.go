package cmd

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// In-process tests of the run functions: the real command tree over a
// graphtest registry, with Graph's answers written as literal JSON from
// docs/graph.md.

const (
	rtSPID   = "5b1d7c3e-2a4f-4e6b-9c8d-0e1f2a3b4c5d"
	rtSP     = `{"id":"5b1d7c3e-2a4f-4e6b-9c8d-0e1f2a3b4c5d","appId":"22222222-2222-2222-2222-222222222222","displayName":"Box"}`
	rtJobID  = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	rtUserID = "9bb0f679-a883-4a6f-8260-35b491b8b8c8"
	rtUser   = `{"id":"9bb0f679-a883-4a6f-8260-35b491b8b8c8","displayName":"Adele Vance","userPrincipalName":"adele@contoso.com"}`
	rtDenied = `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-11-30T10:00:00","request-id":"7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b","client-request-id":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}}}`
)

// rtSPPath and rtJobPath are the stub paths of the test service principal and job.
var (
	rtSPPath  = "servicePrincipals/" + rtSPID
	rtJobPath = rtSPPath + "/synchronization/jobs/" + rtJobID
)

// rtLogEntry is a provisioningObjectSummary (docs/graph.md, "Provisioning
// logs") with the given lower-case status; errorInformation is JSON or null.
func rtLogEntry(id, status, errorInformation string) string {
	return `{"id":"` + id + `","activityDateTime":"2026-11-30T10:00:05Z","changeId":"0f8c1e2a-4b6d-4f8a-9c0e-2a4c6e8a0c2e","cycleId":"cy1",
	 "jobId":"` + rtJobID + `","tenantId":"6a2de586-6d0e-4e39-a06f-39c6893e0873","durationInMilliseconds":812,
	 "servicePrincipal":{"id":"` + rtSPID + `","displayName":"Box"},
	 "initiatedBy":{"id":"","displayName":"Azure AD Provisioning Service","initiatorType":"system"},
	 "sourceIdentity":{"id":"` + rtUserID + `","displayName":"Adele Vance","identityType":"User","details":{}},
	 "targetIdentity":{"id":"5250","displayName":"adele@contoso.com","identityType":"User","details":{}},
	 "sourceSystem":{"id":"s1","displayName":"Azure Active Directory","details":{}},
	 "targetSystem":{"id":"t1","displayName":"Box","details":{}},
	 "provisioningAction":"create",
	 "provisioningStatusInfo":{"status":"` + status + `","errorInformation":` + errorInformation + `},
	 "provisioningSteps":[{"name":"EntryImport","provisioningStepType":"import","status":"success","description":"Retrieved User 'adele@contoso.com' from Azure Active Directory","details":{}},
	  {"name":"EntryExportAdd","provisioningStepType":"export","status":"` + status + `","description":"Export of User 'adele@contoso.com' to Box","details":{}}],
	 "modifiedProperties":[{"displayName":"displayName","oldValue":null,"newValue":"Adele Vance"}]}`
}

const rtConflict = `{"errorCode":"BoxEntryConflict","reason":"The user already exists in Box.","additionalDetails":null,"recommendedAction":"Match the user on email.","errorCategory":"NonServiceFailure"}`

func rtLogs(entries ...string) string { return `{"value":[` + strings.Join(entries, ",") + `]}` }

type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs provctl in-process as Execute does, on a terminal or a pipe,
// with a provision.Service over reg, and returns what it wrote and its
// exit code. env adds variables to an environment that only sets the
// config folder.
func runCLI(t *testing.T, tty bool, reg *graphtest.Registry, env map[string]string, args ...string) cliResult {
	t.Helper()
	s, out, errOut := output.Test()
	if tty {
		s.StdoutTTY, s.StderrTTY, s.Color, s.ErrColor, s.Width, s.ErrWidth = true, true, true, true, 200, 200
	}
	vars := map[string]string{"PROVCTL_CONFIG_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	f := NewFactory(s, func(k string) string { return vars[k] })
	f.ServiceFunc = func(_ *cobra.Command, scopes ...string) (*provision.Service, error) {
		if len(scopes) == 0 {
			t.Error("Service asked without scopes")
		}
		return &provision.Service{Graph: reg.Client()}, nil
	}
	root := NewCmdRoot(f)
	root.SetArgs(args)
	code, err := executeCLI(context.Background(), f, root)
	if code != ExitCodeOf(err) && err != nil && f.commandTimedOut(err) == err {
		t.Errorf("report said %d, ExitCodeOf %d", code, ExitCodeOf(err))
	}
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

// outputModes are the -o/--jq variants every data command is run with.
var outputModes = []struct {
	name string
	args []string
}{
	{"table", nil},
	{"json", []string{"-o", "json"}},
	{"jq", []string{"--jq", ".state"}},
}

func checkCLI(t *testing.T, r cliResult, wantCode int) {
	t.Helper()
	if r.code != wantCode {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, wantCode, r.stdout, r.stderr)
	}
}

func TestPollRunStates(t *testing.T) {
	states := []struct {
		state, logs string
		code        int
	}{
		{"success", rtLogs(rtLogEntry("l1", "success", "null")), ExitOK},
		{"failure", rtLogs(rtLogEntry("l1", "failure", rtConflict)), ExitFailed},
		{"skipped", rtLogs(rtLogEntry("l1", "skipped", "null")), ExitSkipped},
		{"warning", rtLogs(rtLogEntry("l1", "warning", "null")), ExitOK},
		{"pending", rtLogs(), ExitPending},
	}
	for _, st := range states {
		for _, tty := range []bool{false, true} {
			for _, mode := range outputModes {
				t.Run(fmt.Sprintf("%s/tty=%v/%s", st.state, tty, mode.name), func(t *testing.T) {
					reg, _ := graphtest.New(t)
					registerJob(reg) // the logs are read only for a job Graph knows
					reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, st.logs)).
						Query(graphtest.QueryHas("$filter", "jobid eq '"+rtJobID+"'"))
					args := append([]string{"provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--source", "logs"}, mode.args...)
					r := runCLI(t, tty, reg, nil, args...)
					checkCLI(t, r, st.code)
					plain := stripANSI(r.stdout)
					switch mode.name {
					case "table":
						if !strings.Contains(plain, "State") || !strings.Contains(plain, st.state) {
							t.Errorf("table lacks the state:\n%s", r.stdout)
						}
						if tty != strings.Contains(r.stdout, "\x1b[") {
							t.Errorf("color on a terminal only (tty=%v):\n%q", tty, r.stdout)
						}
					case "json":
						if !strings.Contains(r.stdout, `"state": "`+st.state+`"`) || !strings.Contains(r.stdout, `"source": "provisioningLogs"`) {
							t.Errorf("json:\n%s", r.stdout)
						}
					case "jq":
						if strings.TrimSpace(r.stdout) != st.state {
							t.Errorf("--jq .state = %q", r.stdout)
						}
					}
					if st.state == "failure" && mode.name != "jq" && !strings.Contains(plain, "BoxEntryConflict") {
						t.Errorf("the failure's reason is not shown:\n%s", r.stdout)
					}
					if strings.Contains(r.stderr, "error:") {
						t.Errorf("stderr:\n%s", r.stderr)
					}
				})
			}
		}
	}
}

func TestPollRunGraphErrors(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("logs forbidden/tty=%v", tty), func(t *testing.T) {
			reg, _ := graphtest.New(t)
			registerJob(reg) // the logs are read only for a job Graph knows
			reg.Register("GET", "auditLogs/provisioning", graphtest.WithHeader(403, rtDenied, "request-id", "7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b"))
			r := runCLI(t, tty, reg, nil, "provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--source", "logs", "-o", "json")
			checkCLI(t, r, ExitAuth)
			if r.stdout != "" {
				t.Errorf("stdout on an error: %q", r.stdout)
			}
			for _, want := range []string{"error: ", "Insufficient privileges", "HTTP 403", "7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b", "hint: "} {
				if !strings.Contains(stripANSI(r.stderr), want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	t.Run("service principal not found", func(t *testing.T) {
		// An object id is tried as given: Graph's 404s for it lead to
		// resolving it (as an object id, then an appId), which fails.
		reg, _ := graphtest.New(t)
		notFound := graphtest.Error(404, "Request_ResourceNotFound", "Resource '"+rtSPID+"' does not exist.")
		reg.Register("GET", rtSPPath+"/synchronization/jobs/apply."+rtJobID, notFound)
		reg.Register("GET", rtSPPath+"/synchronization/jobs/"+rtJobID, notFound)
		reg.Register("GET", rtSPPath, notFound)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[]}`)).Query(graphtest.QueryContains("$filter", "appId eq"))
		r := runCLI(t, false, reg, nil, "provision", "poll", "--sp", rtSPID, "--job", rtJobID)
		if r.code == ExitOK || r.stdout != "" || !strings.Contains(r.stderr, rtSPID) {
			t.Errorf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
		}
	})
}

func TestPollRunApplySource(t *testing.T) {
	const applySucceeded = `{"id":"apply.` + rtJobID + `","templateId":"BoxOutDelta","status":{"code":"Active",
	  "lastExecution":{"state":"Succeeded","timeBegan":"2026-11-30T10:00:00Z","timeEnded":"2026-11-30T10:00:02Z",
	   "countImported":1,"countExported":1,"countEscrowed":0,"countEntitled":1,"error":{"code":"None","message":"","tenantActionable":false}},
	  "quarantine":null}}`
	t.Run("apply answers", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath+"/synchronization/jobs/apply."+rtJobID, graphtest.JSON(200, applySucceeded))
		r := runCLI(t, false, reg, nil, "provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--jq", ".source + \" \" + .state")
		checkCLI(t, r, ExitOK)
		if strings.TrimSpace(r.stdout) != "apply success" {
			t.Errorf("stdout %q", r.stdout)
		}
		reqs := reg.Requests()
		if got := reqs[len(reqs)-1].Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("apply GET Content-Type %q", got)
		}
	})
	t.Run("no apply resource falls back to the logs", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath+"/synchronization/jobs/apply."+rtJobID, graphtest.Error(400, "BadRequest", "Invalid job id"))
		reg.Register("GET", rtJobPath, graphtest.JSON(200, `{"id":"`+rtJobID+`","templateId":"BoxOutDelta","schedule":{"interval":"PT40M","state":"Active"},"status":{"code":"Active"}}`))
		reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l1", "success", "null"))))
		r := runCLI(t, false, reg, nil, "provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--jq", ".source")
		checkCLI(t, r, ExitOK)
		if strings.TrimSpace(r.stdout) != "provisioningLogs" {
			t.Errorf("stdout %q", r.stdout)
		}
	})
}

func TestPollRunWait(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("pending then success/tty=%v", tty), func(t *testing.T) {
			reg, _ := graphtest.New(t)
			registerJob(reg) // the logs are read only for a job Graph knows
			pending := reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Once()
			done := reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l1", "success", "null"))))
			r := runCLI(t, tty, reg, nil, "provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--source", "logs", "--wait", "--interval", "100ms", "--timeout", "1m", "--jq", ".state")
			checkCLI(t, r, ExitOK)
			if strings.TrimSpace(r.stdout) != "success" {
				t.Errorf("stdout %q", r.stdout)
			}
			if reg.Count(pending) != 1 || reg.Count(done) != 1 {
				t.Errorf("polls: %d pending, %d done", reg.Count(pending), reg.Count(done))
			}
		})
	}
	t.Run("timeout prints the last outcome", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		registerJob(reg) // the logs are read only for a job Graph knows
		reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs()))
		r := runCLI(t, false, reg, nil, "provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--source", "logs", "--wait", "--interval", "100ms", "--timeout", "350ms", "--jq", ".state")
		checkCLI(t, r, ExitPending)
		if strings.TrimSpace(r.stdout) != "pending" {
			t.Errorf("stdout %q", r.stdout)
		}
		if !strings.Contains(r.stderr, "350ms") {
			t.Errorf("stderr does not name the timeout:\n%s", r.stderr)
		}
	})
}

// registerJob stubs the job itself: provctl reads it once before trusting
// the logs, so a mistyped job id is an error rather than pending forever.
func registerJob(reg *graphtest.Registry) {
	reg.Register("GET", rtSPPath+"/synchronization/jobs/"+rtJobID, graphtest.JSON(200, `{"id":"`+rtJobID+`","templateId":"BoxOutDelta"}`))
}

// executeCLI runs root as Execute does: it reports an error on stderr and
// gives the exit code (and the error, for callers that check more).
func executeCLI(ctx context.Context, f *Factory, root *cobra.Command) (int, error) {
	err := root.ExecuteContext(ctx)
	if f.stopTimeout != nil {
		f.stopTimeout()
	}
	if err != nil {
		return report(f.Streams, f.commandTimedOut(err), f.reportContext()), err
	}
	return ExitOK, nil
}
