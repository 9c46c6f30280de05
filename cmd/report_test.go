package cmd

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/graph"
)

const reportTestToken = "opaque-report-token-0042"

// reportTestRun runs provctl in-process against h exactly as Execute
// reports errors, with a static token unless env says otherwise, and
// returns stdout, stderr, the exit code and how many requests h saw.
func reportTestRun(t *testing.T, h http.HandlerFunc, env map[string]string, args ...string) (string, string, int, int) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	full := map[string]string{
		"PROVCTL_GRAPH_URL": srv.URL, "PROVCTL_AUTHORITY_HOST": srv.URL, "PROVCTL_CA_FILE": ca,
		"PROVCTL_ACCESS_TOKEN": reportTestToken, "PROVCTL_CONFIG_DIR": dir,
	}
	for k, v := range env {
		full[k] = strings.ReplaceAll(v, "$SERVER", srv.URL)
	}
	f, out, errOut := testFactory(full)
	root := NewCmdRoot(f)
	root.SetArgs(args)
	code := ExitOK
	if err := root.ExecuteContext(context.Background()); err != nil {
		code = report(f.Streams, err, f.reportContext())
	}
	return out.String(), errOut.String(), code, int(hits.Load())
}

func graphJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

// Graph's message echoing the bearer token never reaches the error line.
func TestReportRedactsEchoedToken(t *testing.T) {
	const jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJncmFwaCJ9.c2lnbmF0dXJlLWFjY2Vzcw"
	_, stderr, code, _ := reportTestRun(t, func(w http.ResponseWriter, r *http.Request) {
		graphJSON(w, 400, fmt.Sprintf(`{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Received: %s (%s)"}}`, r.Header.Get("Authorization"), jwt))
	}, nil, "job", "list", "--sp", jobTestSPID)
	if code != ExitError {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, reportTestToken) || strings.Contains(stderr, "eyJ") {
		t.Errorf("token on stderr:\n%s", stderr)
	}
	if !strings.Contains(stderr, "Received: Bearer [redacted]") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// A token with a line break, or port 99999, is not retried for seconds:
// exit 2 at once, naming the setting, nothing sent.
func TestReportPermanentLocalSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"token with a line break", map[string]string{"PROVCTL_ACCESS_TOKEN": "first\nsecond"}, []string{"error: PROVCTL_ACCESS_TOKEN: the access token cannot be sent", "hint: remove the line break from PROVCTL_ACCESS_TOKEN"}},
		{"graph url port 99999", map[string]string{"PROVCTL_GRAPH_URL": "https://127.0.0.1:99999"}, []string{`PROVCTL_GRAPH_URL "https://127.0.0.1:99999" has an invalid port`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, stderr, code, hits := reportTestRun(t, func(w http.ResponseWriter, r *http.Request) { graphJSON(w, 200, jobTestSP) }, tt.env, "job", "list", "--sp", jobTestSPID)
			if code != ExitUsage || hits != 0 {
				t.Errorf("exit %d, %d requests\n%s", code, hits, stderr)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "first") || strings.Contains(stderr, "second") {
				t.Errorf("token shown:\n%s", stderr)
			}
		})
	}
}

// A bad URL is reported under the name it was given: the config key, not
// the variable the user never set.
func TestReportNamesSettingSource(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("graph-url: http://graph.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code, _ := reportTestRun(t, func(http.ResponseWriter, *http.Request) {},
		map[string]string{"PROVCTL_GRAPH_URL": "", "PROVCTL_CONFIG_DIR": dir}, "job", "list", "--sp", jobTestSPID)
	want := `graph-url in config file ` + filepath.Join(dir, "config.yaml") + ` "http://graph.example" must use https`
	if code != ExitUsage || !strings.Contains(stderr, want) || strings.Contains(stderr, "PROVCTL_GRAPH_URL") {
		t.Errorf("exit %d, want %q in:\n%s", code, want, stderr)
	}
	_, stderr, _, _ = reportTestRun(t, func(http.ResponseWriter, *http.Request) {}, map[string]string{"PROVCTL_TENANT": "a/b"}, "job", "list", "--sp", jobTestSPID)
	if !strings.Contains(stderr, "PROVCTL_TENANT: invalid tenant") {
		t.Errorf("tenant source:\n%s", stderr)
	}
}

// A next link already read ends the listing at once with exit 1.
func TestReportRepeatedNextLink(t *testing.T) {
	stdout, stderr, code, hits := reportTestRun(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/jobs") {
			base := "https://" + r.Host
			graphJSON(w, 200, `{"value":[`+jobTestSucceeded+`],"@odata.nextLink":"`+base+`/beta/servicePrincipals/`+jobTestSPID+`/synchronization/jobs?$skiptoken=same"}`)
			return
		}
		graphJSON(w, 200, jobTestSP)
	}, nil, "job", "list", "--sp", jobTestSPID)
	if code != ExitError || stdout != "" {
		t.Errorf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "@odata.nextLink leads back to page 2") || !strings.Contains(stderr, "$skiptoken=same") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if hits > 4 {
		t.Errorf("%d requests", hits)
	}
}

// A redirect to another host is refused (exit 1) and nobody blames the token.
func TestReportRefusedRedirect(t *testing.T) {
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		graphJSON(w, 401, jobTestEmptyToken)
	}))
	defer other.Close()
	_, stderr, code, hits := reportTestRun(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}, nil, "job", "list", "--sp", jobTestSPID)
	if code != ExitError || hits != 1 {
		t.Errorf("exit %d, %d requests\n%s", code, hits, stderr)
	}
	if !strings.Contains(stderr, "refused a redirect to "+other.URL) || strings.Contains(stderr, "PROVCTL_ACCESS_TOKEN") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// A Retry-After past the retry budget says how long Graph asked to wait.
func TestReportRetryAfterPastBudget(t *testing.T) {
	start := time.Now()
	_, stderr, code, _ := reportTestRun(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "900")
		graphJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`)
	}, nil, "job", "list", "--sp", jobTestSPID)
	if code != ExitError || !strings.Contains(stderr, "Graph asked to wait 15m0s") || time.Since(start) > 5*time.Second {
		t.Errorf("exit %d after %s:\n%s", code, time.Since(start), stderr)
	}
}

// A 401 hint names where the token came from.
func TestUnauthorizedHintFollowsSignInMode(t *testing.T) {
	e401 := &graph.Error{StatusCode: 401, Code: "InvalidAuthenticationToken"}
	cfg := Settings{sources: map[string]string{"graph-url": "graph-url in config file /c.yaml"}}
	for mode, want := range map[auth.Mode]string{
		auth.ModeStatic:     "PROVCTL_ACCESS_TOKEN",
		auth.ModeDeviceCode: "run `provctl login` again",
		auth.ModeSecret:     "graph-url in config file /c.yaml",
		auth.ModeFederated:  "app-only token",
	} {
		hint := errorHint(e401, reportContext{mode: mode, settings: cfg})
		if !strings.Contains(hint, want) {
			t.Errorf("%s: hint %q lacks %q", mode, hint, want)
		}
		if mode != auth.ModeStatic && strings.Contains(hint, "PROVCTL_ACCESS_TOKEN") {
			t.Errorf("%s: hint blames PROVCTL_ACCESS_TOKEN: %q", mode, hint)
		}
	}
}

func TestReportInterruptedAfterSend(t *testing.T) {
	f, _, errOut := testFactory(nil)
	err := fmt.Errorf("provision Adele on demand: %w", &graph.MaybeAppliedError{Method: "POST", Path: "/beta/servicePrincipals/s/synchronization/jobs/j/provisionOnDemand", Err: context.Canceled})
	if code := reportInterrupted(f.Streams, err); code != ExitInterrupted {
		t.Errorf("exit %d", code)
	}
	want := "interrupted: the request was sent and may have been applied; check with `provctl provision poll` / `provctl provision logs` before running it again"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q", errOut.String())
	}
	if code := exitCode(err); code != ExitInterrupted {
		t.Errorf("exitCode %d", code)
	}
}

func TestExitCodesOfGraphHardening(t *testing.T) {
	for err, want := range map[error]int{
		&graph.LocalError{Kind: graph.LocalToken, Err: errors.New("x")}:                    ExitUsage,
		&graph.MaybeAppliedError{Err: &graph.Error{StatusCode: 504}}:                       ExitError,
		&graph.MaybeAppliedError{Err: &graph.DecodeError{Err: errors.New("x")}}:            ExitError,
		&graph.NetworkError{Err: &graph.RedirectError{To: "https://x", Reason: "another"}}: ExitError,
	} {
		if got := exitCode(err); got != want {
			t.Errorf("%v: exit %d, want %d", err, got, want)
		}
	}
}
