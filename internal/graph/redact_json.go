package graph

import (
	"bytes"
	"encoding/json"
)

// redactJSONInPlace returns body with the value of every sensitive key
// replaced by "[redacted]", byte for byte otherwise: key order, spacing,
// escapes and number spelling stay as Graph sent them, so a --debug trace
// shows the answer itself rather than a re-encoding. A string whose escapes
// hide a JWT ("eyJ\u0061…") is replaced by "[redacted-jwt]", since the
// plain-text JWT pass that follows would not see it. body must satisfy
// json.Valid, which also bounds the nesting depth this recursion reaches.
func redactJSONInPlace(body []byte) []byte {
	r := jsonRedactor{src: body, out: make([]byte, 0, len(body))}
	r.value(false)
	r.space()
	return r.out
}

// jsonRedactor copies valid JSON from src to out one token at a time.
type jsonRedactor struct {
	src []byte
	pos int
	out []byte
}

// value copies one value. sensitive replaces a scalar; null stays null and
// containers are searched, as their members may be sensitive themselves.
func (r *jsonRedactor) value(sensitive bool) {
	r.space()
	switch r.src[r.pos] {
	case '{':
		r.object()
	case '[':
		r.array()
	case '"':
		s := r.stringToken()
		switch {
		case sensitive:
			r.out = append(r.out, `"[redacted]"`...)
		case escapedJWT(s):
			r.out = append(r.out, `"[redacted-jwt]"`...)
		default:
			r.out = append(r.out, s...)
		}
	default: // number, true, false, null
		start := r.pos
		for r.pos < len(r.src) && !isJSONDelimiter(r.src[r.pos]) {
			r.pos++
		}
		lit := r.src[start:r.pos]
		if sensitive && string(lit) != "null" {
			r.out = append(r.out, `"[redacted]"`...)
		} else {
			r.out = append(r.out, lit...)
		}
	}
}

func (r *jsonRedactor) object() {
	r.copyByte() // {
	r.space()
	if r.src[r.pos] == '}' {
		r.copyByte()
		return
	}
	for {
		r.space()
		key := r.stringToken()
		if escapedJWT(key) {
			r.out = append(r.out, `"[redacted-jwt]"`...)
		} else {
			r.out = append(r.out, key...)
		}
		r.space()
		r.copyByte() // :
		r.value(sensitiveJSONKey(decodeJSONString(key)))
		r.space()
		if r.copyByte() == '}' {
			return
		}
	}
}

func (r *jsonRedactor) array() {
	r.copyByte() // [
	r.space()
	if r.src[r.pos] == ']' {
		r.copyByte()
		return
	}
	for {
		r.value(false)
		r.space()
		if r.copyByte() == ']' {
			return
		}
	}
}

// stringToken consumes a string token, quotes included, and returns it raw.
func (r *jsonRedactor) stringToken() []byte {
	start := r.pos
	r.pos++ // opening quote
	for r.src[r.pos] != '"' {
		if r.src[r.pos] == '\\' {
			r.pos++
		}
		r.pos++
	}
	r.pos++ // closing quote
	return r.src[start:r.pos]
}

func (r *jsonRedactor) copyByte() byte {
	c := r.src[r.pos]
	r.out = append(r.out, c)
	r.pos++
	return c
}

func (r *jsonRedactor) space() {
	start := r.pos
	for r.pos < len(r.src) && isJSONSpace(r.src[r.pos]) {
		r.pos++
	}
	r.out = append(r.out, r.src[start:r.pos]...)
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isJSONDelimiter(c byte) bool {
	return isJSONSpace(c) || c == ',' || c == '}' || c == ']' || c == ':'
}

// decodeJSONString returns the text of a raw string token.
func decodeJSONString(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// escapedJWT reports a string token whose escapes spell out a JWT.
func escapedJWT(raw []byte) bool {
	return bytes.IndexByte(raw, '\\') >= 0 && jwtLike.MatchString(decodeJSONString(raw))
}
