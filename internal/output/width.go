package output

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// ellipsis marks a truncated cell.
const ellipsis = "…"

// displayWidth is the number of terminal columns s takes: East Asian wide and
// fullwidth runes take two, combining marks and format characters none.
func displayWidth(s string) int {
	if isSafe(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// truncate cuts s to at most w columns, ending it with "…" when cut.
func truncate(s string, w int) string {
	t, _ := truncateWidth(s, w)
	return t
}

// truncateWidth is truncate that also returns the width of its result.
func truncateWidth(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	if n := displayWidth(s); n <= w {
		return s, n
	}
	used := 0
	for i, r := range s {
		rw := runeWidth(r)
		if used+rw > w-1 {
			return s[:i] + ellipsis, used + 1
		}
		used += rw
	}
	return s, used // not reached: s is wider than w
}
