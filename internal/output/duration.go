package output

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"
)

// ParseISODuration reads an ISO 8601 duration as Graph sends them (a .NET
// TimeSpan: "PT40M", "P1DT2H", "PT0.5S", "P10675199DT2H48M5.4775807S"),
// with weeks, a sign and fractions (',' or '.') on any component too.
// Years and months are refused: their length depends on the calendar. A
// value beyond what time.Duration holds (about 292 years, such as
// TimeSpan.MaxValue) is returned as the largest Duration of its sign.
func ParseISODuration(s string) (time.Duration, error) {
	text := strings.ToUpper(strings.TrimSpace(s))
	neg := false
	switch {
	case strings.HasPrefix(text, "-"):
		neg, text = true, text[1:]
	case strings.HasPrefix(text, "+"):
		text = text[1:]
	}
	if !strings.HasPrefix(text, "P") {
		return 0, fmt.Errorf("duration %q: %w", s, errNotISODuration)
	}
	text = text[1:]
	total := new(big.Int)
	inTime, seen, lastUnit := false, false, 0
	for text != "" {
		if text[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("duration %q: %w", s, errNotISODuration)
			}
			inTime, text, lastUnit = true, text[1:], 0
			if text == "" {
				return 0, fmt.Errorf("duration %q: %w", s, errNotISODuration)
			}
			continue
		}
		whole, frac, rest, ok := splitNumber(text)
		if !ok || rest == "" {
			return 0, fmt.Errorf("duration %q: %w", s, errNotISODuration)
		}
		unit, order := isoUnit(rest[0], inTime)
		if unit == 0 || order <= lastUnit {
			return 0, fmt.Errorf("duration %q: %w", s, errNotISODuration)
		}
		lastUnit, text, seen = order, rest[1:], true
		total.Add(total, componentNanos(whole, frac, unit))
	}
	if !seen {
		return 0, fmt.Errorf("duration %q: %w", s, errNotISODuration)
	}
	d := time.Duration(math.MaxInt64)
	if total.IsInt64() {
		d = time.Duration(total.Int64())
	}
	if neg {
		d = -d
	}
	return d, nil
}

var errNotISODuration = errors.New("not an ISO 8601 duration of days, hours, minutes and seconds (PT40M, P1DT2H)")

// splitNumber reads digits, optionally with a fraction, at the start of s.
func splitNumber(s string) (whole, frac, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	whole = s[:i]
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		frac, i = s[i+1:j], j
		if frac == "" {
			return "", "", "", false
		}
	}
	if whole == "" && frac == "" {
		return "", "", "", false
	}
	return whole, frac, s[i:], true
}

// isoUnit is a designator's length in nanoseconds and its place in the
// order the components must come in (0 for none allowed here).
func isoUnit(c byte, inTime bool) (int64, int) {
	day := int64(24 * time.Hour)
	switch {
	case !inTime && c == 'W':
		return 7 * day, 1
	case !inTime && c == 'D':
		return day, 2
	case inTime && c == 'H':
		return int64(time.Hour), 3
	case inTime && c == 'M':
		return int64(time.Minute), 4
	case inTime && c == 'S':
		return int64(time.Second), 5
	}
	return 0, 0
}

// maxDigits bounds the digits read of a component: more whole digits
// are beyond any Duration anyway, more fraction digits below a nanosecond.
const maxDigits = 30

// componentNanos is whole.frac units in nanoseconds (the fraction cut, not
// rounded, to the nanosecond).
func componentNanos(whole, frac string, unit int64) *big.Int {
	if len(whole) > maxDigits {
		whole = "1" + strings.Repeat("0", maxDigits) // saturates whatever the unit
	}
	if len(frac) > maxDigits {
		frac = frac[:maxDigits]
	}
	n, _ := new(big.Int).SetString(whole+frac, 10) // digits only: cannot fail
	if n == nil {
		return new(big.Int)
	}
	n.Mul(n, big.NewInt(unit))
	return n.Quo(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil))
}

// neverInterval is how long an interval must be to mean "never": Graph
// sends TimeSpan.MaxValue (P10675199DT2H48M5.4775807S, 29,000 years) for a
// schedule that does not run by itself.
const neverInterval = 100 * 365 * 24 * time.Hour

// HumanInterval shows an ISO 8601 interval for people: "40 min",
// "1 h 20 min", "1 d 6 h", "90 s" → "1 min 30 s". never is true for the
// huge interval that means none (and for none at all); a value that does
// not parse comes back as it is.
func HumanInterval(iso string) (text string, never bool) {
	if strings.TrimSpace(iso) == "" {
		return "", true
	}
	d, err := ParseISODuration(iso)
	switch {
	case err != nil || d < 0:
		return iso, false
	case d >= neverInterval:
		return "", true
	}
	return HumanDuration(d), false
}

// HumanDuration writes d in days, hours, minutes and seconds, leaving out
// the zero ones ("1 h 20 min", "2 d", "0.5 s"; "0 s" for zero).
func HumanDuration(d time.Duration) string {
	var parts []string
	for _, u := range []struct {
		name string
		len  time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"min", time.Minute}} {
		if n := d / u.len; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, u.name))
			d -= n * u.len
		}
	}
	if d > 0 || len(parts) == 0 {
		s := fmt.Sprintf("%.9f", d.Seconds())
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		parts = append(parts, s+" s")
	}
	return strings.Join(parts, " ")
}
