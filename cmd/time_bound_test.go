package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func TestTimeBound(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"24h", now.Add(-24 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"1d12h", now.Add(-36 * time.Hour)},
		{"2w", now.Add(-14 * 24 * time.Hour)},
		{"1w2d6h", now.Add(-(9*24 + 6) * time.Hour)},
		{"2026-11-28T10:00:00Z", time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)},
		{"2026-11-28T10:00:00+02:00", time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)},
		{"2026-11-28", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)},
	} {
		var b timeBound
		if err := b.Set(tc.in); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := b.time(now); !got.Equal(tc.want) || !b.given() {
			t.Errorf("%s = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "7", "d", "-1h", "0s", "7x", "yesterday", "2026-13-01", "99999d", "1d-2h", "1w-2d", "521w", "w2"} {
		var b timeBound
		if err := b.Set(bad); err == nil {
			t.Errorf("%q was accepted as %v", bad, b.time(now))
		} else if bad != "" && !strings.Contains(err.Error(), "7d") {
			t.Errorf("%q: the message does not say what to give: %v", bad, err)
		}
	}
}

// pflag takes a `quoted` word in a usage string as the value's name
// ("--rule provctl job rules"): no flag's usage may hold a backtick.
func TestNoBacktickInFlagUsage(t *testing.T) {
	f, _, _ := testFactory(nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if strings.Contains(fl.Usage, "`") {
				t.Errorf("%s --%s: usage has a backtick: %q", c.CommandPath(), fl.Name, fl.Usage)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewCmdRoot(f))
}

// Duration flags take days and weeks as --since does, and a bad value
// names the forms instead of Go's "unknown unit".
func TestDurationFlag(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	var d time.Duration
	durationFlag(fs, &d, "timeout", 10*time.Minute, "")
	if d != 10*time.Minute || fs.Lookup("timeout").DefValue != "10m0s" {
		t.Fatalf("default %v / %q", d, fs.Lookup("timeout").DefValue)
	}
	for in, want := range map[string]time.Duration{"90s": 90 * time.Second, "1d": 24 * time.Hour, "1w": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour, "-1s": -time.Second} {
		if err := fs.Set("timeout", in); err != nil || d != want {
			t.Errorf("%s = %v, %v; want %v", in, d, err, want)
		}
	}
	err := fs.Parse([]string{"--timeout", "1x"})
	if err == nil || strings.Contains(err.Error(), "unknown unit") || !strings.Contains(err.Error(), "1d") {
		t.Errorf("a bad value: %v", err)
	}
}
