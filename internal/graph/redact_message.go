package graph

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// minKnownSecret is the shortest exact value masked by RedactCredentials and
// the trace: shorter values ("1", "true") would mask ordinary text.
const minKnownSecret = 8

// bearerRe matches "Bearer <credential>" as servers echo it in messages
// ("Access token validation failure. Received: Bearer eyJ…").
var bearerRe = regexp.MustCompile(`(?i)(\bbearer[ \t]+)[^\s"',;]+`)

// RedactCredentials masks what a message from Graph, the authority or the
// network may echo of a credential: each known value (e.g. the token sent
// on the request), "Bearer <anything>", JWT-shaped strings, and the values
// of token, secret, assertion and code fields. Every error message that
// reaches output goes through it, so the error line and the --debug trace
// agree.
func RedactCredentials(s string, known ...string) string {
	for _, k := range known {
		if len(k) >= minKnownSecret {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	s = redactText(s)
	s = RedactURLUserinfo(s)
	s = bearerRe.ReplaceAllString(s, "${1}[redacted]")
	return jwtLike.ReplaceAllString(s, "[redacted-jwt]")
}

// userinfoRe matches a URL's scheme and user info ("https://user:pw@"), up
// to the authority's last "@" as url.Parse reads it.
var userinfoRe = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s"]*@`)

// RedactURLUserinfo masks the whole user info of every URL in s
// ("https://xxxxx@host"): a password, or a token passed as a user name,
// must not reach a terminal or a log. Whatever else s holds is kept.
func RedactURLUserinfo(s string) string {
	return userinfoRe.ReplaceAllString(s, "${1}xxxxx@")
}

// MaxMessageRunes bounds how much of a Graph error message Error() shows:
// a 2 MiB message must not become a 2 MiB line on stderr.
const MaxMessageRunes = 1000

// clipRunes cuts s to at most n characters, marking the cut with "…".
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}

// shownMessage is what Error() prints of a message: credentials masked,
// then clipped. Only a bounded prefix is searched (regexps over megabytes
// on every Error() call add up); the prefix is far longer than what is
// shown, so a credential at the clip point is still seen whole.
func shownMessage(s string) string {
	const searched = 16 * MaxMessageRunes * utf8.UTFMax
	if len(s) > searched {
		cut := searched
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return clipRunes(RedactCredentials(s), MaxMessageRunes)
}
