package graph

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects bounds a chain of same-origin redirects.
const maxRedirects = 5

// RedirectError is a redirect provctl refused to follow: to another origin
// (scheme, host or port), which would get our request and whose answer we
// would trust, or a chain too long to be anything but a loop.
type RedirectError struct {
	To     string // the target, without its query
	Reason string
}

func (e *RedirectError) Error() string {
	if e.To == "" {
		return e.Reason
	}
	return fmt.Sprintf("refused a redirect to %s: %s", e.To, e.Reason)
}

// checkRedirect is the http.Client CheckRedirect of NewHTTPClient: it
// follows redirects within the first request's origin only, so neither a
// downgrade to http:// nor another host can answer in Graph's (or the
// authority's) name.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return &RedirectError{Reason: fmt.Sprintf("stopped after %d redirects", maxRedirects)}
	}
	from, to := via[0].URL, req.URL
	switch {
	case strings.EqualFold(from.Scheme, "https") && !strings.EqualFold(to.Scheme, "https"):
		return &RedirectError{To: redactURL(to.String()), Reason: "it leaves https"}
	case !sameOrigin(from, to):
		return &RedirectError{To: redactURL(to.String()), Reason: fmt.Sprintf("it leaves %s (only the same scheme, host and port are followed)", origin(from))}
	}
	return nil
}

// sameOrigin compares scheme, host and port; an explicit default port
// (":443") matches an implicit one.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) &&
		effectivePort(a) == effectivePort(b)
}

func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + u.Host
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
