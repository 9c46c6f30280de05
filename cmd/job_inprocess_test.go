package cmd

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Literal Graph answers (docs/graph.md, "Synchronization jobs", and captured
// real-tenant shapes), never the emulator's output.
const (
	jobTestSPID  = "8783a342-f7a2-46fb-8243-3658cee556ce"
	jobTestSP    = `{"id":"8783a342-f7a2-46fb-8243-3658cee556ce","appId":"11111111-1111-1111-1111-111111111111","displayName":"Contoso HR"}`
	jobTestJobID = "scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.9c1e3a5b-7d9f-4b1d-8e3a-5c7e9b1d3f5a"
	// A job that never ran, as real tenants send it.
	jobTestNeverRan = `{"id":"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.9c1e3a5b-7d9f-4b1d-8e3a-5c7e9b1d3f5a","templateId":"scimOutDelta",
	 "schedule":{"expiration":null,"interval":"PT40M","state":"Active"},
	 "status":{"code":"NotRun","countSuccessiveCompleteFailures":0,"escrowsPruned":false,
	  "lastExecution":{"activityIdentifier":null,"countEntitled":0,"countEscrowed":0,"countExported":0,"countImported":0,
	   "state":"Failed","timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z",
	   "error":{"code":"None","message":"","tenantActionable":false}},
	  "lastSuccessfulExecution":null,"lastSuccessfulExecutionWithExports":null,"progress":[],"quarantine":null,
	  "steadyStateFirstAchievedTime":"0001-01-01T00:00:00Z","steadyStateLastAchievedTime":"0001-01-01T00:00:00Z",
	  "synchronizedEntryCountByType":[],"troubleshootingUrl":null},
	 "synchronizationJobSettings":[]}`
	// A success: its error is code "None", which is no error.
	jobTestSucceeded = `{"id":"BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6","templateId":"BoxOutDelta",
	 "schedule":{"interval":"PT40M","state":"Active"},
	 "status":{"code":"Active","lastExecution":{"state":"Succeeded","timeBegan":"2026-11-30T10:00:00Z","timeEnded":"2026-11-30T10:00:03Z",
	   "countImported":3,"countExported":1,"error":{"code":"None","message":"","tenantActionable":false}},
	  "quarantine":{"currentBegan":"","reason":"","error":{"code":"None","message":"","tenantActionable":false}}}}`
	// Microsoft's documented schema example shape: rules without id, one
	// without editable or priority.
	jobTestSchema = `{"directories":[],"synchronizationRules":[
	  {"id":"03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8","name":"USER_TO_USER","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"customappsso","priority":1,"editable":true,
	   "objectMappings":[{"enabled":true,"sourceObjectName":"User","targetObjectName":"User"}]},
	  {"name":"GROUP_TO_GROUP","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"customappsso",
	   "objectMappings":[{"sourceObjectName":"Group","targetObjectName":"Group"}]}]}`
	jobTestEmptyToken = `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.","innerError":{"date":"2026-11-30T10:00:00","request-id":"0b2c6a8e-1f3d-4c5b-9a7e-2d4f6b8c0e1a","client-request-id":"5e7a9c1b-3d5f-4a6c-8e0b-2c4e6a8c0d2f"}}}`
)

// jobTestGraph serves answers by path (without /beta); a missing path is 404.
type jobTestAnswer struct {
	status int
	body   string
}

func jobTestGraph(t *testing.T, answers map[string]jobTestAnswer) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[strings.TrimPrefix(r.URL.Path, "/beta")]
		if !ok {
			a = jobTestAnswer{404, `{"error":{"code":"Request_ResourceNotFound","message":"not here"}}`}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// jobTestRun runs provctl in-process against srv as Execute does, and
// returns stdout, stderr and the exit code.
func jobTestRun(t *testing.T, srv *httptest.Server, args ...string) (string, string, int) {
	t.Helper()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := testFactory(map[string]string{
		"PROVCTL_GRAPH_URL": srv.URL, "PROVCTL_AUTHORITY_HOST": srv.URL, "PROVCTL_CA_FILE": ca,
		"PROVCTL_ACCESS_TOKEN": "opaque-test-token", "PROVCTL_CONFIG_DIR": dir,
	})
	root := NewCmdRoot(f)
	root.SetArgs(args)
	code := ExitOK
	if err := root.ExecuteContext(context.Background()); err != nil {
		code = report(f.Streams, err, reportContext{scopes: f.scopes})
	}
	return out.String(), errOut.String(), code
}

// A 401 keeps Graph's code, message and request-id on the error line, with
// the sign-in fix beside it as a hint.
func TestUnauthorizedKeepsGraphsWords(t *testing.T) {
	srv := jobTestGraph(t, map[string]jobTestAnswer{
		"/servicePrincipals/" + jobTestSPID: {401, jobTestEmptyToken},
	})
	stdout, stderr, code := jobTestRun(t, srv, "job", "list", "--sp", jobTestSPID)
	if code != ExitAuth {
		t.Errorf("exit %d, want %d\n%s", code, ExitAuth, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 2 {
		t.Fatalf("stderr:\n%s", stderr)
	}
	for _, want := range []string{"error: ", "Access token is empty.", "InvalidAuthenticationToken", "HTTP 401", "request-id 0b2c6a8e-1f3d-4c5b-9a7e-2d4f6b8c0e1a"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("error line lacks %q: %s", want, lines[0])
		}
	}
	if !strings.HasPrefix(lines[1], "hint: ") || !strings.Contains(lines[1], "PROVCTL_ACCESS_TOKEN") || !strings.Contains(lines[1], "provctl login") {
		t.Errorf("hint line: %s", lines[1])
	}
	if strings.Contains(stderr, "opaque-test-token") {
		t.Error("the token was printed")
	}
}

func TestJobNeverRan(t *testing.T) {
	srv := jobTestGraph(t, map[string]jobTestAnswer{
		"/servicePrincipals/" + jobTestSPID:                                           {200, jobTestSP},
		"/servicePrincipals/" + jobTestSPID + "/synchronization/jobs":                 {200, `{"value":[` + jobTestNeverRan + `,` + jobTestSucceeded + `]}`},
		"/servicePrincipals/" + jobTestSPID + "/synchronization/jobs/" + jobTestJobID: {200, jobTestNeverRan},
	})
	t.Run("list table", func(t *testing.T) {
		stdout, stderr, code := jobTestRun(t, srv, "job", "list", "--sp", jobTestSPID)
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		rows := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(rows) != 3 || rows[0] != "ID\tTEMPLATE\tSTATUS\tSCHEDULE\tLAST RUN\tLAST STATE" {
			t.Fatalf("table:\n%s", stdout)
		}
		if !strings.HasSuffix(rows[1], "\tNotRun\tevery 40 min\tnever ran\t—") {
			t.Errorf("never-run row: %q", rows[1])
		}
		if !strings.HasSuffix(rows[2], "\t2026-11-30T10:00:03Z\tSucceeded") {
			t.Errorf("succeeded row: %q", rows[2])
		}
		if strings.Contains(stdout, "Failed") {
			t.Errorf("a job that never ran shows as failed:\n%s", stdout)
		}
	})
	t.Run("show table", func(t *testing.T) {
		stdout, stderr, code := jobTestRun(t, srv, "job", "show", "--sp", jobTestSPID, "--job", jobTestJobID)
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "never ran") || strings.Contains(stdout, "Failed") || strings.Contains(stdout, "None") {
			t.Errorf("show:\n%s", stdout)
		}
		if !strings.Contains(stdout, "Last execution") {
			t.Errorf("show lacks the last execution line:\n%s", stdout)
		}
	})
	t.Run("show json", func(t *testing.T) {
		stdout, stderr, code := jobTestRun(t, srv, "job", "show", "--sp", jobTestSPID, "--job", jobTestJobID, "-o", "json", "--jq", ".lastExecution")
		if code != ExitOK || strings.TrimSpace(stdout) != "null" {
			t.Errorf("exit %d, lastExecution %q\n%s", code, stdout, stderr)
		}
	})
}

// A success's error {"code":"None"} is never shown as an error.
func TestJobShowNoneIsNoError(t *testing.T) {
	const jobID = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	srv := jobTestGraph(t, map[string]jobTestAnswer{
		"/servicePrincipals/" + jobTestSPID:                                    {200, jobTestSP},
		"/servicePrincipals/" + jobTestSPID + "/synchronization/jobs/" + jobID: {200, jobTestSucceeded},
	})
	stdout, stderr, code := jobTestRun(t, srv, "job", "show", "--sp", jobTestSPID, "--job", jobID)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stdout, "None") || strings.Contains(stdout, "Error") {
		t.Errorf("None shown as an error:\n%s", stdout)
	}
	if !strings.Contains(stdout, "Succeeded") || !strings.Contains(stdout, "imported 3, exported 1") {
		t.Errorf("show:\n%s", stdout)
	}
}

func TestJobRulesWithoutIDs(t *testing.T) {
	srv := jobTestGraph(t, map[string]jobTestAnswer{
		"/servicePrincipals/" + jobTestSPID: {200, jobTestSP},
		"/servicePrincipals/" + jobTestSPID + "/synchronization/jobs/" + jobTestJobID + "/schema": {200, jobTestSchema},
	})
	stdout, stderr, code := jobTestRun(t, srv, "job", "rules", "--sp", jobTestSPID, "--job", jobTestJobID)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(rows) != 3 || !strings.HasPrefix(rows[1], "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8\tUSER_TO_USER\t") || !strings.HasPrefix(rows[2], "(none)\tGROUP_TO_GROUP\t") {
		t.Errorf("table:\n%s", stdout)
	}
	want := `warning: rule "GROUP_TO_GROUP" (rule 2) has no id in the job schema: it cannot be used with --rule` + "\n"
	if stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}

	stdout, _, code = jobTestRun(t, srv, "job", "rules", "--sp", jobTestSPID, "--job", jobTestJobID, "-o", "json",
		"--jq", `.[1] | [.id, .priority, .editable, .objectMappings[0].enabled] | map(tostring) | join(",")`)
	if code != ExitOK || strings.TrimSpace(stdout) != "null,null,null,null" {
		t.Errorf("exit %d, absent fields %q (want all null)", code, stdout)
	}
	stdout, _, _ = jobTestRun(t, srv, "job", "rules", "--sp", jobTestSPID, "--job", jobTestJobID, "-o", "json",
		"--jq", `.[0] | [.priority, .editable] | map(tostring) | join(",")`)
	if strings.TrimSpace(stdout) != "1,true" {
		t.Errorf("present fields %q", stdout)
	}
}
