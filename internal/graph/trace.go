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
// credential redacted: Authorization and cookie headers, and token, secret,
// assertion and code fields of form and JSON bodies.
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

var sensitiveHeaders = map[string]bool{
	"Authorization": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true,
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
	start := time.Now()
	resp, err := base.RoundTrip(req)
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, redactURLForTrace(req.URL))
	writeHeaders(&b, "> ", req.Header)
	if len(reqBody) > 0 {
		fmt.Fprintf(&b, "> %s\n", redactBody(req.Header.Get("Content-Type"), reqBody))
	}
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %v\n", time.Since(start).Round(time.Millisecond), err)
		t.write(b.String())
		return nil, err
	}
	fmt.Fprintf(&b, "< %s (%s)\n", resp.Status, time.Since(start).Round(time.Millisecond))
	writeHeaders(&b, "< ", resp.Header)
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
			fmt.Fprintf(&b, "< %s\n", redactBody(resp.Header.Get("Content-Type"), data))
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

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
			v = "[redacted]"
		}
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
	}
}

// redactURLForTrace hides a userinfo password and sensitive query values.
func redactURLForTrace(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.RawQuery != "" {
		if vals, err := url.ParseQuery(c.RawQuery); err == nil {
			changed := false
			for k := range vals {
				if sensitiveKeys[normalizeKey(k)] {
					vals.Set(k, "[redacted]")
					changed = true
				}
			}
			if changed {
				c.RawQuery = vals.Encode()
			}
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

// redactBody hides sensitive fields of form or JSON bodies (parsed whole,
// then truncated for display). Bodies that cannot be parsed go through the
// text fallback, and anything JWT-shaped is masked as a last resort.
func redactBody(contentType string, body []byte) string {
	out := string(body)
	trimmed := bytes.TrimSpace(body)
	looksJSON := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
	switch {
	case strings.Contains(contentType, "json") || looksJSON:
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil && !dec.More() {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if enc.Encode(redactJSON(v)) == nil {
				out = strings.TrimSuffix(buf.String(), "\n")
			}
		} else {
			out = redactText(out)
		}
	case strings.Contains(contentType, "x-www-form-urlencoded"):
		if vals, err := url.ParseQuery(out); err == nil {
			for k := range vals {
				if sensitiveKeys[normalizeKey(k)] {
					vals.Set(k, "[redacted]")
				}
			}
			out = vals.Encode()
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

// redactJSON replaces the value of every sensitive key (except containers,
// which are searched) and returns v.
func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if sensitiveJSONKey(k) {
				switch val.(type) {
				case map[string]any, []any, nil:
				default:
					t[k] = "[redacted]"
					continue
				}
			}
			t[k] = redactJSON(val)
		}
	case []any:
		for i, e := range t {
			t[i] = redactJSON(e)
		}
	}
	return v
}
