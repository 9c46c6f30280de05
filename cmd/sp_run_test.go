package cmd

import (
	"fmt"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

const (
	rtSP2ID = "c0ffee00-1234-4abc-8def-0123456789ab"
	rtSPs   = `{"value":[` + rtSP + `,{"id":"` + rtSP2ID + `","appId":"33333333-3333-3333-3333-333333333333","displayName":"Box Sandbox","tags":[]}]}`
)

func TestSPListRun(t *testing.T) {
	for _, tty := range []bool{false, true} {
		for _, mode := range []struct {
			name string
			args []string
		}{{"table", nil}, {"json", []string{"-o", "json"}}, {"jq", []string{"--jq", ".[].id"}}} {
			t.Run(fmt.Sprintf("tty=%v/%s", tty, mode.name), func(t *testing.T) {
				reg, _ := graphtest.New(t)
				reg.Register("GET", "servicePrincipals", graphtest.JSON(200, rtSPs)).Query(graphtest.QueryHas("$filter", "startswith(displayName,'Box')"))
				r := runCLI(t, tty, reg, nil, append([]string{"sp", "list", "--name", "Box"}, mode.args...)...)
				checkCLI(t, r, ExitOK)
				plain := stripANSI(r.stdout)
				switch mode.name {
				case "table":
					if !strings.Contains(plain, "APP ID") || strings.Contains(plain, "JOBS") || !strings.Contains(plain, "Box Sandbox") {
						t.Errorf("table:\n%s", plain)
					}
					if tty != strings.Contains(r.stdout, "\x1b[") {
						t.Errorf("color on a terminal only:\n%q", r.stdout)
					}
				case "json":
					if !strings.Contains(r.stdout, `"appId": "22222222-2222-2222-2222-222222222222"`) || strings.Contains(r.stdout, `"jobs"`) {
						t.Errorf("json:\n%s", r.stdout)
					}
				case "jq":
					if r.stdout != rtSPID+"\n"+rtSP2ID+"\n" {
						t.Errorf("jq %q", r.stdout)
					}
				}
				if r.stderr != "" {
					t.Errorf("stderr %q", r.stderr)
				}
			})
		}
	}
}

func TestSPListRunWithJobs(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", "servicePrincipals", graphtest.JSON(200, rtSPs))
	reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, `{"value":[{"id":"`+rtJobID+`","templateId":"BoxOutDelta","schedule":{"interval":"PT40M","state":"Active"},"status":{"code":"Active"}}]}`))
	reg.Register("GET", "servicePrincipals/"+rtSP2ID+"/synchronization/jobs", graphtest.Error(404, "Request_ResourceNotFound", "not found"))
	r := runCLI(t, false, reg, nil, "sp", "list", "--with-jobs")
	checkCLI(t, r, ExitOK)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "JOBS") || !strings.HasPrefix(lines[1], rtSPID) || !strings.HasSuffix(lines[1], "\t1") {
		t.Errorf("table:\n%s", r.stdout)
	}
	r = runCLI(t, false, reg, nil, "sp", "list", "--with-jobs", "--jq", ".[0].jobs[0]")
	if strings.TrimSpace(r.stdout) != rtJobID {
		t.Errorf("jq %q", r.stdout)
	}
}

func TestSPListRunEmptyAndErrors(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[]}`))
		r := runCLI(t, false, reg, nil, "sp", "list", "--name", "Nope")
		checkCLI(t, r, ExitOK)
		if !strings.Contains(r.stderr, "no service principals found") {
			t.Errorf("stderr %q", r.stderr)
		}
		r = runCLI(t, false, reg, nil, "sp", "list", "--name", "Nope", "-o", "json")
		if strings.TrimSpace(r.stdout) != "[]" || r.stderr != "" {
			t.Errorf("json %q stderr %q", r.stdout, r.stderr)
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.WithHeader(403, rtDenied, "request-id", "7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b"))
		r := runCLI(t, true, reg, nil, "sp", "list")
		checkCLI(t, r, ExitAuth)
		if r.stdout != "" || !strings.Contains(r.stderr, "Directory.Read.All") {
			t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
		}
	})
	t.Run("jobs error", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[`+rtSP+`]}`))
		reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.Error(500, "InternalServerError", "boom"))
		r := runCLI(t, false, reg, nil, "sp", "list", "--with-jobs")
		checkCLI(t, r, ExitError)
		if r.stdout != "" {
			t.Errorf("stdout %q", r.stdout)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		r := runCLI(t, false, &graphtest.Registry{}, nil, "sp", "list", "--limit", "0")
		checkCLI(t, r, ExitUsage)
	})
}
