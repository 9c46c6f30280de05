package cmd

import (
	"context"
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/provision"
)

// Each job command turns its flags into its Options and hands them to runF.
func TestJobFlagsToOptions(t *testing.T) {
	f, _, _ := testFactory(nil)
	var got any
	capture := func(v any) error { got = v; return nil }
	tests := []struct {
		cmd   *cobra.Command
		args  []string
		check func(t *testing.T)
	}{
		{NewCmdJobList(f, func(_ context.Context, o *JobListOptions) error { return capture(o) }), []string{"--sp", "Box"}, func(t *testing.T) {
			if o := got.(*JobListOptions); o.SP != "Box" || o.Printer == nil || o.Service != nil {
				t.Errorf("%+v", o)
			}
		}},
		{NewCmdJobShow(f, func(_ context.Context, o *JobShowOptions) error { return capture(o) }), []string{"--sp", "Box", "--job", "BoxOutDelta"}, func(t *testing.T) {
			if o := got.(*JobShowOptions); o.SP != "Box" || o.Job != "BoxOutDelta" {
				t.Errorf("%+v", o)
			}
		}},
		{NewCmdJobRules(f, func(_ context.Context, o *JobRulesOptions) error { return capture(o) }), []string{"--sp", "Box"}, func(t *testing.T) {
			if o := got.(*JobRulesOptions); o.SP != "Box" || o.Job != "" {
				t.Errorf("%+v", o)
			}
		}},
		{NewCmdJobRestart(f, func(_ context.Context, o *JobControlOptions) error { return capture(o) }), []string{"--sp", "Box", "--reset-scope", "watermark,escrows", "--yes"}, func(t *testing.T) {
			if o := got.(*JobControlOptions); o.Action != provision.JobRestart || !o.Yes || o.ResetScope != "Watermark, Escrows" {
				t.Errorf("%+v", o)
			}
		}},
		{NewCmdJobPause(f, func(_ context.Context, o *JobControlOptions) error { return capture(o) }), []string{"--sp", "Box"}, func(t *testing.T) {
			if o := got.(*JobControlOptions); o.Action != provision.JobPause || o.Yes || o.ResetScope != "" {
				t.Errorf("%+v", o)
			}
		}},
		{NewCmdJobStart(f, func(_ context.Context, o *JobControlOptions) error { return capture(o) }), []string{"--sp", "Box"}, func(t *testing.T) {
			if o := got.(*JobControlOptions); o.Action != provision.JobStart {
				t.Errorf("%+v", o)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd.Name(), func(t *testing.T) {
			got = nil
			tt.cmd.SetArgs(tt.args)
			if err := tt.cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			tt.check(t)
		})
	}
}

// Command-line mistakes are typed usage errors (exit 2, "Run with --help"),
// whichever layer finds them; other usage errors keep their own message.
func TestCommandLineErrorsAreTyped(t *testing.T) {
	tests := []struct {
		args []string
		hint bool
	}{
		{[]string{"bogus"}, true},
		{[]string{"job", "bogus"}, true},
		{[]string{"--bogus"}, true},
		{[]string{"job", "list"}, true}, // required --sp
		{[]string{"provision", "poll"}, true},
		{[]string{"job", "list", "--sp"}, true},
		{[]string{"version", "--output"}, true},
		{[]string{"completion", "bash", "extra"}, true},
		{[]string{"job", "list", "--sp", "Box", "extra"}, false},
		{[]string{"version", "extra"}, false},
		{[]string{"job", "restart", "--sp", "Box", "--reset-scope", "Everything", "--yes", "-o", "bogus"}, false},
	}
	for _, tt := range tests {
		f, _, _ := testFactory(map[string]string{"PROVCTL_ACCESS_TOKEN": "t", "PROVCTL_CONFIG_DIR": t.TempDir()})
		root := NewCmdRoot(f)
		root.SetArgs(tt.args)
		err := root.ExecuteContext(context.Background())
		var ee *exitError
		if !errors.As(err, &ee) || ExitCodeOf(err) != ExitUsage {
			t.Errorf("%q: %v (%T), exit %d; want a usage error", tt.args, err, err, ExitCodeOf(err))
			continue
		}
		if isCommandLineErr(err) != tt.hint {
			t.Errorf("%q: command-line error %v, want %v", tt.args, isCommandLineErr(err), tt.hint)
		}
	}
	if ExitCodeOf(errors.New("write /dev/x: invalid argument")) != ExitError {
		t.Error("a plain error with cobra-like words is no usage error")
	}
}
