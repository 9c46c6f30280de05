package cmd

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph/graphtest"
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
