package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// TraceTransport writes a --debug trace of every exchange to Out with every
// credential redacted: Authorization and cookie headers, the credential
// parts of WWW-Authenticate challenges, JWTs anywhere, and token, secret,
// assertion and code fields of form and JSON bodies. Bodies are otherwise
// shown byte for byte as sent and received.
type TraceTransport struct {
	Base http.RoundTripper
	Out  io.Writer
	mu   sync.Mutex
}

const (
	// traceBodyLimit is how much of a redacted body the trace shows.
	traceBodyLimit = 4096
	// traceReadLimit is how much of a body is read for redaction; the rest
	// of a response streams to the caller untouched.
	traceReadLimit = 1 << 20
)

// sensitiveKeys are body and query fields whose values never reach the
// trace, compared after normalizeKey (lower case, no '_' or '-'), so
// "refresh_token", "refreshToken" and "Refresh-Token" are all caught.
var sensitiveKeys = map[string]bool{
	"accesstoken": true, "refreshtoken": true, "idtoken": true, "clientsecret": true,
	"clientassertion": true, "assertion": true, "devicecode": true, "code": true,
	"password": true, "clientinfo": true, "token": true, "secret": true, "secrettext": true,
	"codeverifier": true, // PKCE: redeems the authorization code
}

func normalizeKey(k string) string {
	k = strings.ToLower(k)
	return strings.NewReplacer("_", "", "-", "").Replace(k)
}

// sensitiveJSONKey is sensitiveKeys for JSON, where "code" is Graph's error
// code (kept visible) rather than an OAuth authorization code.
func sensitiveJSONKey(k string) bool {
	n := normalizeKey(k)
	return n != "code" && sensitiveKeys[n]
}

// RoundTrip implements http.RoundTripper.
func (t *TraceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, traceReadLimit))
			rc.Close()
		}
	}
	// What this request posted as a credential is masked wherever the
	// answer echoes it, whatever key or text it hides in.
	secrets := collectSecrets(req, reqBody)
	start := time.Now()
	resp, err := base.RoundTrip(req)
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, secrets.mask(redactURLForTrace(req.URL)))
	writeHeaders(&b, "> ", req.Header, secrets)
	if len(reqBody) > 0 {
		fmt.Fprintf(&b, "> %s\n", secrets.mask(redactBody(req.Header.Get("Content-Type"), reqBody)))
	}
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %s\n", time.Since(start).Round(time.Millisecond), RedactCredentials(secrets.mask(err.Error())))
		t.write(b.String())
		return nil, err
	}
	fmt.Fprintf(&b, "< %s (%s)\n", resp.Status, time.Since(start).Round(time.Millisecond))
	writeHeaders(&b, "< ", resp.Header, secrets)
	if resp.Body != nil && resp.Body != http.NoBody {
		// Read a bounded prefix for the trace and hand the caller that
		// prefix followed by the untouched rest, so the trace never
		// truncates or buffers what the caller reads.
		orig := resp.Body
		data, rerr := io.ReadAll(io.LimitReader(orig, traceReadLimit))
		var rest io.Reader = orig
		if rerr != nil {
			rest = errReader{rerr}
		}
		resp.Body = &prefixBody{Reader: io.MultiReader(bytes.NewReader(data), rest), Closer: orig}
		if len(data) > 0 {
			// Mask before redactBody cuts the body, so a cut cannot leave
			// half a secret that no longer matches.
			shown := []byte(secrets.mask(string(data)))
			fmt.Fprintf(&b, "< %s\n", redactBody(resp.Header.Get("Content-Type"), shown))
		}
	}
	t.write(b.String())
	return resp, nil
}

type prefixBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (t *TraceTransport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = io.WriteString(t.Out, s)
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header, secrets exchangeSecrets) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, redactHeaderValue(k, secrets.mask(strings.Join(h[k], ", "))))
	}
}

// redactURLForTrace hides a userinfo password and sensitive query values.
func redactURLForTrace(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.RawQuery != "" {
		if _, err := url.ParseQuery(c.RawQuery); err == nil {
			c.RawQuery = redactFormInPlace(c.RawQuery)
		} else {
			c.RawQuery = redactText(c.RawQuery)
		}
	}
	return jwtLike.ReplaceAllString(c.Redacted(), "[redacted-jwt]")
}

// jwtLike matches anything shaped like a JWT, as a last line of defence for
// tokens in fields we did not anticipate.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// sensitiveAlternation matches every spelling normalizeKey folds into a
// sensitive key, for the text fallback.
const sensitiveAlternation = `access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|client[_-]?assertion|assertion|device[_-]?code|password|client[_-]?info|token|secret|secret[_-]?text`

var (
	// "key": "value" (value possibly cut off) or "key": scalar.
	jsonSecretRe = regexp.MustCompile(`(?i)("(?:` + sensitiveAlternation + `)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,}\]]+)`)
	// key=value in forms and query strings, "code" included.
	formSecretRe = regexp.MustCompile(`(?i)((?:^|[^A-Za-z0-9_-])(?:` + sensitiveAlternation + `|code)=)([^&\s]*)`)
)

// redactText is the fallback for bodies that could not be parsed (cut off,
// mislabelled, or of an unknown type): it masks sensitive "key": value and
// key=value pairs wherever they appear.
func redactText(s string) string {
	s = jsonSecretRe.ReplaceAllString(s, `${1}"[redacted]"`)
	return formSecretRe.ReplaceAllString(s, `${1}[redacted]`)
}

// redactBody shows a body as received with only its secrets masked: the
// values of sensitive fields of JSON and form bodies, replaced in place
// (key order and spacing kept), then cut for display. Bodies that cannot be
// parsed go through the text fallback, and anything JWT-shaped is masked as
// a last resort.
func redactBody(contentType string, body []byte) string {
	out := string(body)
	trimmed := bytes.TrimSpace(body)
	looksJSON := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
	switch {
	case strings.Contains(contentType, "json") || looksJSON:
		if json.Valid(body) {
			out = string(redactJSONInPlace(body))
		} else {
			out = redactText(out)
		}
	case strings.Contains(contentType, "x-www-form-urlencoded"):
		if _, err := url.ParseQuery(out); err == nil {
			out = redactFormInPlace(out)
		} else {
			out = "[unparseable form body redacted]"
		}
	default:
		out = redactText(out)
	}
	out = jwtLike.ReplaceAllString(out, "[redacted-jwt]")
	if len(out) > traceBodyLimit {
		cut := traceBodyLimit
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + " …(truncated)"
	}
	return out
}

// formMask is "[redacted]" form-encoded, as a form value would carry it.
const formMask = "%5Bredacted%5D"

// redactFormInPlace masks the values of sensitive keys of a form or query
// string that url.ParseQuery accepts, leaving every other byte as sent.
func redactFormInPlace(s string) string {
	pairs := strings.Split(s, "&")
	for i, pair := range pairs {
		rawKey, _, hasValue := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			key = rawKey
		}
		if hasValue && sensitiveKeys[normalizeKey(key)] {
			pairs[i] = rawKey + "=" + formMask
		}
	}
	return strings.Join(pairs, "&")
}
