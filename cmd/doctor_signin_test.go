package cmd

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
)

// hostGuard lets requests reach 127.0.0.1 only: any other host is
// refused before its name is looked up, and remembered.
type hostGuard struct {
	mu      sync.Mutex
	refused []string
}

type guardedTransport struct {
	base  http.RoundTripper
	guard *hostGuard
}

func (t guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if host := req.URL.Hostname(); host != "127.0.0.1" {
		t.guard.mu.Lock()
		t.guard.refused = append(t.guard.refused, req.Method+" "+req.URL.Host+req.URL.Path)
		t.guard.mu.Unlock()
		return nil, fmt.Errorf("test: %s is not 127.0.0.1: refused", host)
	}
	return t.base.RoundTrip(req)
}

// wrap returns c with its transport behind the guard.
func (g *hostGuard) wrap(c *http.Client) *http.Client {
	w := *c
	w.Transport = guardedTransport{base: c.Transport, guard: g}
	return &w
}

func (g *hostGuard) Refused() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.refused...)
}

// runGuarded runs provctl in this process as runProvctl does, with every
// request behind a hostGuard, and with the command at path (e.g.
// "doctor", "auth status") built by build when given, so that a test can
// change its options before it runs.
func runGuarded(t *testing.T, env map[string]string, tty bool, path string, build func(f *Factory, g *hostGuard) *cobra.Command, args ...string) (cliResult, *hostGuard) {
	t.Helper()
	s, out, errOut := output.Test()
	if tty {
		s.StdoutTTY, s.StderrTTY, s.Width, s.ErrWidth = true, true, 200, 200
	}
	f := NewFactory(s, func(k string) string { return env[k] })
	guard := &hostGuard{}
	base, err := graph.NewHTTPClient(env["PROVCTL_CA_FILE"], nil)
	if err != nil {
		t.Fatal(err)
	}
	f.httpc = guard.wrap(base) // the sign-in's and Graph's client
	root := NewCmdRoot(f)
	names := strings.Fields(path)
	if build == nil {
		build = func(f *Factory, g *hostGuard) *cobra.Command { return guardedDoctor(nil)(f, g) }
		names = []string{"doctor"}
	}
	parent, _, err := root.Find(names[:len(names)-1])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range parent.Commands() {
		if c.Name() == names[len(names)-1] {
			parent.RemoveCommand(c)
		}
	}
	parent.AddCommand(build(f, guard))
	root.SetArgs(args)
	code, _ := executeCLI(context.Background(), f, root)
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}, guard
}

// guardedDoctor is `doctor` whose probes go through the guard too, with
// change applied to its options.
func guardedDoctor(change func(*DoctorOptions)) func(f *Factory, g *hostGuard) *cobra.Command {
	return func(f *Factory, g *hostGuard) *cobra.Command {
		return NewCmdDoctor(f, func(ctx context.Context, opts *DoctorOptions) error {
			newHTTP := opts.NewHTTP
			opts.NewHTTP = func() (*http.Client, error) {
				c, err := newHTTP()
				if err != nil {
					return nil, err
				}
				return g.wrap(c), nil
			}
			if change != nil {
				change(opts)
			}
			return doctorRun(ctx, opts)
		})
	}
}

// appOnlyEnv is the emulator's app registration signing in with its
// secret (PROVCTL_CLIENT_SECRET), without the static token.
func appOnlyEnv(env map[string]string) map[string]string {
	delete(env, "PROVCTL_ACCESS_TOKEN")
	env["PROVCTL_CLIENT_ID"], env["PROVCTL_CLIENT_SECRET"] = env["PROVCTL_EMULATOR_CLIENT_ID"], env["PROVCTL_EMULATOR_CLIENT_SECRET"]
	return env
}

// App-only sign-in takes AZURE_AUTHORITY_HOST and AZURE_TENANT_ID over the
// config file and the defaults; doctor must probe the authority and tenant
// the sign-in uses, never login.microsoftonline.com behind its back.
func TestDoctorFollowsTheAzureVariablesOfAppOnlySignIn(t *testing.T) {
	t.Run("AZURE_AUTHORITY_HOST", func(t *testing.T) {
		env := appOnlyEnv(doctorEmulator(t, ""))
		env["AZURE_AUTHORITY_HOST"] = env["PROVCTL_AUTHORITY_HOST"]
		delete(env, "PROVCTL_AUTHORITY_HOST")
		r, g := runGuarded(t, env, false, "doctor", guardedDoctor(nil), "doctor", "-o", "json")
		checkCLI(t, r, ExitOK)
		if refused := g.Refused(); len(refused) > 0 {
			t.Errorf("requests left 127.0.0.1: %q", refused)
		}
		lines := decodeChecklist(t, r.stdout)
		if l := lines["authority HTTPS"]; l.Status != doctor.OK {
			t.Errorf("authority HTTPS: %+v", l)
		}
		if l := lines["setting authority-host"]; !strings.Contains(l.Detail, "the app-only sign-in uses "+env["AZURE_AUTHORITY_HOST"]+" from AZURE_AUTHORITY_HOST") {
			t.Errorf("setting authority-host: %+v", l)
		}
		if l := lines["setting cloud"]; !strings.HasPrefix(l.Detail, "custom: ") {
			t.Errorf("setting cloud: %+v", l)
		}
	})
	t.Run("AZURE_TENANT_ID over the config file", func(t *testing.T) {
		env := appOnlyEnv(doctorEmulator(t, ""))
		env["AZURE_TENANT_ID"] = env["PROVCTL_TENANT"]
		delete(env, "PROVCTL_TENANT")
		if err := os.MkdirAll(env["PROVCTL_CONFIG_DIR"], 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(env["PROVCTL_CONFIG_DIR"], "config.yaml"), []byte("tenant: mine.test\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r, g := runGuarded(t, env, false, "doctor", guardedDoctor(nil), "doctor", "-o", "json")
		checkCLI(t, r, ExitOK)
		if refused := g.Refused(); len(refused) > 0 {
			t.Errorf("requests left 127.0.0.1: %q", refused)
		}
		lines := decodeChecklist(t, r.stdout)
		if l := lines["authority HTTPS"]; l.Status != doctor.OK || !strings.Contains(l.Detail, "tenant "+env["AZURE_TENANT_ID"]) {
			t.Errorf("authority HTTPS: %+v", l)
		}
		if l := lines["setting tenant"]; !strings.Contains(l.Detail, "mine.test") || !strings.Contains(l.Detail, "from AZURE_TENANT_ID instead") {
			t.Errorf("setting tenant: %+v", l)
		}
	})
}

// The emulator's own URLs make the cloud "custom", as auth status says,
// whatever the cloud setting.
func TestDoctorShowsTheCloudInUse(t *testing.T) {
	env := doctorEmulator(t, "")
	r := runProvctl(t, env, "doctor", "-o", "json")
	checkCLI(t, r, ExitOK)
	l := decodeChecklist(t, r.stdout)["setting cloud"]
	if !strings.HasPrefix(l.Detail, "custom: the Graph URL (PROVCTL_GRAPH_URL) and the authority host (PROVCTL_AUTHORITY_HOST) in use are not both cloud global's (default)") {
		t.Errorf("setting cloud: %+v", l)
	}
	r = runProvctl(t, env, "auth", "status", "--jq", ".cloud")
	if strings.TrimSpace(r.stdout) != "custom" {
		t.Errorf("auth status says %q", r.stdout)
	}
}

// A config folder others can write to stops the sign-in; the fix is to
// close the folder, not the network.
func TestDoctorSignInFixMatchesTheCause(t *testing.T) {
	env := doctorEmulator(t, "")
	delete(env, "PROVCTL_ACCESS_TOKEN")
	dir := env["PROVCTL_CONFIG_DIR"]
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	r := runProvctl(t, env, "doctor", "-o", "json")
	checkCLI(t, r, ExitError)
	l := decodeChecklist(t, r.stdout)["sign-in"]
	if l.Status != doctor.Failed || !strings.Contains(l.Detail, "writable by other users") ||
		!strings.Contains(l.Fix, "chmod 700 "+dir) || strings.Contains(l.Fix, "network") {
		t.Errorf("sign-in: %+v", l)
	}

	// a certificate file that cannot be read: its variable, not the network
	env = appOnlyEnv(doctorEmulator(t, ""))
	delete(env, "PROVCTL_CLIENT_SECRET")
	env["PROVCTL_CLIENT_CERTIFICATE"] = filepath.Join(t.TempDir(), "none.pem")
	r = runProvctl(t, env, "doctor", "-o", "json")
	checkCLI(t, r, ExitError)
	l = decodeChecklist(t, r.stdout)["sign-in mode"]
	if l.Status != doctor.Failed || !strings.Contains(l.Detail, "PROVCTL_CLIENT_CERTIFICATE: cannot read") ||
		!strings.HasPrefix(l.Fix, "point PROVCTL_CLIENT_CERTIFICATE at the app's certificate") {
		t.Errorf("sign-in mode: %+v", l)
	}
}

// The sign-in check's bound holds in all: a refresh of `provctl login`
// that was sent may outlive its context by auth's grace, so the authority
// gets the bound less the grace.
func TestDoctorSignInBoundCountsTheGrace(t *testing.T) {
	if w := answerWindow(auth.ModeDeviceCode, signInBound); w+auth.RefreshGrace(auth.ModeDeviceCode) != signInBound || w <= 0 {
		t.Errorf("device code: %s to answer and %s of grace, not %s in all", w, auth.RefreshGrace(auth.ModeDeviceCode), signInBound)
	}
	if w := answerWindow(auth.ModeSecret, signInBound); w != signInBound {
		t.Errorf("secret: %s to answer, want the whole %s", w, signInBound)
	}
}

// An authority that never answers the token request: the sign-in line says
// who did not answer within how long, and the check ends at its bound.
func TestDoctorSignInNamesASilentAuthority(t *testing.T) {
	env := appOnlyEnv(doctorEmulator(t, ""))
	armFault(t, env, `{"method":"POST","path":"/oauth2/v2.0/token","hang":true,"count":-1}`)
	r, _ := runGuarded(t, env, false, "doctor", guardedDoctor(func(o *DoctorOptions) { o.SignInBound = time.Second }), "doctor", "-o", "json")
	checkCLI(t, r, ExitError)
	l := decodeChecklist(t, r.stdout)["sign-in"]
	if l.Status != doctor.Failed || l.Detail != "the authority ("+env["PROVCTL_AUTHORITY_HOST"]+") did not answer within 1s" ||
		!strings.Contains(l.Fix, "try again") || !strings.Contains(l.Fix, "PROVCTL_AUTHORITY_HOST") {
		t.Errorf("sign-in: %+v", l)
	}
}

// armFault arms one fault of the emulator's control API.
func armFault(t *testing.T, env map[string]string, fault string) {
	t.Helper()
	client, err := graph.NewHTTPClient(env["PROVCTL_CA_FILE"], nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Post(env["PROVCTL_EMULATOR_URL"]+"/_emulator/faults", "application/json", bytes.NewReader([]byte(fault)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("arming %s: %s", fault, resp.Status)
	}
}

// On a terminal, stderr shows which check runs while the checklist is
// made; in a pipe, stderr stays as it was (empty when all is well).
func TestDoctorShowsProgressOnATerminal(t *testing.T) {
	env := doctorEmulator(t, "")
	r, _ := runGuarded(t, env, true, "", nil, "doctor")
	checkCLI(t, r, ExitOK)
	for _, want := range []string{"provctl doctor", "checking sign-in (", "checking Graph accepts the token ("} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("terminal stderr lacks %q:\n%q", want, r.stderr)
		}
	}
	if !strings.HasSuffix(r.stderr, "\r\x1b[K") {
		t.Errorf("the progress line is not cleared at the end: %q", r.stderr)
	}
	r, _ = runGuarded(t, env, false, "", nil, "doctor")
	checkCLI(t, r, ExitOK)
	if r.stderr != "" {
		t.Errorf("pipe stderr %q", r.stderr)
	}
}
