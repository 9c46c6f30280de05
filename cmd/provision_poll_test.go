package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// testFactory is a Factory over buffers (not a terminal) and a fixed environment.
func testFactory(env map[string]string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	s, out, errOut := output.Test()
	return &Factory{Streams: s, Getenv: func(k string) string { return env[k] }}, out, errOut
}

func TestPollFlagsToOptions(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		check    func(t *testing.T, o *PollOptions)
	}{
		{[]string{"--sp", "Box", "--job", "BoxOutDelta", "--wait", "--interval", "2s", "--timeout", "1m", "--source", "logs", "--change-id", "c1"}, 0, func(t *testing.T, o *PollOptions) {
			if o.SP != "Box" || o.Job != "BoxOutDelta" || !o.Wait || o.Interval != 2*time.Second || o.Timeout != time.Minute || o.Source != provision.PollLogs || o.ChangeID != "c1" {
				t.Errorf("options = %+v", o)
			}
		}},
		{[]string{"--sp", "Box"}, 0, func(t *testing.T, o *PollOptions) {
			if o.Interval != 5*time.Second || o.Timeout != 10*time.Minute || o.Source != provision.PollAuto || o.Wait {
				t.Errorf("defaults = %+v", o)
			}
		}},
		{[]string{"--job", "x"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--job", "../../users"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--interval", "1ms"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--timeout", "0s"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--source", "x"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "extra"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--nope"}, ExitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory(nil)
			var got *PollOptions
			err := runFlags(t, NewCmdPoll(f, func(_ context.Context, o *PollOptions) error { got = o; return nil }), tt.args)
			if code := exitCode(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func sampleOutcome() *provision.Outcome {
	old, nw := "old", "new\x1b[31mred"
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	return &provision.Outcome{
		ServicePrincipalID: "sp", JobID: "job", Source: provision.SourceProvisionOnDemand, State: provision.StateFailure,
		Reason:    &provision.Reason{Code: "SalesforceInvalidCredentials", Message: "bad credentials"},
		StartedAt: &start,
		Subject:   &provision.Subject{ID: "u1", DisplayName: "adele@contoso.test", Type: "User"},
		Steps: []provision.Step{
			{Name: "EntryImport", Type: "import", Status: "success", Description: "Retrieved User"},
			{Name: "EntryExportUpdate", Type: "export", Status: "failure", Description: "Failed\rto update", Details: map[string]string{"ErrorCode": "SalesforceInvalidCredentials"}},
		},
		ModifiedProperties: []provision.PropertyChange{{Name: "displayName", OldValue: &old, NewValue: &nw}},
		Raw:                json.RawMessage(`{}`),
	}
}

func TestOutcomeTablePipe(t *testing.T) {
	f, out, _ := testFactory(nil)
	p, err := output.NewPrinter(f.Streams, output.Table, "")
	if err != nil {
		t.Fatal(err)
	}
	err = printOutcome(context.Background(), p, sampleOutcome())
	if exitCode(err) != ExitFailed {
		t.Fatalf("exit = %d", exitCode(err))
	}
	got := out.String()
	for _, want := range []string{"State\tfailure\n", "Reason\tSalesforceInvalidCredentials: bad credentials\n", "2\texport\tfailure\tEntryExportUpdate\t", "displayName\told\tnew"} {
		if !strings.Contains(got, want) {
			t.Errorf("pipe table lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, "\x1b\r") {
		t.Errorf("control characters reached the output: %q", got)
	}
}

func TestOutcomeTableTTY(t *testing.T) {
	f, out, _ := testFactory(nil)
	f.Streams.StdoutTTY, f.Streams.Color, f.Streams.Width = true, true, 100
	p, _ := output.NewPrinter(f.Streams, output.Table, "")
	_ = printOutcome(context.Background(), p, sampleOutcome())
	got := out.String()
	if !strings.Contains(got, "\x1b[") {
		t.Errorf("a terminal table should be colored:\n%s", got)
	}
	if strings.Contains(got, "\x1b[31mred") {
		t.Errorf("an escape sequence from Graph reached the terminal: %q", got)
	}
	for _, line := range strings.Split(got, "\n") {
		if w := len([]rune(stripANSI(line))); w > 100 {
			t.Errorf("line wider than the terminal (%d): %q", w, line)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestExitCodes(t *testing.T) {
	for state, want := range map[provision.State]int{
		provision.StateSuccess: 0, provision.StateWarning: 0, provision.StateFailure: 3, provision.StatePending: 5, provision.StateSkipped: 6,
	} {
		if got := exitCode(outcomeExit(state)); got != want {
			t.Errorf("%s: exit %d, want %d", state, got, want)
		}
	}
	if exitCode(context.Canceled) != ExitInterrupted {
		t.Error("context.Canceled must be 130")
	}
	if exitCode(&provision.AmbiguousError{}) != ExitUsage {
		t.Error("ambiguous must be 2")
	}
}
