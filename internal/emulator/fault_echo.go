package emulator

import (
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// echoed is what an echo fault sends back: everything a request carried
// that could hold a secret. Servers (and proxies) that echo requests in
// their errors exist; a client must not print what comes back.
type echoed struct {
	authorization string // the Authorization header value, verbatim
	query         string // the raw query string
	body          string // the body as sent; a form is listed decoded
}

func echoOf(r *http.Request, body []byte) *echoed {
	e := &echoed{authorization: r.Header.Get("Authorization"), query: r.URL.RawQuery, body: string(body)}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(body)); err == nil {
			e.body = decodedForm(form)
		}
	}
	return e
}

// decodedForm lists a form as name=value pairs, sorted by name, with the
// values unescaped, so each secret appears exactly as the client held it.
func decodedForm(form url.Values) string {
	names := make([]string, 0, len(form))
	for n := range form {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		for _, v := range form[n] {
			parts = append(parts, n+"="+v)
		}
	}
	return strings.Join(parts, "&")
}

// graphText is appended to a Graph error's message.
func (e *echoed) graphText() string {
	return "The request carried Authorization: " + orNone(e.authorization) +
		"; query: " + orNone(e.query) + "; body: " + orNone(e.body)
}

// entraText is appended to an Entra error_description: the whole posted form.
func (e *echoed) entraText() string {
	return "The request carried form: " + orNone(e.body) +
		"; Authorization: " + orNone(e.authorization) + "; query: " + orNone(e.query)
}

// wwwAuthenticate is a challenge that echoes the Authorization header (the
// bearer token) in error_description.
func (e *echoed) wwwAuthenticate() string {
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `Bearer realm="", error="invalid_token", error_description="` + q.Replace(e.authorization) + `"`
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
