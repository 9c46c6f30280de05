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
)

// TraceTransport writes a --debug trace of every exchange to Out with every
// credential redacted: Authorization and cookie headers, and token, secret,
// assertion and code fields of form and JSON bodies.
type TraceTransport struct {
	Base http.RoundTripper
	Out  io.Writer
	mu   sync.Mutex
}

const traceBodyLimit = 4096

// sensitiveKeys are body fields whose values never reach the trace.
var sensitiveKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "client_secret": true,
	"client_assertion": true, "assertion": true, "device_code": true, "code": true,
	"password": true, "client_info": true, "token": true, "secret": true,
}

var sensitiveHeaders = map[string]bool{
	"Authorization": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true,
}

// RoundTrip implements http.RoundTripper.
func (t *TraceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
		}
	}
	start := time.Now()
	resp, err := t.Base.RoundTrip(req)
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, req.URL.Redacted())
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
	if resp.Body != nil {
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBodyBytes))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		if rerr != nil {
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{rerr}))
		}
		if len(data) > 0 {
			fmt.Fprintf(&b, "< %s\n", redactBody(resp.Header.Get("Content-Type"), data))
		}
	}
	t.write(b.String())
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (t *TraceTransport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.Out, s)
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

// jwtLike matches anything shaped like a JWT, as a last line of defence for
// tokens in fields we did not anticipate.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// redactBody hides sensitive fields of form or JSON bodies (parsed whole,
// then truncated for display); anything JWT-shaped is masked as a last resort.
func redactBody(contentType string, body []byte) string {
	out := string(body)
	switch {
	case strings.Contains(contentType, "x-www-form-urlencoded"):
		if vals, err := url.ParseQuery(out); err == nil {
			for k := range vals {
				if sensitiveKeys[strings.ToLower(k)] {
					vals.Set(k, "[redacted]")
				}
			}
			out = vals.Encode()
		} else {
			out = "[unparseable form body redacted]"
		}
	case strings.Contains(contentType, "json"):
		var v any
		if json.Unmarshal(body, &v) == nil {
			redactJSON(v)
			if b, err := json.Marshal(v); err == nil {
				out = string(b)
			}
		}
	}
	out = jwtLike.ReplaceAllString(out, "[redacted-jwt]")
	if len(out) > traceBodyLimit {
		out = out[:traceBodyLimit] + " …(truncated)"
	}
	return out
}

func redactJSON(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			// "code" is an OAuth secret in forms but Graph's error code in JSON.
			if key := strings.ToLower(k); sensitiveKeys[key] && key != "code" {
				if _, isString := val.(string); isString {
					t[k] = "[redacted]"
					continue
				}
			}
			redactJSON(val)
		}
	case []any:
		for _, e := range t {
			redactJSON(e)
		}
	}
}
