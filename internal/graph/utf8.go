package graph

import "unicode/utf8"

// validUTF8 returns b with each byte that is not part of valid UTF-8
// replaced by U+FFFD, one per byte — what encoding/json does to such bytes
// in the strings it decodes, so the raw answer and the decoded fields show
// the same text. b itself is returned when it is valid (the usual case).
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}
