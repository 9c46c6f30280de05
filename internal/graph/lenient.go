package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	parsed, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
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

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int64) UnmarshalJSON(b []byte) error {
	*n = 0
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return fmt.Errorf("count %s: %w", b, err)
		}
		v = int64(f)
	}
	*n = Int64(v)
	return nil
}

// Text is a string field that tolerates numbers, booleans and null (enums
// arrive as names, but flag enums may arrive as numbers).
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	*t = ""
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	if len(b) > 0 && b[0] != '{' && b[0] != '[' {
		*t = Text(b)
		return nil
	}
	return fmt.Errorf("expected a string, got %.40s", b)
}
