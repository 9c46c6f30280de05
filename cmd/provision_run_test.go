package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func runFlags(t *testing.T, c *cobra.Command, args []string) error {
	t.Helper()
	c.SetArgs(args)
	c.SilenceErrors, c.SilenceUsage = true, true
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	return c.Execute()
}

func TestRunFlagsToOptions(t *testing.T) {
	tests := []struct {
		args  []string
		code  int
		check func(*RunOptions) bool
	}{
		{[]string{"--sp", "Box", "--user", "a@contoso.com", "--user", "9bb0f679-a883-4a6f-8260-35b491b8b8c8", "--rule", "r#V2", "--wait", "--timeout", "2m"}, 0,
			func(o *RunOptions) bool {
				return len(o.Users) == 2 && o.Rule == "r#V2" && o.Wait && o.Timeout == 2*time.Minute && o.Interval == 5*time.Second
			}},
		{[]string{"--sp", "Box", "--group", "Sales", "--member", "a@x.com", "--member", "b@x.com"}, 0,
			func(o *RunOptions) bool { return o.Group == "Sales" && len(o.Members) == 2 }},
		{[]string{"--sp", "Box"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--user", "a@x.com", "--group", "G"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--member", "a@x.com"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--user", "adele"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--user", "a@x.com\x1b"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--group", "Sa\x01les"}, ExitUsage, nil},
		{[]string{"--sp", "Box", "--job", "../x", "--user", "a@x.com"}, ExitUsage, nil},
		{[]string{"--user", "a@x.com"}, ExitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory(nil)
			var got *RunOptions
			err := runFlags(t, NewCmdRun(f, func(_ context.Context, o *RunOptions) error { got = o; return nil }), tt.args)
			if code := exitCode(err); code != tt.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.code)
			}
			if tt.check != nil && !tt.check(got) {
				t.Errorf("options = %+v", got)
			}
		})
	}
}

func TestLogsFlagsToOptions(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"--sp", "Box", "--status", "failure", "--action", "create", "--since", "24h", "--top", "10"}, 0},
		{[]string{"--job", "BoxOutDelta.abc.123", "--change-id", "c1", "--until", "2026-11-28T10:00:00Z"}, 0},
		{[]string{"--subject", "CN=Adele Vance,CN=Users,DC=contoso,DC=com"}, 0},
		{[]string{"--status", "broken"}, ExitUsage},
		{[]string{"--action", "explode"}, ExitUsage},
		{[]string{"--top", "501"}, ExitUsage},
		{[]string{"--until", "yesterday"}, ExitUsage},
		{[]string{"--job", "BoxOutDelta"}, ExitUsage},
		{[]string{"--job", "../users"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory(nil)
			err := runFlags(t, NewCmdLogs(f, func(context.Context, *LogsOptions) error { return nil }), tt.args)
			if code := exitCode(err); code != tt.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.code)
			}
		})
	}
}
