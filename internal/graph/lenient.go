package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Time is a timestamp decoded leniently: null, "", and Graph's "never"
// value 0001-01-01T00:00:00Z are all the zero Time; values without a time
// zone (as in innerError.date) are read as UTC.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	// An unrecognised timestamp reads as unknown rather than failing the
	// whole answer: one odd step time must not lose a provisioning result.
	t.Time, _ = ParseTime(s)
	return nil
}

// MarshalJSON writes the zero Time as null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// ParseTime parses a Graph timestamp string leniently (see Time).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			if v.Year() <= 1 {
				return time.Time{}, nil // 0001-01-01: "never"
			}
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: not a recognised date-time", s)
}

// Int64 is a counter that Graph may send as a number, a numeric string
// (IEEE754Compatible OData), "" or null.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler. A fractional value is
// truncated; a value outside int64 or a non-number is an error.
func (n *Int64) UnmarshalJSON(b []byte) error {
	*n = 0
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("count %.40s: %w", b, err)
		}
		s = strings.TrimSpace(s)
	}
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		// float64(MaxInt64) rounds up to 2^63, itself out of range.
		if ferr != nil || math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
			return fmt.Errorf("count %.40s: not a 64-bit integer", b)
		}
		v = int64(f)
	}
	*n = Int64(v)
	return nil
}

// Text is a string field that tolerates numbers, booleans and null (enums
// arrive as names, but flag enums may arrive as numbers); an object or array
// is kept as its compact JSON text rather than failing the whole answer.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	*t = ""
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return fmt.Errorf("text %.40s: %w", b, err)
	}
	*t = Text(buf.String())
	return nil
}
