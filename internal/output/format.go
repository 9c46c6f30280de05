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
	// JSONL is JSON Lines: one compact JSON value per line, a list one
	// element per line (see [Printer.PrintContext] and [Printer.Stream]).
	JSONL Format = "jsonl"
	YAML  Format = "yaml"
)

// Formats returns the accepted formats, in the order help text lists them.
func Formats() []Format {
	return []Format{Table, JSON, JSONL, YAML}
}

// ParseFormat turns a flag or environment value into a Format. Case and
// surrounding spaces are ignored; anything else is an error that lists the
// accepted values.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Formats() {
		if f == known {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q: use %s", s, formatList())
}

// formatList is Formats as prose: "table, json, jsonl or yaml".
func formatList() string {
	fs := Formats()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
