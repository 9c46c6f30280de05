package output

import (
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A CI that reads commands from a step's log reads them from every line,
// whoever wrote it: GitHub Actions takes a line whose first non-blank
// characters are "::" ("::add-mask::…", "::stop-commands::…") and, in its
// older syntax, a "##[" anywhere in a line; Azure Pipelines takes a
// "##vso[" anywhere in a line. Text from Graph (an error message, a display
// name) must never pass for one, so in such a CI these are shown escaped:
// the second ":" of a line-leading "::" as \x3a, the "[" of "##[" and
// "##vso[" as \x5b. The rest of the text is unchanged.

// GuardCommands wraps w, a CI step's log, so that nothing written through
// it can be read as a CI command (see above). It keeps no bytes back: each
// Write is escaped and passed on at once, the state of the line carried to
// the next Write. It is safe for concurrent use; the commands provctl means
// to give are written to w itself.
func GuardCommands(w io.Writer) io.Writer {
	if _, ok := w.(*commandGuard); ok {
		return w
	}
	return &commandGuard{w: w}
}

type commandGuard struct {
	mu sync.Mutex
	w  io.Writer
	st guardState
}

// Write implements io.Writer; it reports len(p) on success.
func (g *commandGuard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := io.WriteString(g.w, g.st.escape(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// neutralizeCommands escapes "##[" and "##vso[" in s, text that goes in the
// middle of a line (a command's data).
func neutralizeCommands(s string) string {
	st := guardState{midLine: true}
	return st.escape(s)
}

// guardState is where a line stands.
type guardState struct {
	midLine bool    // a rune other than blank was written on this line
	colon   bool    // the line's first such rune was ":" and the last written
	tail    [5]byte // the line's last ASCII bytes, lower case (0 for others)
}

// escape escapes s, which continues the line st describes.
func (st *guardState) escape(s string) string {
	if !strings.ContainsAny(s, ":[\n\r") {
		st.advance(s)
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		chunk := s[i : i+size]
		i += size
		switch {
		case r == '\n' || r == '\r': // a runner reads a lone CR as a line break too
			*st = guardState{}
			b.WriteString(chunk)
			continue
		case !st.midLine && unicode.IsSpace(r): // leading blanks are trimmed by GitHub
			b.WriteString(chunk)
			continue
		}
		leading := !st.midLine
		st.midLine = true
		switch {
		case r == ':' && st.colon:
			b.WriteString(`\x3a`)
			st.colon = false
		case r == ':':
			st.colon = leading
			b.WriteString(chunk)
		case r == '[' && st.afterCommandPrefix():
			st.colon = false
			b.WriteString(`\x5b`)
		default:
			st.colon = false
			b.WriteString(chunk)
		}
		st.push(r)
	}
	return b.String()
}

// advance moves st over s, which holds no ':', '[' or line break.
func (st *guardState) advance(s string) {
	for _, r := range s {
		if !st.midLine && unicode.IsSpace(r) {
			continue
		}
		st.midLine, st.colon = true, false
		st.push(r)
	}
}

// push records r as the line's last rune.
func (st *guardState) push(r rune) {
	copy(st.tail[:], st.tail[1:])
	c := byte(0)
	if r < utf8.RuneSelf {
		c = byte(unicode.ToLower(r))
	}
	st.tail[len(st.tail)-1] = c
}

// afterCommandPrefix reports whether the line ends with "##" or "##vso"
// (any case), so that a "[" now would open a command.
func (st *guardState) afterCommandPrefix() bool {
	t := string(st.tail[:])
	return strings.HasSuffix(t, "##") || t == "##vso"
}
