package subjectlist

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// clipRunes is how much of a value a Problem shows.
const clipRunes = 80

// printable makes a value safe to show in a report: at most clipRunes
// characters (then "…"), bytes that are not UTF-8 and ASCII controls as
// \xNN, other characters that print nothing or move the cursor as
// \uNNNN. The result is always a fresh string, so a Problem never pins a
// large input line.
func printable(s string) string {
	var b strings.Builder
	for n := 0; len(s) > 0; n++ {
		if n == clipRunes {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unicode.IsPrint(r):
			b.WriteString(s[:size])
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		s = s[size:]
	}
	return b.String()
}

// quoted is printable in double quotes, for messages.
func quoted(s string) string { return `"` + printable(s) + `"` }
