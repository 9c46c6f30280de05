package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// renderOutcome prints o as a table on a terminal of the given width (or
// in a pipe with width 0), without color.
func renderOutcome(t *testing.T, v outcomeView, width int) string {
	t.Helper()
	f, out, _ := testFactory(nil)
	f.Streams.StdoutTTY, f.Streams.Width = width > 0, width
	p, err := output.NewPrinter(f.Streams, output.Table, "")
	if err != nil {
		t.Fatal(err)
	}
	_ = printOutcomeView(context.Background(), p, v)
	return out.String()
}

func TestOutcomeStepsAsBlocks(t *testing.T) {
	o := sampleOutcome()
	o.Steps[1].Description = "Failed to create User 'adele@contoso.test' in Salesforce Sandbox because the credentials stored for the connection were refused"
	o.Steps[1].Details = map[string]string{"ErrorCode": "SalesforceInvalidCredentials", "Empty": "", "ReportableIdentifier": "adele@contoso.test"}
	got := renderOutcome(t, outcomeView{o: o}, 80)
	want := "" +
		"Steps\n" +
		"  1  import  success  EntryImport\n" +
		"     Retrieved User\n" +
		"\n" +
		"✗ 2  export  failure  EntryExportUpdate\n" +
		"     Failed to create User 'adele@contoso.test' in Salesforce Sandbox because\n" +
		"     the credentials stored for the connection were refused\n" +
		"     ErrorCode             SalesforceInvalidCredentials\n" +
		"     ReportableIdentifier  adele@contoso.test\n"
	if !strings.Contains(got, want) {
		t.Errorf("steps on an 80-column terminal:\n%s\nwant them as\n%s", got, want)
	}
	// In a pipe: one row per step, nothing cut, for grep and cut.
	pipe := renderOutcome(t, outcomeView{o: o}, 0)
	if !strings.Contains(pipe, "2\texport\tfailure\tEntryExportUpdate\t"+o.Steps[1].Description+"\tErrorCode=SalesforceInvalidCredentials ReportableIdentifier=adele@contoso.test\n") {
		t.Errorf("steps in a pipe:\n%s", pipe)
	}
}

func TestOutcomePropertiesTitle(t *testing.T) {
	o := sampleOutcome()
	if got := renderOutcome(t, outcomeView{o: o}, 80); !strings.Contains(got, "\nProperties: would change (not applied: the provisioning failed)\n") {
		t.Errorf("a failure's properties:\n%s", got)
	}
	o.State = provision.StateSuccess
	if got := renderOutcome(t, outcomeView{o: o}, 80); !strings.Contains(got, "\nModified properties\nPROPERTY     OLD  NEW\n") {
		t.Errorf("a success's properties:\n%s", got)
	}
	// Already in the target: one VALUE column, no "old → new" that would
	// say the target had nothing.
	o.State, o.Reason = provision.StateSkipped, &provision.Reason{Code: "RedundantExport", Message: "already match"}
	if got := renderOutcome(t, outcomeView{o: o}, 80); !strings.Contains(got, "\nProperties: already as in the target (nothing applied)\nPROPERTY     VALUE\n") || strings.Contains(got, "Modified properties") || strings.Contains(got, " old") {
		t.Errorf("a RedundantExport's properties:\n%s", got)
	}
	o.Reason = &provision.Reason{Code: "NotEffectivelyEntitled"}
	if got := renderOutcome(t, outcomeView{o: o}, 0); !strings.Contains(got, "\nProperties: would change (not applied)\n") {
		t.Errorf("another skip's properties:\n%s", got)
	}
	// JSON is the contract: the same field whatever the state.
	f, out, _ := testFactory(nil)
	p, _ := output.NewPrinter(f.Streams, output.JSON, "")
	_ = printOutcome(context.Background(), p, o)
	if !strings.Contains(out.String(), `"modifiedProperties": [`) {
		t.Errorf("JSON lost modifiedProperties:\n%s", out)
	}
}

func TestOutcomeServicePrincipalName(t *testing.T) {
	o := sampleOutcome()
	o.ServicePrincipalID = rtSPID
	if got := renderOutcome(t, outcomeView{o: o}, 0); !strings.Contains(got, "Service principal\t"+rtSPID+"\n") {
		t.Errorf("no name known: the id alone:\n%s", got)
	}
	// A provisioning-log entry names its service principal: no request.
	o.Source, o.Raw = provision.SourceProvisioningLogs, json.RawMessage(rtLogEntry("l1", "failure", rtConflict))
	if got := renderOutcome(t, outcomeView{o: o}, 0); !strings.Contains(got, "Service principal\tBox ("+rtSPID+")\n") {
		t.Errorf("the log entry's name:\n%s", got)
	}
	// An entry about another service principal does not lend its name.
	o.ServicePrincipalID = "6c8e0a2c-4e6a-4c8e-a0b2-c4e6a8c0e2a4"
	if got := renderOutcome(t, outcomeView{o: o}, 0); strings.Contains(got, "Box (") {
		t.Errorf("another app's name:\n%s", got)
	}
	if got := renderOutcome(t, outcomeView{o: o, spName: "Contoso"}, 0); !strings.Contains(got, "Service principal\tContoso (6c8e0a2c-4e6a-4c8e-a0b2-c4e6a8c0e2a4)\n") {
		t.Errorf("the command's name:\n%s", got)
	}
}

func TestScheduleText(t *testing.T) {
	tests := []struct {
		state, interval, want string
	}{
		{"Active", "PT40M", "every 40 min"},
		{"Active", "PT1H20M", "every 1 h 20 min"},
		{"Disabled", "P10675199DT2H48M5.4775807S", "disabled"},
		{"Disabled", "PT40M", "disabled"},
		{"Active", "P10675199DT2H48M5.4775807S", "never runs by itself"},
		{"Paused", "PT40M", "paused, every 40 min"},
		{"", "", "never runs by itself"},
		{"Active", "P1M", "every P1M"}, // a month has no fixed length: as Graph sent it
	}
	for _, tt := range tests {
		if got := schedule(graph.Text(tt.state), tt.interval); got != tt.want {
			t.Errorf("schedule(%q, %q) = %q, want %q", tt.state, tt.interval, got, tt.want)
		}
	}
}

// TestJobListHumanizesOnlyTheTable: the interval is for people in a table,
// Graph's value in JSON.
func TestJobListHumanizesOnlyTheTable(t *testing.T) {
	job := `{"value":[{"id":"` + rtJobID + `","templateId":"BoxOutDelta","schedule":{"state":"Disabled","interval":"P10675199DT2H48M5.4775807S"},"status":{"code":"Paused"}}]}`
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "\tdisabled\t"},
		{[]string{"-o", "json"}, `"interval": "P10675199DT2H48M5.4775807S"`},
	} {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
		reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, job))
		r := runCLI(t, false, reg, nil, append([]string{"job", "list", "--sp", rtSPID}, tt.args...)...)
		checkCLI(t, r, ExitOK)
		if !strings.Contains(r.stdout, tt.want) {
			t.Errorf("job list %v lacks %q:\n%s", tt.args, tt.want, r.stdout)
		}
	}
}

func TestJQWithTableIsUsageError(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"flag", nil, []string{"-o", "table"}, "--jq filters JSON and cannot be used with -o table: use -o json or -o jsonl"},
		{"setting", map[string]string{"PROVCTL_OUTPUT": "table"}, nil, "-o table (set by PROVCTL_OUTPUT): use -o json or -o jsonl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := &graphtest.Registry{} // nothing may be sent
			r := runCLI(t, false, reg, tt.env, append([]string{"sp", "list", "--jq", ".[].id"}, tt.args...)...)
			checkCLI(t, r, ExitUsage)
			if !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("stderr %q, stdout %q", r.stderr, r.stdout)
			}
		})
	}
}

func TestNoHeaders(t *testing.T) {
	list := `{"value":[{"id":"` + rtSPID + `","appId":"22222222-2222-2222-2222-222222222222","displayName":"Box"}]}`
	for _, tty := range []bool{false, true} {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, list))
		r := runCLI(t, tty, reg, nil, "sp", "list", "--no-headers")
		checkCLI(t, r, ExitOK)
		first := strings.SplitN(stripANSI(r.stdout), "\n", 2)[0]
		if !strings.HasPrefix(first, rtSPID) || !strings.Contains(first, "Box") {
			t.Errorf("tty=%v: first line %q, want the first row", tty, first)
		}
	}
}
