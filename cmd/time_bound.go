package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeBound is a --since or --until value: a time ago (a Go duration, or
// days and weeks: "7d", "1d12h", "2w") or a point in time (RFC 3339, or a date, taken as
// midnight UTC). Both flags take both forms, so no one has to remember
// which takes which.
type timeBound struct {
	ago time.Duration
	at  time.Time
	raw string
}

func (b *timeBound) String() string { return b.raw }

func (b *timeBound) Type() string { return "time" }

func (b *timeBound) Set(s string) error {
	s = strings.TrimSpace(s)
	if d, ok := parseAgo(s); ok {
		if d <= 0 {
			return fmt.Errorf("%q: a time ago must be positive, such as 24h or 7d", s)
		}
		*b = timeBound{ago: d, raw: s}
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			*b = timeBound{at: t.UTC(), raw: s}
			return nil
		}
	}
	return fmt.Errorf("%q: use a time ago such as 24h, 90m, 7d or 2w, an RFC 3339 time such as 2026-11-28T10:00:00Z, or a date such as 2026-11-28", s)
}

// given reports whether the flag was set.
func (b *timeBound) given() bool { return b.raw != "" }

// time is the bound as a time, now being the command's clock.
func (b *timeBound) time(now time.Time) time.Time {
	if b.ago > 0 {
		return now.Add(-b.ago)
	}
	return b.at
}

// parseAgo reads a Go duration with optional leading counts of weeks and
// days ("2w", "7d", "1w2d", "1d12h"): time.ParseDuration has neither unit.
func parseAgo(s string) (time.Duration, bool) {
	total, rest := time.Duration(0), s
	for _, unit := range []struct {
		letter byte
		size   time.Duration
		most   int
	}{{'w', 7 * 24 * time.Hour, 520}, {'d', 24 * time.Hour, 3650}} {
		i := strings.IndexByte(rest, unit.letter)
		if i <= 0 {
			continue
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > unit.most {
			return 0, false
		}
		total, rest = total+time.Duration(n)*unit.size, rest[i+1:]
		if rest == "" {
			return total, true
		}
		if rest[0] == '-' || rest[0] == '+' {
			return 0, false // "1d-2h": a sign only leads the whole value
		}
	}
	d, err := time.ParseDuration(rest)
	if err != nil {
		return 0, false
	}
	return total + d, true
}
