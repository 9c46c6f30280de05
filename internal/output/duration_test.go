package output

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func TestParseISODuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"PT40M", 40 * time.Minute},
		{"PT1H20M", 80 * time.Minute},
		{"P1DT6H", 30 * time.Hour},
		{"P2W", 14 * 24 * time.Hour},
		{"PT0.5S", 500 * time.Millisecond},
		{"PT1,5S", 1500 * time.Millisecond},
		{"PT0.0000001S", 100 * time.Nanosecond}, // one .NET tick
		{"pt40m", 40 * time.Minute},
		{" PT40M ", 40 * time.Minute},
		{"-PT5M", -5 * time.Minute},
		{"P0D", 0},
		{"PT1.5H", 90 * time.Minute},
		{"P10675199DT2H48M5.4775807S", math.MaxInt64}, // TimeSpan.MaxValue: beyond a Duration
		{"P" + "9999999999999999999999999999999999999999" + "D", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := ParseISODuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "P", "PT", "40M", "PT40", "P1H", "PT1D", "P1Y", "P1M", "PT1M2H", "P1DT", "PTT1M", "P.D", "P1.D", "PT1M1M", "P1D2W", "PT-1M", "P1DT1H-"} {
		if d, err := ParseISODuration(bad); err == nil {
			t.Errorf("ParseISODuration(%q) = %v, want an error", bad, d)
		}
	}
}

func TestHumanInterval(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		never bool
	}{
		{"PT40M", "40 min", false},
		{"PT1H20M", "1 h 20 min", false},
		{"P1DT6H", "1 d 6 h", false},
		{"PT90S", "1 min 30 s", false},
		{"PT0.5S", "0.5 s", false},
		{"P0D", "0 s", false},
		{"P10675199DT2H48M5.4775807S", "", true},
		{"", "", true},
		{"P1M", "P1M", false}, // a month has no fixed length: shown as sent
		{"-PT5M", "-PT5M", false},
	}
	for _, tt := range tests {
		got, never := HumanInterval(tt.in)
		if got != tt.want || never != tt.never {
			t.Errorf("HumanInterval(%q) = %q, %v; want %q, %v", tt.in, got, never, tt.want, tt.never)
		}
	}
}

// FuzzParseISODuration: any input parses or fails without panicking, and
// a duration written in ISO 8601 reads back as itself.
func FuzzParseISODuration(f *testing.F) {
	for _, s := range []string{"PT40M", "P10675199DT2H48M5.4775807S", "P1DT2H3M4.5S", "P2W", "-PT1S", "PT", "P1,5D"} {
		f.Add(s, int64(40*time.Minute))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if d, err := ParseISODuration(s); err == nil {
			if d2, err := ParseISODuration(" " + s + " "); err != nil || d2 != d {
				t.Fatalf("ParseISODuration(%q) = %v, but with spaces around %v, %v", s, d, d2, err)
			}
		}
		HumanInterval(s) // must not panic either
		if n < 0 {
			n = -(n + 1)
		}
		want := time.Duration(n)
		iso := isoFor(want)
		got, err := ParseISODuration(iso)
		if err != nil || got != want {
			t.Fatalf("ParseISODuration(%q) = %v, %v; want %v", iso, got, err, want)
		}
		if text, never := HumanInterval(iso); !never && text != HumanDuration(want) {
			t.Fatalf("HumanInterval(%q) = %q, want %q", iso, text, HumanDuration(want))
		}
	})
}

// isoFor writes a non-negative duration as .NET does: days, then time.
func isoFor(d time.Duration) string {
	day := 24 * time.Hour
	return fmt.Sprintf("P%dDT%dH%dM%d.%09dS", d/day, d%day/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second, d%time.Second)
}
