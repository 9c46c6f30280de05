package graph

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// exchangeSecrets are the credential values one request carried (its
// bearer token, and the values of sensitive form, JSON and query fields) in
// every spelling a server may echo them: as sent, form-encoded and
// JSON-escaped. The trace masks them wherever the answer repeats them: an
// authority's error_description may quote the posted client_secret,
// refresh_token or device_code, which are not JWT-shaped and sit under
// harmless keys.
type exchangeSecrets []string

// collectSecrets gathers the secrets of req, whose body (as far as the
// trace read it) is body.
func collectSecrets(req *http.Request, body []byte) exchangeSecrets {
	var vals []string
	for _, h := range []string{"Authorization", "Proxy-Authorization"} {
		for _, v := range req.Header.Values(h) {
			vals = append(vals, v)
			if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
				vals = append(vals, strings.TrimSpace(cred))
			}
		}
	}
	if req.URL != nil {
		vals = append(vals, sensitiveFormValues(req.URL.RawQuery)...)
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 {
		if trimmed[0] == '{' || trimmed[0] == '[' {
			var v any
			if json.Unmarshal(trimmed, &v) == nil {
				vals = appendJSONSecrets(vals, v, false)
			}
		} else {
			vals = append(vals, sensitiveFormValues(string(body))...)
		}
	}
	return spellings(vals)
}

// sensitiveFormValues returns the values of sensitive keys of a form or
// query string ("code" included: in a form it is an authorization code).
func sensitiveFormValues(s string) []string {
	q, err := url.ParseQuery(s)
	if err != nil {
		return nil
	}
	var out []string
	for k, vs := range q {
		if sensitiveKeys[normalizeKey(k)] {
			out = append(out, vs...)
		}
	}
	return out
}

// appendJSONSecrets adds the scalar values under sensitive keys of v.
func appendJSONSecrets(out []string, v any, sensitive bool) []string {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			out = appendJSONSecrets(out, val, sensitiveJSONKey(k))
		}
	case []any:
		for _, e := range t {
			out = appendJSONSecrets(out, e, sensitive)
		}
	case string:
		if sensitive {
			out = append(out, t)
		}
	}
	return out
}

// spellings returns each value of at least minKnownSecret bytes in the
// forms it may come back in, longest first so no shorter spelling cuts a
// longer one in half.
func spellings(vals []string) exchangeSecrets {
	seen := map[string]bool{}
	var out exchangeSecrets
	add := func(s string) {
		if len(s) >= minKnownSecret && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range vals {
		add(v)
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) == nil {
			js := strings.TrimSuffix(b.String(), "\n")
			js = js[1 : len(js)-1]
			add(js)
			add(strings.ReplaceAll(js, "/", `\/`))
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// mask replaces every occurrence of the secrets in s.
func (e exchangeSecrets) mask(s string) string {
	for _, sec := range e {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}
