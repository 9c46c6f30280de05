package subjectlist

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValue is the longest reference accepted, in bytes (what the rest of
// provctl accepts in an OData filter value).
const MaxValue = 1024

// colKind is what a column may hold.
type colKind int

const (
	colAny  colKind = iota // plain lines, UPN columns, a --column of another name
	colID                  // objectId, id: GUIDs only
	colMail                // mail: an address
)

const reasonUnknown = "not an object id, user principal name or distinguished name"

// classify says what v refers to, or why it cannot be used.
func classify(v string, ck colKind, column string) (Kind, string) {
	switch {
	case len(v) > MaxValue:
		return "", fmt.Sprintf("longer than %d bytes", MaxValue)
	case !utf8.ValidString(v):
		return "", "not valid UTF-8"
	}
	if reason := badRunes(v); reason != "" {
		return "", reason
	}
	switch {
	case ck == colID:
		if isGUID(v) {
			return KindID, ""
		}
		return "", column + " is not an object id (a GUID)"
	case ck == colMail:
		return checked(KindMail, address(v, "mail address"))
	case isGUID(v):
		return KindID, ""
	case hasDNPrefix(v):
		if isDN(v) {
			return KindDN, ""
		}
		return "", "not a valid distinguished name (expected CN=…,OU=…,DC=…)"
	case strings.Contains(v, "@"):
		return checked(KindUPN, address(v, "user principal name"))
	}
	return "", reasonUnknown
}

// checked is kind, or no kind when there is a reason against it.
func checked(kind Kind, reason string) (Kind, string) {
	if reason != "" {
		return "", reason
	}
	return kind, ""
}

// badRunes rejects characters that never belong in a reference and would
// make a lookup fail silently or garble a terminal: control characters
// (C0, DEL, C1), invisible formatting (zero-width, bidi, soft hyphen) and
// line separators.
func badRunes(v string) string {
	for _, r := range v {
		switch {
		case r >= ' ' && r < 0x7f:
			continue // the common case, checked cheaply
		case unicode.IsControl(r):
			return fmt.Sprintf("contains a control character (U+%04X)", r)
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("contains an invisible formatting character (U+%04X)", r)
		case r == '\u2028' || r == '\u2029':
			return fmt.Sprintf("contains a line separator (U+%04X)", r)
		}
	}
	return ""
}

// address checks a UPN or mail address loosely: one @ with text on both
// sides and none of the characters that betray a wrong separator or a
// trailing note. ' stays allowed (O'Neil@…): the caller quotes it.
func address(v, what string) string {
	at := strings.IndexByte(v, '@')
	switch {
	case strings.Count(v, "@") != 1:
		return what + " must contain exactly one @"
	case at == 0 || at == len(v)-1:
		return what + " needs text before and after @"
	case strings.IndexFunc(v, unicode.IsSpace) >= 0:
		return what + " contains a space"
	}
	if i := strings.IndexAny(v, `,;"`); i >= 0 {
		return fmt.Sprintf("%s contains '%s'", what, v[i:i+1])
	}
	return ""
}

// isGUID reports the 8-4-4-4-12 hex form of an object id.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// hasDNPrefix reports a value that starts like a user's or container's DN.
func hasDNPrefix(v string) bool {
	if len(v) < 3 {
		return false
	}
	p := v[:3]
	return strings.EqualFold(p, "CN=") || strings.EqualFold(p, "OU=") || strings.EqualFold(p, "DC=")
}

// isDN checks the shape of a distinguished name: at least two attr=value
// components split at commas that are neither escaped (\,) nor quoted.
func isDN(v string) bool {
	n, start, quoted := 0, 0, false
	for i := 0; i <= len(v); i++ {
		if i < len(v) {
			switch v[i] {
			case '\\':
				if i+1 == len(v) {
					return false
				}
				i++
				continue
			case '"':
				quoted = !quoted
				continue
			case ',':
				if quoted {
					continue
				}
			default:
				continue
			}
		}
		if !isRDN(v[start:i]) {
			return false
		}
		n++
		start = i + 1
	}
	return !quoted && n >= 2
}

// isRDN checks one attr=value component: a name of letters, digits, '-'
// or '.' (an OID), and a value.
func isRDN(s string) bool {
	attr, val, ok := strings.Cut(s, "=")
	attr = strings.TrimSpace(attr)
	if !ok || attr == "" || strings.TrimSpace(val) == "" {
		return false
	}
	for i := 0; i < len(attr); i++ {
		c := attr[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
