package output

import (
	"fmt"
	"io"
	"strings"
)

// Warnf writes "warning: <message>" as one line on stderr, "warning:" in
// yellow when ErrColor is on.
func (s *Streams) Warnf(format string, a ...any) {
	s.message(Warning, "warning:", fmt.Sprintf(format, a...))
}

// Errorf writes "error: <message>" as one line on stderr, "error:" in red when
// ErrColor is on.
func (s *Streams) Errorf(format string, a ...any) {
	s.message(Failure, "error:", fmt.Sprintf(format, a...))
}

// message writes one prefixed message. The text is sanitized but keeps its
// line breaks: it may quote Graph's words, and stderr is read by people even
// when it is a CI log.
func (s *Streams) message(style Style, prefix, text string) {
	text = sanitizeText(strings.TrimSuffix(text, "\n"))
	_, _ = io.WriteString(s.ErrOut, s.ErrPaint(style, prefix)+" "+text+"\n")
}
