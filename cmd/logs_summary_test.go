package cmd

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

// --summary reads the whole period (paging, capped) and prints the counts
// as sections, or as one LogSummary in JSON and YAML.
func TestLogsSummary(t *testing.T) {
	logs := rtLogs(rtLogEntry("l3", "failure", rtConflict), rtLogEntry("l2", "failure", rtConflict), rtLogEntry("l1", "success", "null"))
	for _, mode := range []struct {
		name string
		args []string
	}{{"table", nil}, {"json", []string{"-o", "json"}}, {"yaml", []string{"-o", "yaml"}}} {
		t.Run(mode.name, func(t *testing.T) {
			reg, _ := graphtest.New(t)
			reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
			reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, logs)).Query(func(q url.Values) bool {
				f := q.Get("$filter")
				return strings.Contains(f, "servicePrincipal/id eq '"+rtSPID+"'") && strings.Contains(f, "activityDateTime gt 2026-11-01T00:00:00Z") &&
					strings.Contains(f, "activityDateTime lt 2026-12-01T00:00:00Z") && q.Get("$top") == "500"
			})
			args := append([]string{"provision", "logs", "--sp", rtSPID, "--summary", "--since", "2026-11-01", "--until", "2026-12-01"}, mode.args...)
			r := runCLI(t, false, reg, nil, args...)
			checkCLI(t, r, ExitOK)
			switch mode.name {
			case "table":
				for _, want := range []string{
					"Period\t2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z", "Entries\t3",
					"By state", "success\t1", "failure\t2", "By action", "create\t3",
					"Top errors", "failure\tBoxEntryConflict\t2\tThe user already exists in Box.",
					"Cycles", "cy1\t2026-11-30T10:00:05Z\t3\t1\t0\t0\t2",
				} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("table lacks %q:\n%s", want, r.stdout)
					}
				}
				if strings.Contains(r.stdout, "Top skip reasons") {
					t.Errorf("an empty section is shown:\n%s", r.stdout)
				}
			case "json":
				var s struct {
					Since   string         `json:"since"`
					Entries int            `json:"entries"`
					ByState map[string]int `json:"byState"`
					Errors  []struct {
						Code  string `json:"code"`
						Count int    `json:"count"`
					} `json:"topErrors"`
					Cycles []struct {
						CycleID string `json:"cycleId"`
						Entries int    `json:"entries"`
					} `json:"cycles"`
				}
				if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
					t.Fatalf("%v:\n%s", err, r.stdout)
				}
				if s.Since != "2026-11-01T00:00:00Z" || s.Entries != 3 || s.ByState["failure"] != 2 || len(s.Errors) != 1 || s.Errors[0].Count != 2 ||
					len(s.Cycles) != 1 || s.Cycles[0].CycleID != "cy1" {
					t.Errorf("json:\n%s", r.stdout)
				}
			case "yaml":
				if !strings.Contains(r.stdout, "entries: 3\n") || !strings.Contains(r.stdout, "  failure: 2\n") {
					t.Errorf("yaml:\n%s", r.stdout)
				}
			}
			if r.stderr != "" {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
}

// A period with more entries than --limit is counted up to it, and stderr
// says so.
func TestLogsSummaryCapped(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l3", "success", "null"), rtLogEntry("l2", "success", "null"), rtLogEntry("l1", "success", "null")))).
		Query(graphtest.QueryHas("$top", "3"))
	r := runCLI(t, false, reg, nil, "provision", "logs", "--summary", "--limit", "2", "--jq", ".entries, .truncated")
	checkCLI(t, r, ExitOK)
	if r.stdout != "2\ntrue\n" || !strings.Contains(r.stderr, "warning: the period holds more than 2 entries: the summary counts the newest 2") {
		t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
	}
}
