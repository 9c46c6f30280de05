package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
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
//   - bidi controls, zero-width and other invisible formatting characters
//     and tag characters (see [isHidden]) become \uXXXX or \UXXXXXXXX, so
//     "Box\u200b" cannot pass for "Box" nor "exe.txt" be shown reversed.
//
// The result is valid UTF-8 without any control or hidden character.
func Sanitize(s string) string {
	return clean(s, cellMode)
}

// sanitizeText is Sanitize for running text: newlines and tabs are kept.
func sanitizeText(s string) string {
	return clean(s, textMode)
}

// escapeJSON makes a JSON document safe for a terminal and for the YAML
// reader while keeping it the same JSON value: C0 controls other than \n and
// \t, DEL, C1 controls, hidden characters, U+2028/U+2029 and the
// noncharacters U+FFFE/U+FFFF become \uXXXX escapes (a surrogate pair above
// U+FFFF). Encoders only put such runes inside strings, where that is the
// JSON spelling of the same rune.
func escapeJSON(b []byte) []byte {
	return escapeDoc(b, jsonMode)
}

// escapeYAML is escapeJSON for a YAML document, with YAML's \UXXXXXXXX
// above U+FFFF: in a double-quoted scalar the escape is the same rune, in a
// plain one it is shown as text.
func escapeYAML(b []byte) []byte {
	return escapeDoc(b, yamlMode)
}

func escapeDoc(b []byte, mode cleanMode) []byte {
	s := string(b)
	if c := clean(s, mode); c != s {
		return []byte(c)
	}
	return b
}

type cleanMode int

const (
	cellMode cleanMode = iota // one line, for a table cell or field
	textMode                  // keeps \n and \t
	jsonMode                  // keeps \n and \t, escapes as JSON \uXXXX
	yamlMode                  // keeps \n and \t, escapes as YAML \uXXXX / \UXXXXXXXX
)

// encoded reports the modes that must keep a document's value.
func (m cleanMode) encoded() bool { return m == jsonMode || m == yamlMode }

// clean implements Sanitize, sanitizeText, escapeJSON and escapeYAML.
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
			if mode.encoded() {
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
			if mode.encoded() {
				writeEscape(&b, r, mode)
			} else {
				b.WriteByte(' ')
			}
		case mode.encoded() && (isControl(r) || r == '\ufffe' || r == '\uffff'):
			writeEscape(&b, r, mode)
		case isControl(r):
			b.WriteString(controlEscape(r))
		case isHidden(r):
			writeEscape(&b, r, mode)
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
		case r == '\ufffe' || r == '\uffff':
			if mode.encoded() {
				return true
			}
		case r == utf8.RuneError && size == 1,
			r == '\u2028' || r == '\u2029',
			isControl(r), isHidden(r):
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

// writeEscape spells r as \uXXXX; above U+FFFF as a UTF-16 surrogate pair
// for JSON and as \UXXXXXXXX otherwise (YAML and Go spell it so).
func writeEscape(b *strings.Builder, r rune, mode cleanMode) {
	switch {
	case r <= 0xffff:
		fmt.Fprintf(b, `\u%04x`, r)
	case mode == jsonMode:
		hi, lo := utf16.EncodeRune(r)
		fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
	default:
		fmt.Fprintf(b, `\U%08x`, r)
	}
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
// and hidden character shown escaped, so nothing written to it can
// drive a terminal or hide from the reader. Each Write is sanitized on its
// own: callers write whole lines or blocks.
type SafeWriter struct{ W io.Writer }

// Write implements io.Writer; it reports len(p) on success.
func (w SafeWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.W, sanitizeText(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
