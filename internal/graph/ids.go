package graph

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// MaxIDLength bounds any id we put in a URL path.
const MaxIDLength = 256

// InvalidIDError reports an id that cannot be sent to Graph; nothing was sent.
type InvalidIDError struct {
	Kind, ID, Why string
}

func (e *InvalidIDError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Kind, Clip(e.ID), e.Why)
}

// Clip shortens user input echoed in a message to a readable length.
func Clip(s string) string {
	const max = 120
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// ValidateID checks an id before it becomes a path segment. Graph ids are
// GUIDs, job ids like "BoxOutDelta.<hex>.<guid>", rule ids may carry "#V2";
// none contains '/', '\', whitespace, control characters, or is "." / "..".
func ValidateID(kind, id string) error {
	switch {
	case id == "":
		return &InvalidIDError{kind, id, "it is empty"}
	case len(id) > MaxIDLength:
		return &InvalidIDError{kind, id, fmt.Sprintf("longer than %d characters", MaxIDLength)}
	case id == "." || id == ".." || strings.Contains(id, ".."):
		return &InvalidIDError{kind, id, "it contains \"..\""}
	case id[0] == '$':
		// $count, $ref, $value, $batch… would address something else.
		return &InvalidIDError{kind, id, "it starts with \"$\" (an OData system segment)"}
	}
	for _, r := range id {
		switch {
		case r == '/' || r == '\\':
			return &InvalidIDError{kind, id, "it contains a path separator"}
		case r == '?' || r == '%' || r == '\'' || r == '"':
			return &InvalidIDError{kind, id, fmt.Sprintf("it contains %q", r)}
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar:
			return &InvalidIDError{kind, id, "it contains spaces or control characters"}
		}
	}
	return nil
}

// Path joins segments into an escaped path. Callers validate ids first;
// escaping here is the second line of defence: '/', '?', '#', '%' and
// spaces are escaped, and a "." or ".." segment has its dots escaped so it
// cannot climb out of the intended resource.
func Path(segments ...string) string {
	esc := make([]string, len(segments))
	for i, s := range segments {
		if s == "." || s == ".." {
			esc[i] = strings.Repeat("%2E", len(s))
			continue
		}
		esc[i] = url.PathEscape(s)
	}
	return strings.Join(esc, "/")
}

// QuoteODataString makes s an OData string literal: single quotes doubled.
func QuoteODataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
