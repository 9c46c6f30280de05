package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sanitize makes a string from outside (Graph, a user) safe to show in one
// table cell on a terminal:
//
//   - newlines, tabs and the Unicode line/paragraph separators become a space
//     (a tab would also break tab-separated output);
//   - other C0 controls, DEL and C1 controls (ESC, CR, BS, U+009B CSI …)
//     become visible escapes such as \x1b, \r, \x7f and \u009b;
//   - bytes that are not UTF-8 become \xNN;
//   - bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//     which can reorder what the reader sees, are removed.
//
// The result is valid UTF-8 without any control character.
func Sanitize(s string) string {
	return clean(s, cellMode)
}

// sanitizeText is Sanitize for running text: newlines and tabs are kept.
func sanitizeText(s string) string {
	return clean(s, textMode)
}

// escapeEncoded makes a JSON document safe for a terminal and for the YAML
// reader while keeping it the same JSON value: C0 controls other than \n and
// \t, DEL, C1 controls, bidi controls, U+2028/U+2029 and the noncharacters
// U+FFFE/U+FFFF become \uXXXX escapes. Encoders only put such runes inside
// strings, where \uXXXX is the JSON (and double-quoted YAML) spelling of the
// same rune; in plain YAML scalars the escape is shown as text.
func escapeEncoded(b []byte) []byte {
	s := string(b)
	if c := clean(s, encodedMode); c != s {
		return []byte(c)
	}
	return b
}

type cleanMode int

const (
	cellMode    cleanMode = iota // one line, for a table cell or field
	textMode                     // keeps \n and \t
	encodedMode                  // keeps \n and \t, escapes as \uXXXX
)

// clean implements Sanitize, sanitizeText and escapeEncoded.
func clean(s string, mode cleanMode) string {
	if !needsClean(s, mode) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if mode == encodedMode {
				b.WriteString(`\ufffd`)
			} else {
				fmt.Fprintf(&b, `\x%02x`, s[i])
			}
		case r == '\n' || r == '\t':
			if mode == cellMode {
				b.WriteByte(' ')
			} else {
				b.WriteRune(r)
			}
		case r == '\u2028' || r == '\u2029':
			if mode == encodedMode {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteByte(' ')
			}
		case isBidiControl(r):
			if mode == encodedMode {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		case mode == encodedMode && (r == '\ufffe' || r == '\uffff'):
			fmt.Fprintf(&b, `\u%04x`, r)
		case mode == cellMode && isInvisible(r):
			fmt.Fprintf(&b, `\u%04x`, r) // "Box\u200b" must not pass for "Box"
		case isControl(r):
			if mode == encodedMode {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteString(controlEscape(r))
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsClean reports whether clean would change s in the given mode.
func needsClean(s string, mode cleanMode) bool {
	if isSafe(s) {
		return false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n' || r == '\t':
			if mode == cellMode {
				return true
			}
		case mode == cellMode && isInvisible(r):
			return true
		case r == utf8.RuneError && size == 1,
			r == '\u2028' || r == '\u2029',
			r == '\ufffe' || r == '\uffff',
			isBidiControl(r), isControl(r):
			return true
		}
	}
	return false
}

// isSafe is the fast path: printable ASCII needs no work.
func isSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// isControl reports C0 controls, DEL and C1 controls.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// isBidiControl reports the embedding, override and isolate controls.
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// isInvisible reports zero-width characters that would let a look-alike
// name (an app, a user) pass for another in a table.
func isInvisible(r rune) bool {
	return (r >= '\u200b' && r <= '\u200d') || r == '\u2060' || r == '\ufeff' || r == '\u180e'
}

// controlEscape spells a control character the way Go source would.
func controlEscape(r rune) string {
	switch r {
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\r':
		return `\r`
	case '\v':
		return `\v`
	}
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// SafeWriter writes multi-line text for people (such as the --debug
// trace) with line breaks and tabs kept and every other control character
// and bidi override shown escaped, so nothing written to it can
// drive a terminal. Each Write is sanitized on its own: callers write whole
// lines or blocks.
type SafeWriter struct{ W io.Writer }

// Write implements io.Writer; it reports len(p) on success.
func (w SafeWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.W, sanitizeText(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
