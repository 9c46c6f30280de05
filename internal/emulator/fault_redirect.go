package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

// answerRedirect answers f.Status (3xx) with Location f.Redirect. A
// redirect URL without a path gets the request's path and query, so
// {"redirect":"http://127.0.0.1:PORT"} is a downgrade of the same request.
func (s *Server) answerRedirect(w http.ResponseWriter, r *http.Request, kind requestKind, f *fault) {
	loc := f.Redirect
	if u, err := url.Parse(loc); err == nil && u.Path == "" && u.RawQuery == "" {
		loc = strings.TrimSuffix(loc, "/") + r.URL.RequestURI()
	}
	if kind == kindGraph {
		rid, crid := newGUID(), r.Header.Get("client-request-id")
		if crid == "" {
			crid = rid
		}
		setGraphHeaders(w, rid, crid)
	}
	if f.RetryAfter != nil {
		w.Header().Set("Retry-After", *f.RetryAfter)
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(f.Status)
}
