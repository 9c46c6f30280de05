package output

import (
	"strings"

	"github.com/rivo/uniseg"
)

// wrap breaks one line of text (already sanitized: no newline) into lines
// at most w columns wide. It breaks at spaces, and between East Asian wide
// characters where Unicode allows (UAX #14), never inside a word: an id, a
// URL or an address wider than w keeps a line of its own, whole, for the
// terminal to fold (so copying it still gives the whole word). Spaces at a
// break are dropped; nothing else is. An empty text is no line.
func wrap(s string, w int) []string {
	w = max(w, 1)
	if displayWidth(s) <= w {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var lines []string
	var line strings.Builder
	lineWidth := 0
	for _, word := range words(s) {
		body := strings.TrimRight(word, " ")
		if lineWidth > 0 && lineWidth+displayWidth(body) > w {
			lines = append(lines, strings.TrimRight(line.String(), " "))
			line.Reset()
			lineWidth = 0
		}
		if lineWidth == 0 {
			word = strings.TrimLeft(word, " ") // a line never starts with the break's spaces
		}
		line.WriteString(word)
		lineWidth += displayWidth(word)
	}
	if rest := strings.TrimRight(line.String(), " "); rest != "" || len(lines) == 0 {
		lines = append(lines, rest)
	}
	return lines
}

// wrapCell is wrap for a table cell, which has no room to let a word run
// over: a word wider than w is broken between characters instead, so that
// nothing of it is cut off.
func wrapCell(s string, w int) []string {
	w = max(w, 1)
	var out []string
	for _, line := range wrap(s, w) {
		for displayWidth(line) > w {
			head, rest := splitAt(line, w)
			out = append(out, head)
			line = rest
		}
		out = append(out, line)
	}
	return out
}

// splitAt parts s after at most w columns, between grapheme clusters,
// taking at least one cluster.
func splitAt(s string, w int) (string, string) {
	used, state, rest := 0, -1, s
	for len(rest) > 0 {
		_, next, cw, st := uniseg.FirstGraphemeClusterInString(rest, state)
		if used > 0 && used+cw > w {
			break
		}
		used += cw
		rest, state = next, st
	}
	return s[:len(s)-len(rest)], rest
}

// words splits s where wrap may break it: after every run of spaces, and
// at the UAX #14 break opportunities next to a wide character (CJK text
// has no spaces). Each word keeps its trailing spaces. The opportunities
// after hyphens and slashes are not used: they would part ids, dates and
// paths.
func words(s string) []string {
	var out []string
	start, state, rest := 0, -1, s
	for len(rest) > 0 {
		segStart := len(s) - len(rest)
		var seg string
		seg, rest, _, state = uniseg.FirstLineSegmentInString(rest, state)
		// A break after each run of spaces, and after a comma that joins
		// two values ("id1,id2": Graph's multi-valued properties), so a
		// list of ids wraps between them, never inside one.
		for i := 0; i < len(seg); i++ {
			space := seg[i] == ' ' && i+1 < len(seg) && seg[i+1] != ' '
			comma := seg[i] == ',' && i+1 < len(seg) && seg[i+1] != ' ' && seg[i+1] != ','
			if space || comma {
				out = append(out, s[start:segStart+i+1])
				start = segStart + i + 1
			}
		}
		end := len(s) - len(rest)
		if rest == "" || strings.HasSuffix(seg, " ") || wideAt(seg, true) || wideAt(rest, false) {
			out = append(out, s[start:end])
			start = end
		}
	}
	return out
}

// wideAt reports whether the last (or first) character of s is two
// columns wide.
func wideAt(s string, last bool) bool {
	if s == "" {
		return false
	}
	if last {
		gr := uniseg.NewGraphemes(s)
		w := 0
		for gr.Next() {
			w = gr.Width()
		}
		return w == 2
	}
	_, _, w, _ := uniseg.FirstGraphemeClusterInString(s, -1)
	return w == 2
}
