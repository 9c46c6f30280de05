package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// requestKind says which side of the emulator a path belongs to.
type requestKind int

const (
	kindUnknown  requestKind = iota
	kindGraph                // /beta/..., /v1.0/...
	kindEntra                // /{tenant}/...
	kindPage                 // /devicelogin
	kindControl              // /_emulator/...
	kindIdentity             // /msi/token, the managed identity endpoint
)

func classify(path string) requestKind {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch first {
	case "beta", "v1.0":
		return kindGraph
	case "devicelogin":
		return kindPage
	case "_emulator":
		return kindControl
	case "msi":
		return kindIdentity
	case "":
		return kindUnknown
	}
	return kindEntra
}

// ServeHTTP routes a request, records it for GET /_emulator/requests and logs
// one line for humans. A fault that must not complete its answer (the client
// gave up, the server is closing, a hang, a truncated drip) cuts the
// connection: net/http then sends nothing more, where returning would send
// an empty 200 (or end a cut body as if it were whole).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, arrived := time.Now(), s.clock.now()
	sw := &statusWriter{ResponseWriter: w}
	kind := classify(r.URL.Path)
	if kind == kindControl {
		s.serveControl(sw, r)
		s.logRequest(r, sw.code(), time.Since(start))
		return
	}
	body := bufferBody(r)
	s.noteReceived(r, body)
	res := faultPass
	if f := s.faults.take(r.Method, r.URL.Path); f != nil {
		res = s.injectFault(sw, r, kind, f, body)
	}
	if res == faultPass {
		s.route(kind, sw, r)
	}
	status := sw.code()
	if res == faultAborted {
		status = sw.status // 0 when nothing was sent
	}
	s.requests.add(requestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		ContentType: r.Header.Get("Content-Type"), Status: status,
		Time: formatRequestTime(arrived), Subjects: onDemandSubjects(kind, r, body)})
	s.logRequest(r, status, time.Since(start))
	if res == faultAborted {
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) route(kind requestKind, w http.ResponseWriter, r *http.Request) {
	switch kind {
	case kindGraph:
		s.serveGraph(w, r)
	case kindEntra:
		s.serveEntra(w, r)
	case kindPage:
		s.serveDeviceLogin(w, r)
	case kindIdentity:
		s.serveIdentity(w, r)
	default:
		http.NotFound(w, r)
	}
}

// logRequest writes one line: never headers, query strings or bodies, which
// is where tokens, secrets, codes and assertions travel.
func (s *Server) logRequest(r *http.Request, status int, d time.Duration) {
	if s.opts.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, "%s %-6s %s %d %.1fms\n", time.Now().Format("15:04:05"), r.Method, r.URL.Path, status, float64(d.Microseconds())/1000)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
