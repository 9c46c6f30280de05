package cmd

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// rtJWT is an unsigned JWT with the given payload: status reads its claims
// without checking a signature.
func rtJWT(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

var rtToken = rtJWT(`{"exp":4102444800,"preferred_username":"megan@contoso.test","tid":"6a2de586-6d0e-4e39-a06f-39c6893e0873","appid":"14d82eec-204b-4c2f-b7e8-296a70dab67e","scp":"Synchronization.Read.All AuditLog.Read.All"}`)

// graphSelfStub answers the probe `auth status` sends Graph: its own
// service principal, looked up by appId.
func graphSelfStub(reg *graphtest.Registry, answer graphtest.Responder) *graphtest.Stub {
	return reg.Register("GET", "servicePrincipals", answer).Query(graphtest.QueryContains("$filter", "appId eq '00000003-0000-0000-c000-000000000000'"))
}

func TestAuthStatusRun(t *testing.T) {
	env := map[string]string{"PROVCTL_ACCESS_TOKEN": rtToken}
	for _, tty := range []bool{false, true} {
		for _, mode := range []struct {
			name string
			args []string
		}{{"table", nil}, {"json", []string{"-o", "json"}}, {"jq", []string{"--jq", ".mode + \" \" + .account"}}} {
			t.Run(fmt.Sprintf("tty=%v/%s", tty, mode.name), func(t *testing.T) {
				reg := &graphtest.Registry{}
				graphSelfStub(reg, graphtest.JSON(200, `{"value":[{"id":"7a9c1e3b-5d7f-4a2c-8e0b-4f6a8c0e2d4b","appId":"00000003-0000-0000-c000-000000000000","displayName":"Microsoft Graph"}]}`)).Once()
				r := runCLI(t, tty, reg, env, append([]string{"auth", "status"}, mode.args...)...)
				checkCLI(t, r, ExitOK)
				plain := stripANSI(r.stdout)
				switch mode.name {
				case "table":
					for _, want := range []string{"Mode", "static", "megan@contoso.test", "Token expires", "2100-01-01", "Synchronization.Read.All AuditLog.Read.All",
						"Checked", "Graph accepted the token (a static token has no authority to ask)"} {
						if !strings.Contains(plain, want) {
							t.Errorf("table lacks %q:\n%s", want, plain)
						}
					}
				case "json":
					if !strings.Contains(r.stdout, `"mode": "static"`) || !strings.Contains(r.stdout, `"expiresOn": "2100-01-01T`) ||
						!strings.Contains(r.stdout, `"check": {
    "authority": "skipped",
    "graph": "ok"
  }`) {
						t.Errorf("json:\n%s", r.stdout)
					}
				case "jq":
					if strings.TrimSpace(r.stdout) != "static megan@contoso.test" {
						t.Errorf("jq %q", r.stdout)
					}
				}
				if strings.Contains(r.stdout+r.stderr, rtToken) {
					t.Error("status printed the token")
				}
				if r.stderr != "" {
					t.Errorf("stderr %q", r.stderr)
				}
				if n := len(reg.Requests()); n != 1 {
					t.Errorf("%d Graph requests, want the one probe", n)
				}
			})
		}
	}
	t.Run("refused by Graph", func(t *testing.T) {
		reg := &graphtest.Registry{}
		graphSelfStub(reg, graphtest.Error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."))
		r := runCLI(t, false, reg, env, "auth", "status", "-o", "json")
		checkCLI(t, r, ExitAuth)
		if !strings.Contains(r.stdout, `"graph": "failed"`) || !strings.Contains(r.stderr, "PROVCTL_ACCESS_TOKEN") {
			t.Errorf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		}
	})
	t.Run("accepted without read permission", func(t *testing.T) {
		reg := &graphtest.Registry{}
		graphSelfStub(reg, graphtest.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."))
		r := runCLI(t, false, reg, env, "auth", "status")
		checkCLI(t, r, ExitOK)
		if !strings.Contains(r.stdout, "refused this sign-in to read service principals") {
			t.Errorf("stdout:\n%s", r.stdout)
		}
	})
	t.Run("offline sends nothing", func(t *testing.T) {
		reg := &graphtest.Registry{}
		r := runCLI(t, false, reg, env, "auth", "status", "--offline", "--jq", ".check")
		checkCLI(t, r, ExitOK)
		if strings.TrimSpace(r.stdout) != `{
  "authority": "skipped",
  "graph": "skipped"
}` || len(reg.Requests()) != 0 {
			t.Errorf("stdout %q, %d requests", r.stdout, len(reg.Requests()))
		}
	})
	t.Run("expired token", func(t *testing.T) {
		r := runCLI(t, false, &graphtest.Registry{}, map[string]string{"PROVCTL_ACCESS_TOKEN": rtJWT(`{"exp":1000000000}`)}, "auth", "status")
		checkCLI(t, r, ExitAuth)
		if r.stdout != "" || !strings.Contains(r.stderr, "expired") {
			t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
		}
	})
	t.Run("not signed in", func(t *testing.T) {
		r := runCLI(t, false, &graphtest.Registry{}, nil, "auth", "status")
		checkCLI(t, r, ExitAuth)
		if r.stdout != "" || !strings.Contains(r.stderr, "provctl login") {
			t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
		}
	})
}

func TestAuthTokenRun(t *testing.T) {
	env := map[string]string{"PROVCTL_ACCESS_TOKEN": rtToken}
	r := runCLI(t, false, &graphtest.Registry{}, env, "auth", "token")
	checkCLI(t, r, ExitOK)
	if r.stdout != rtToken+"\n" || r.stderr != "" {
		t.Errorf("pipe: stdout %q stderr %q", r.stdout, r.stderr)
	}
	r = runCLI(t, true, &graphtest.Registry{}, env, "auth", "token")
	checkCLI(t, r, ExitOK)
	if r.stdout != rtToken+"\n" || !strings.Contains(r.stderr, "secret") {
		t.Errorf("terminal: stdout %q stderr %q", r.stdout, r.stderr)
	}
	r = runCLI(t, false, &graphtest.Registry{}, nil, "auth", "token")
	checkCLI(t, r, ExitAuth)
	if r.stdout != "" {
		t.Errorf("not signed in: stdout %q", r.stdout)
	}
}

func TestLogoutRun(t *testing.T) {
	r := runCLI(t, false, &graphtest.Registry{}, nil, "logout")
	checkCLI(t, r, ExitOK)
	if r.stdout != "" || !strings.Contains(r.stderr, "Signed out") || strings.Contains(r.stderr, "warning") {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	r = runCLI(t, false, &graphtest.Registry{}, map[string]string{"PROVCTL_ACCESS_TOKEN": rtToken}, "logout")
	checkCLI(t, r, ExitOK)
	if !strings.Contains(r.stderr, "PROVCTL_ACCESS_TOKEN is still set") {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestDurationText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{{"30s", "30s"}, {"4m30s", "4m30s"}, {"45m", "45m"}, {"2h5m", "2h05m"}, {"72h", "3d"}, {"-5s", "0s"}} {
		d, err := time.ParseDuration(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := durationText(d); got != tc.want {
			t.Errorf("durationText(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// runAuthStatusBounded runs `auth status` as runCLI does (Graph is reg),
// with each side of the check bounded by bound.
func runAuthStatusBounded(t *testing.T, reg *graphtest.Registry, env map[string]string, bound time.Duration, args ...string) cliResult {
	t.Helper()
	s, out, errOut := output.Test()
	vars := map[string]string{"PROVCTL_CONFIG_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	f := NewFactory(s, func(k string) string { return vars[k] })
	f.ServiceFunc = func(*cobra.Command, ...string) (*provision.Service, error) {
		return &provision.Service{Graph: reg.Client()}, nil
	}
	root := NewCmdRoot(f)
	authCmd, _, err := root.Find([]string{"auth"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range authCmd.Commands() {
		if c.Name() == "status" {
			authCmd.RemoveCommand(c)
		}
	}
	authCmd.AddCommand(boundedAuthStatus(bound)(f, nil))
	root.SetArgs(append([]string{"auth", "status"}, args...))
	code, _ := executeCLI(context.Background(), f, root)
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

// boundedAuthStatus is `auth status` with each side bounded by bound.
func boundedAuthStatus(bound time.Duration) func(f *Factory, _ *hostGuard) *cobra.Command {
	return func(f *Factory, _ *hostGuard) *cobra.Command {
		return NewCmdAuthStatus(f, func(ctx context.Context, opts *AuthStatusOptions) error {
			opts.AuthorityBound, opts.GraphBound = bound, bound
			return authStatusRun(ctx, opts)
		})
	}
}

// Only a 401 is Graph's verdict on the token: a 500 or silence is Graph
// failing, said with its status and request-id, or with the bound it
// did not answer within (exit 1, not 4).
func TestAuthStatusGraphFailureIsNotTheToken(t *testing.T) {
	env := map[string]string{"PROVCTL_ACCESS_TOKEN": rtToken}
	reg := &graphtest.Registry{}
	graphSelfStub(reg, graphtest.Error(500, "InternalServerError", "Something went wrong."))
	r := runCLI(t, false, reg, env, "auth", "status")
	checkCLI(t, r, ExitError)
	if !strings.Contains(r.stdout, "Checked") || !strings.Contains(r.stdout, "Graph failed (HTTP 500, request-id "+graphtest.ErrorRequestID+"): the token was not checked") ||
		strings.Contains(r.stdout, "did not accept") || !strings.Contains(r.stderr, "asking Graph failed, so the token was not checked: Something went wrong. (InternalServerError, HTTP 500") {
		t.Errorf("500: stdout\n%s\nstderr\n%s", r.stdout, r.stderr)
	}

	reg = &graphtest.Registry{}
	graphSelfStub(reg, func(req *http.Request) graphtest.Answer {
		<-req.Context().Done()
		return graphtest.Answer{Err: req.Context().Err()}
	})
	r = runAuthStatusBounded(t, reg, env, time.Second)
	checkCLI(t, r, ExitError)
	if !strings.Contains(r.stdout, "Graph did not answer within 1s: the token was not checked") ||
		!strings.Contains(r.stderr, "Graph (GET servicePrincipals) did not answer within 1s") || strings.Contains(r.stderr, "deadline exceeded") {
		t.Errorf("silent Graph: stdout\n%s\nstderr\n%s", r.stdout, r.stderr)
	}
}

// An authority that does not answer is named, with the bound, apart from
// Graph's; what is stored is still shown.
func TestAuthStatusNamesASilentAuthority(t *testing.T) {
	env := appOnlyEnv(doctorEmulator(t, ""))
	armFault(t, env, `{"method":"POST","path":"/oauth2/v2.0/token","hang":true,"count":-1}`)
	r, _ := runGuarded(t, env, false, "auth status", boundedAuthStatus(time.Second), "auth", "status")
	checkCLI(t, r, ExitError)
	who := "the authority (" + env["PROVCTL_AUTHORITY_HOST"] + ") did not answer within 1s"
	if !strings.Contains(r.stdout, "Checked") || !strings.Contains(r.stdout, who) || !strings.Contains(r.stderr, who) {
		t.Errorf("stdout\n%s\nstderr\n%s", r.stdout, r.stderr)
	}
}

// statusKeys is the sorted key set of `auth status -o json`.
func statusKeys(t *testing.T, stdout string) ([]string, map[string]any) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, m
}

// The JSON keeps its keys whatever the mode and the path (online or
// --offline): an unknown value is null, times are whole seconds in UTC;
// the table always says when the token expires.
func TestAuthStatusJSONKeepsItsKeys(t *testing.T) {
	const want = "account authorityHost cacheFile check clientId cloud expiresOn mode scopes sources tenant"
	for name, token := range map[string]string{"jwt": rtToken, "junk": "junk-static-token"} {
		env := map[string]string{"PROVCTL_ACCESS_TOKEN": token}
		for _, args := range [][]string{{"-o", "json"}, {"--offline", "-o", "json"}} {
			reg := &graphtest.Registry{}
			graphSelfStub(reg, graphtest.JSON(200, `{"value":[]}`))
			r := runCLI(t, false, reg, env, append([]string{"auth", "status"}, args...)...)
			checkCLI(t, r, ExitOK)
			keys, m := statusKeys(t, r.stdout)
			if got := strings.Join(keys, " "); got != want {
				t.Errorf("%s %v: keys %q, want %q", name, args, got, want)
			}
			switch name {
			case "jwt":
				if m["expiresOn"] != "2100-01-01T00:00:00Z" || m["cacheFile"] != nil || m["sources"] != nil {
					t.Errorf("%s %v: %v", name, args, m)
				}
			case "junk":
				if m["expiresOn"] != nil || m["account"] != nil || m["tenant"] != nil || m["clientId"] != nil {
					t.Errorf("%s %v: unknown values are not null: %v", name, args, m)
				}
			}
		}
		r := runCLI(t, false, &graphtest.Registry{}, env, "auth", "status", "--offline")
		if !strings.Contains(r.stdout, "Token expires") {
			t.Errorf("%s: the table has no expiry line:\n%s", name, r.stdout)
		}
	}
}

// A certificate file that cannot work is a usage error naming its
// variable (exit 2): nothing was sent, and signing in again would not help.
func TestAuthStatusUnreadableCertificateIsAUsageError(t *testing.T) {
	env := appOnlyEnv(doctorEmulator(t, ""))
	delete(env, "PROVCTL_CLIENT_SECRET")
	for _, cert := range []string{filepath.Join(t.TempDir(), "nonexistent.pem"), env["PROVCTL_CA_FILE"]} { // a PEM without a key
		env["PROVCTL_CLIENT_CERTIFICATE"] = cert
		r := runProvctl(t, env, "auth", "status")
		checkCLI(t, r, ExitUsage)
		if !strings.Contains(r.stderr, "PROVCTL_CLIENT_CERTIFICATE: ") || !strings.Contains(r.stderr, cert) || r.stdout != "" {
			t.Errorf("%s: stdout %q stderr %q", cert, r.stdout, r.stderr)
		}
	}
}
