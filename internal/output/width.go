package output

import (
	"strings"

	"github.com/rivo/uniseg"
)

// ellipsis marks a truncated cell.
const ellipsis = "…"

// displayWidth is the number of terminal columns s takes, counted by
// grapheme cluster (what a terminal draws as one character): East Asian
// wide and fullwidth characters and emoji take two, an emoji ZWJ sequence,
// a flag or a letter with combining marks counts as one character, and
// format characters take none.
func displayWidth(s string) int {
	if isSafe(s) {
		return len(s)
	}
	return uniseg.StringWidth(s)
}

// truncate cuts s to at most w columns, ending it with "…" when cut.
func truncate(s string, w int) string {
	t, _ := truncateWidth(s, w)
	return t
}

// truncateWidth is truncate that also returns the width of its result. It
// cuts between grapheme clusters only, so an accent is never parted from
// its letter nor an emoji sequence split.
func truncateWidth(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	if n := displayWidth(s); n <= w {
		return s, n
	}
	used, state, rest := 0, -1, s
	for len(rest) > 0 {
		_, next, cw, st := uniseg.FirstGraphemeClusterInString(rest, state)
		if used+cw > w-1 {
			break
		}
		used += cw
		rest, state = next, st
	}
	head := strings.TrimRight(s[:len(s)-len(rest)], " ") // "Sales…", not "Sales …"
	used -= len(s) - len(rest) - len(head)
	return head + ellipsis, used + 1
}
