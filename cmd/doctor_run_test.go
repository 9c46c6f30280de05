package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/emulator"
	"github.com/provctl/provctl/internal/emulator/tenant"
	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// emulatorEnv starts an emulator in this process (on tenantFile, ""
// for the built-in tenant) and returns its variables, signed in with its
// static token.
func emulatorEnv(t testing.TB, tenantFile string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "emu.env")
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", EnvFile: envFile, Dir: dir, TenantFile: tenantFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	fh, err := os.Open(envFile)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	env := map[string]string{"PROVCTL_CONFIG_DIR": filepath.Join(dir, "cfg")}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok && !strings.HasPrefix(k, "#") {
			env[k] = strings.Trim(v, "'")
		}
	}
	env["PROVCTL_ACCESS_TOKEN"] = env["PROVCTL_EMULATOR_TOKEN"]
	return env
}

// doctorEmulator is emulatorEnv for the doctor and auth status tests.
func doctorEmulator(t *testing.T, tenantFile string) map[string]string {
	t.Helper()
	return emulatorEnv(t, tenantFile)
}

// runProvctl runs provctl in this process with env as its environment,
// with the real sign-in and Graph client.
func runProvctl(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	s, out, errOut := output.Test()
	f := NewFactory(s, func(k string) string { return env[k] })
	root := NewCmdRoot(f)
	root.SetArgs(args)
	code, _ := executeCLI(context.Background(), f, root)
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

func decodeChecklist(t *testing.T, stdout string) map[string]doctor.Result {
	t.Helper()
	var results []doctor.Result
	if err := json.Unmarshal([]byte(stdout), &results); err != nil {
		t.Fatalf("doctor -o json: %v\n%s", err, stdout)
	}
	m := map[string]doctor.Result{}
	for _, r := range results {
		m[r.Check] = r
	}
	return m
}

// The acceptance test, in process: doctor passes against the emulator and
// fails, naming PROVCTL_CA_FILE, without it.
func TestDoctorAgainstTheEmulator(t *testing.T) {
	env := doctorEmulator(t, "")
	r := runProvctl(t, env, "doctor", "--sp", "Box", "-o", "json")
	checkCLI(t, r, ExitOK)
	lines := decodeChecklist(t, r.stdout)
	for name, l := range lines {
		if l.Status != doctor.OK {
			t.Errorf("%s: %+v", name, l)
		}
	}
	for _, name := range []string{"config file", "setting graph-url", "CA certificates", "proxy", "authority TLS", "Graph HTTPS", "clock",
		"sign-in mode", "sign-in", "token audience", "permission to run and control provisioning", "Graph accepts the token", "synchronization API (--sp Box)"} {
		if _, ok := lines[name]; !ok {
			t.Errorf("no line %q", name)
		}
	}
	if strings.Contains(r.stdout+r.stderr, env["PROVCTL_ACCESS_TOKEN"]) {
		t.Error("doctor printed the token")
	}

	env["PROVCTL_CA_FILE"] = ""
	r = runProvctl(t, env, "doctor", "-o", "json")
	checkCLI(t, r, ExitError)
	lines = decodeChecklist(t, r.stdout)
	if l := lines["Graph TLS"]; l.Status != doctor.Failed || !strings.Contains(l.Fix, "PROVCTL_CA_FILE") {
		t.Errorf("Graph TLS without the CA: %+v", l)
	}
	if l := lines["Graph accepts the token"]; l.Status != doctor.Skipped {
		t.Errorf("Graph accepts the token without the CA: %+v", l)
	}
	if !strings.Contains(r.stderr, "checks failed") {
		t.Errorf("stderr %q", r.stderr)
	}
}

// An app registration granted fewer application permissions than the
// commands need: reads pass, the rest warn naming the permission to grant.
func TestDoctorAppOnlyMissingRoles(t *testing.T) {
	seed, err := tenant.Load("")
	if err != nil {
		t.Fatal(err)
	}
	seed.Application.Roles = []string{"Synchronization.Read.All", "Directory.Read.All"}
	data, err := json.Marshal(seed)
	if err != nil {
		t.Fatal(err)
	}
	tenantFile := filepath.Join(t.TempDir(), "tenant.json")
	if err := os.WriteFile(tenantFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := doctorEmulator(t, tenantFile)
	delete(env, "PROVCTL_ACCESS_TOKEN")
	env["PROVCTL_CLIENT_ID"], env["PROVCTL_CLIENT_SECRET"] = env["PROVCTL_EMULATOR_CLIENT_ID"], env["PROVCTL_EMULATOR_CLIENT_SECRET"]
	r := runProvctl(t, env, "doctor", "--sp", "Box", "-o", "json")
	checkCLI(t, r, ExitOK)
	lines := decodeChecklist(t, r.stdout)
	if l := lines["sign-in mode"]; l.Status != doctor.OK || !strings.HasPrefix(l.Detail, "secret: app "+env["PROVCTL_CLIENT_ID"]) {
		t.Errorf("sign-in mode: %+v", l)
	}
	if l := lines["permission to read jobs and outcomes"]; l.Status != doctor.OK {
		t.Errorf("reads: %+v", l)
	}
	run := lines["permission to run and control provisioning"]
	if run.Status != doctor.Warning || !strings.Contains(run.Detail, "application permission (roles) Synchronization.ReadWrite.All") ||
		!strings.Contains(run.Fix, "grant the app registration "+env["PROVCTL_CLIENT_ID"]+" the Microsoft Graph application permission Synchronization.ReadWrite.All") {
		t.Errorf("run: %+v", run)
	}
	if l := lines["permission to read provisioning logs"]; l.Status != doctor.Warning || !strings.Contains(l.Detail, "AuditLog.Read.All") {
		t.Errorf("logs: %+v", l)
	}
	if l := lines["synchronization API (--sp Box)"]; l.Status != doctor.OK {
		t.Errorf("--sp Box: %+v", l)
	}
	if strings.Contains(r.stdout+r.stderr, env["PROVCTL_CLIENT_SECRET"]) {
		t.Error("doctor printed the client secret")
	}
}

// doctorRun with hand-made options: a server whose clock is ahead, and a
// Graph double for the token's check.
func TestDoctorRunClockSkew(t *testing.T) {
	for _, tc := range []struct {
		ahead  time.Duration
		status doctor.Status
		code   int
	}{{0, doctor.OK, ExitOK}, {3 * time.Minute, doctor.Warning, ExitOK}, {10 * time.Minute, doctor.Failed, ExitError}} {
		t.Run(tc.ahead.String(), func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", time.Now().Add(tc.ahead).UTC().Format(http.TimeFormat))
				w.Header().Set("Content-Type", "application/json")
				if strings.HasSuffix(r.URL.Path, "/openid-configuration") {
					_, _ = w.Write([]byte(`{"token_endpoint":"` + "https://" + r.Host + `/contoso.test/oauth2/v2.0/token"}`))
					return
				}
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}`))
			}))
			defer srv.Close()
			reg := &graphtest.Registry{}
			graphSelfStub(reg, graphtest.JSON(200, `{"value":[]}`))
			env := map[string]string{"PROVCTL_ACCESS_TOKEN": rtToken}
			streams, out, _ := output.Test()
			printer, err := output.NewPrinter(streams, output.JSON, "")
			if err != nil {
				t.Fatal(err)
			}
			opts := &DoctorOptions{
				Settings: Settings{Tenant: "contoso.test", ClientID: auth.DefaultClientID, Cloud: "global", GraphURL: srv.URL,
					AuthorityHost: srv.URL, APIVersion: "beta", ConfigDir: t.TempDir()},
				ConfigFile: filepath.Join(t.TempDir(), "config.yaml"),
				Getenv:     func(k string) string { return env[k] },
				Auth:       auth.Config{GraphURL: srv.URL, AuthorityHost: srv.URL, Env: func(k string) string { return env[k] }},
				NewHTTP:    func() (*http.Client, error) { return srv.Client(), nil },
				Proxy:      http.ProxyFromEnvironment,
				Graph:      func(auth.TokenSource) (provision.GraphAPI, error) { return reg.Client(), nil },
				Now:        time.Now,
				Streams:    streams,
				Printer:    printer,
			}
			err = doctorRun(context.Background(), opts)
			if code := exitCode(err); code != tc.code {
				t.Errorf("exit %d (%v), want %d\n%s", code, err, tc.code, out)
			}
			lines := decodeChecklist(t, out.String())
			if l := lines["clock"]; l.Status != tc.status || (tc.status != doctor.OK && !strings.Contains(l.Fix, "NTP")) {
				t.Errorf("clock: %+v", l)
			}
			if l := lines["Graph accepts the token"]; l.Status != doctor.OK {
				t.Errorf("Graph accepts the token: %+v", l)
			}
			if l := lines["token"]; l.Status != doctor.OK || !strings.Contains(l.Detail, "megan@contoso.test") {
				t.Errorf("token: %+v", l)
			}
		})
	}
}

// The checklist shows every line whole (wrapped on a terminal, never
// cut), and the fix under a failed one.
func TestDoctorView(t *testing.T) {
	results := []doctor.Result{
		{Check: "Graph TLS", Status: doctor.Failed, Detail: strings.Repeat("a long diagnosis ", 12), Fix: "set PROVCTL_CA_FILE"},
		{Check: "clock", Status: doctor.OK, Detail: "fine"},
	}
	for _, tty := range []bool{false, true} {
		s, out, _ := output.Test()
		s.StdoutTTY, s.Width = tty, 80
		p, err := output.NewPrinter(s, output.Table, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Print(results, doctorView(results)); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(out.String()), " ") // a terminal wraps long lines
		for _, want := range []string{strings.TrimSpace(strings.Repeat("a long diagnosis ", 12)), "fix", "set PROVCTL_CA_FILE", "Summary", "1 failed, 1 ok"} {
			if !strings.Contains(text, want) {
				t.Errorf("tty=%v: no %q in\n%s", tty, want, text)
			}
		}
	}
}
