package output

import (
	"fmt"
	"strings"
)

// Format is an output format chosen with -o/--output.
type Format string

// The output formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// Formats returns the accepted formats, in the order help text lists them.
func Formats() []Format {
	return []Format{Table, JSON, YAML}
}

// ParseFormat turns a flag or environment value into a Format. Case and
// surrounding spaces are ignored; anything else is an error that lists the
// accepted values.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case Table, JSON, YAML:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q: use table, json or yaml", s)
}
