package cmd

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

func TestLogsRun(t *testing.T) {
	logs := rtLogs(rtLogEntry("l2", "failure", rtConflict), rtLogEntry("l1", "success", "null"))
	for _, tty := range []bool{false, true} {
		for _, mode := range []struct {
			name string
			args []string
		}{{"table", nil}, {"json", []string{"-o", "json"}}, {"jq", []string{"--jq", "[.[].state] | join(\",\")"}}} {
			t.Run(fmt.Sprintf("tty=%v/%s", tty, mode.name), func(t *testing.T) {
				reg, _ := graphtest.New(t)
				reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
				reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, logs)).Query(func(q url.Values) bool {
					f := q.Get("$filter")
					return strings.Contains(f, "servicePrincipal/id eq '"+rtSPID+"'") && strings.Contains(f, "jobid eq '"+rtJobID+"'") &&
						strings.Contains(f, "activityDateTime gt ") && q.Get("$top") == "10"
				})
				args := append([]string{"provision", "logs", "--sp", rtSPID, "--job", rtJobID, "--since", "24h", "--limit", "10"}, mode.args...)
				r := runCLI(t, tty, reg, nil, args...)
				checkCLI(t, r, ExitOK) // logs list entries: a failure among them is no failed command
				plain := stripANSI(r.stdout)
				switch mode.name {
				case "table":
					lines := strings.Split(strings.TrimSpace(plain), "\n")
					if len(lines) != 3 || !strings.Contains(lines[0], "TIME") || !strings.Contains(lines[1], "failure") || !strings.Contains(lines[1], "BoxEntryConflict") || !strings.Contains(lines[2], "success") {
						t.Errorf("table:\n%s", plain)
					}
				case "json":
					if !strings.HasPrefix(r.stdout, "[") || strings.Count(r.stdout, `"source": "provisioningLogs"`) != 2 {
						t.Errorf("json:\n%s", r.stdout)
					}
				case "jq":
					if strings.TrimSpace(r.stdout) != "failure,success" {
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

func TestLogsRunEmptyAndErrors(t *testing.T) {
	t.Run("empty table warns", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Query(graphtest.QueryContains("$filter", "changeid eq 'c1'"))
		r := runCLI(t, false, reg, nil, "provision", "logs", "--change-id", "c1", "--status", "skipped", "--action", "create", "--until", "2026-11-30T10:00:00Z")
		checkCLI(t, r, ExitOK)
		if !strings.Contains(r.stderr, "no provisioning-log entries match") {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	t.Run("empty json is an empty array", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Query(graphtest.QueryContains("$filter", "jobid eq '"+rtJobID+"'"))
		r := runCLI(t, false, reg, nil, "provision", "logs", "--job", "apply."+rtJobID, "-o", "json")
		checkCLI(t, r, ExitOK)
		if strings.TrimSpace(r.stdout) != "[]" || r.stderr != "" {
			t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
		}
	})
	t.Run("subject by UPN", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "users", graphtest.JSON(200, `{"value":[`+rtUser+`]}`))
		reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l1", "success", "null")))).Query(graphtest.QueryContains("$filter", "sourceIdentity/id eq '"+rtUserID+"'"))
		r := runCLI(t, false, reg, nil, "provision", "logs", "--subject", "adele@contoso.com", "--jq", ".[0].subject.id")
		checkCLI(t, r, ExitOK)
		if strings.TrimSpace(r.stdout) != rtUserID {
			t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
		}
	})
	for _, tc := range []struct {
		name   string
		answer graphtest.Responder
		code   int
	}{
		{"bad request", graphtest.Error(400, "BadRequest", "Invalid filter clause"), ExitError},
		{"forbidden", graphtest.WithHeader(403, rtDenied, "request-id", "7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b"), ExitAuth},
		{"not json", graphtest.JSON(200, `<html>proxy</html>`), ExitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, _ := graphtest.New(t)
			reg.Register("GET", "auditLogs/provisioning", tc.answer)
			r := runCLI(t, false, reg, nil, "provision", "logs", "-o", "json")
			checkCLI(t, r, tc.code)
			if r.stdout != "" || !strings.HasPrefix(r.stderr, "error: ") {
				t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
			}
		})
	}
	t.Run("unknown service principal", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[]}`))
		r := runCLI(t, false, reg, nil, "provision", "logs", "--sp", "Nope")
		if r.code == ExitOK || r.stdout != "" || !strings.Contains(r.stderr, "Nope") {
			t.Errorf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
		}
	})
}

// --top is the old name of --limit: it still works, hidden from help.
func TestLogsTopAlias(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l1", "success", "null")))).Query(graphtest.QueryHas("$top", "7"))
	r := runCLI(t, false, reg, nil, "provision", "logs", "--top", "7", "--jq", ".[].id")
	checkCLI(t, r, ExitOK)
	if strings.TrimSpace(r.stdout) != "l1" || r.stderr != "" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	help := runCLI(t, false, nil, nil, "provision", "logs", "--help")
	if strings.Contains(help.stdout, "--top") || !strings.Contains(help.stdout, "--limit") {
		t.Errorf("help:\n%s", help.stdout)
	}
}

// Flags that do not go together, or out of range, are usage errors and
// nothing is sent.
func TestLogsFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--limit", "0"}, "--limit must be between 1 and 500"},
		{[]string{"--limit", "501"}, "--limit must be between 1 and 500"},
		{[]string{"--top", "501"}, "--top must be between 1 and 500"},
		{[]string{"--limit", "5", "--top", "5"}, "give --limit only"},
		{[]string{"--follow", "--summary"}, "do not go together"},
		{[]string{"--interval", "5s"}, "--interval goes with --follow"},
		{[]string{"--timeout", "5m"}, "--timeout goes with --follow"},
		{[]string{"--lag", "5m"}, "--lag goes with --follow"},
		{[]string{"-f", "-o", "json"}, "use -o jsonl"},
		{[]string{"--follow", "-o", "yaml"}, "use -o jsonl"},
		{[]string{"--follow", "-o", "json", "--jq", ".id"}, "use -o jsonl"},
		{[]string{"--follow", "--until", "1h"}, "--until does not go with --follow"},
		{[]string{"--follow", "--interval", "500ms"}, "--interval 500ms is out of range"},
		{[]string{"--follow", "--interval", "2h"}, "--interval 2h0m0s is out of range"},
		{[]string{"--follow", "--lag", "1s"}, "--lag 1s is out of range"},
		{[]string{"--follow", "--timeout", "0s"}, "--timeout 0s is not positive"},
		{[]string{"--follow", "--limit", "0"}, "--limit must be at least 1"},
		{[]string{"--summary", "--limit", "40001"}, "with --summary, --limit must be between 1 and 40000"},
		{[]string{"--subject", "   "}, "--subject"},
		{[]string{"--subject", "Sales\x1b[2J"}, "invalid group name"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			reg, _ := graphtest.New(t) // nothing may be sent
			r := runCLI(t, false, reg, nil, append([]string{"provision", "logs"}, tc.args...)...)
			checkCLI(t, r, ExitUsage)
			if !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
			}
		})
	}
}

// --subject takes a group by display name: the logs are filtered on its
// object id. A name several groups have lists them (exit 2).
func TestLogsSubjectGroup(t *testing.T) {
	const groupID = "0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e"
	reg, _ := graphtest.New(t)
	reg.Register("GET", "groups", graphtest.JSON(200, `{"value":[{"id":"`+groupID+`","displayName":"Sales"}]}`)).Query(graphtest.QueryHas("$filter", "displayName eq 'Sales'"))
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l1", "success", "null")))).Query(graphtest.QueryContains("$filter", "sourceIdentity/id eq '"+groupID+"'"))
	r := runCLI(t, false, reg, nil, "provision", "logs", "--subject", "Sales", "--jq", ".[].id")
	checkCLI(t, r, ExitOK)
	if strings.TrimSpace(r.stdout) != "l1" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}

	reg, _ = graphtest.New(t)
	reg.Register("GET", "groups", graphtest.JSON(200, `{"value":[{"id":"`+groupID+`","displayName":"Sales"},{"id":"7a7a7a7a-0000-4000-8000-000000000001","displayName":"Sales"}]}`))
	r = runCLI(t, false, reg, nil, "provision", "logs", "--subject", "Sales")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, "pass one of these to --subject") || !strings.Contains(r.stderr, "7a7a7a7a-0000-4000-8000-000000000001  Sales") {
		t.Errorf("stderr %s", r.stderr)
	}
}
