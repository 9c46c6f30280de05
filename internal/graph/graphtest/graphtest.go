// Package graphtest is a Microsoft Graph test double for the graph client:
// an http.RoundTripper that answers registered stubs, in registration
// order, and records every request. Answers are written as literal JSON
// from the documented wire shapes (docs/graph.md), never from graph's own
// structs, so a wrong JSON tag fails a test instead of being mirrored.
//
//	reg, client := graphtest.New(t) // Verify runs when the test ends
//	reg.Register("GET", "servicePrincipals/"+spID, graphtest.JSON(200, `{"id":"…"}`))
//	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, `{"value":[]}`)).
//		Query(graphtest.QueryContains("$filter", "jobid eq"))
package graphtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// BaseURL is the Graph address of the clients New and Client build.
const BaseURL = "https://graph.test"

// Date is the Date header of every canned answer unless the stub sets one.
const Date = "Mon, 30 Nov 2026 10:00:00 GMT"

// Answer is a canned HTTP answer.
type Answer struct {
	Status int
	Header http.Header // Content-Type, Date and request-id are added when absent
	Body   string
	// Err, when set, is returned by the transport instead of an answer
	// (a broken connection).
	Err error
}

// Responder makes the answer to one request.
type Responder func(req *http.Request) Answer

// JSON answers status with a JSON body.
func JSON(status int, body string) Responder {
	return func(*http.Request) Answer { return Answer{Status: status, Body: body} }
}

// WithHeader answers status with body and extra header pairs (name, value, …).
func WithHeader(status int, body string, kv ...string) Responder {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return func(*http.Request) Answer { return Answer{Status: status, Header: h.Clone(), Body: body} }
}

// ErrorRequestID is the request-id of the answers Error makes, in the
// header and in the body's innerError, as Graph sends it.
const ErrorRequestID = "0b2c6a8e-1f3d-4c5b-9a7e-2d4f6b8c0e1a"

// Error answers a Graph error body ({"error":{code,message,innerError}}).
func Error(status int, code, message string) Responder {
	body := fmt.Sprintf(`{"error":{"code":%q,"message":%q,"innerError":{"date":"2026-11-30T10:00:00","request-id":%q,"client-request-id":"5e7a9c1b-3d5f-4a6c-8e0b-2c4e6a8c0d2f"}}}`, code, message, ErrorRequestID)
	return WithHeader(status, body, "request-id", ErrorRequestID)
}

// NoContent answers 204 with no body.
func NoContent() Responder {
	return func(*http.Request) Answer { return Answer{Status: http.StatusNoContent} }
}

// TransportError fails the request in the transport, as a broken connection does.
func TransportError(err error) Responder {
	return func(*http.Request) Answer { return Answer{Err: err} }
}

// Stub is one registered answer.
type Stub struct {
	method string
	path   string
	query  func(url.Values) bool
	times  int // 0: any number of times
	answer Responder
	count  int
}

// Times makes the stub answer at most n requests; later ones go to the
// next matching stub. The default is any number.
func (s *Stub) Times(n int) *Stub { s.times = n; return s }

// Once is Times(1).
func (s *Stub) Once() *Stub { return s.Times(1) }

// Query adds a predicate on the query string.
func (s *Stub) Query(match func(url.Values) bool) *Stub { s.query = match; return s }

func (s *Stub) String() string {
	q := ""
	if s.query != nil {
		q = " (with a query predicate)"
	}
	return s.method + " " + s.path + q
}

// QueryHas matches a query parameter with exactly value.
func QueryHas(key, value string) func(url.Values) bool {
	return func(v url.Values) bool { return v.Get(key) == value }
}

// QueryContains matches a query parameter containing substr.
func QueryContains(key, substr string) func(url.Values) bool {
	return func(v url.Values) bool { return strings.Contains(v.Get(key), substr) }
}

// Request is a recorded request.
type Request struct {
	Method string
	Path   string // relative to the API version, as stubs name it
	Query  url.Values
	Header http.Header
	Body   string
	Stub   *Stub // nil when no stub matched
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if len(r.Query) > 0 {
		s += "?" + r.Query.Encode()
	}
	return s
}

// Registry is an http.RoundTripper answering registered stubs.
type Registry struct {
	mu       sync.Mutex
	stubs    []*Stub
	requests []Request
	nextID   int
}

// Register adds a stub for method and path. path is relative to the API
// version root ("servicePrincipals/{id}"); a leading "/" and a leading
// "beta/" or "v1.0/" are ignored. Stubs are matched in registration order.
func (r *Registry) Register(method, path string, answer Responder) *Stub {
	s := &Stub{method: strings.ToUpper(method), path: normalizePath(path), answer: answer}
	r.mu.Lock()
	r.stubs = append(r.stubs, s)
	r.mu.Unlock()
	return s
}

func normalizePath(p string) string {
	p = strings.TrimPrefix(p, "/")
	for _, v := range []string{"beta/", "v1.0/"} {
		if strings.HasPrefix(p, v) {
			return strings.TrimPrefix(p, v)
		}
	}
	return p
}

// RoundTrip answers req from the first stub that matches and still has
// uses left. An unmatched request is answered 404 with a Graph error that
// names it, and Verify reports it.
func (r *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	rec := Request{Method: req.Method, Path: normalizePath(req.URL.Path), Query: req.URL.Query(), Header: req.Header.Clone(), Body: string(body)}

	r.mu.Lock()
	var stub *Stub
	for _, s := range r.stubs {
		if s.method != rec.Method || s.path != rec.Path || (s.times > 0 && s.count >= s.times) {
			continue
		}
		if s.query != nil && !s.query(rec.Query) {
			continue
		}
		stub = s
		s.count++
		break
	}
	rec.Stub = stub
	r.requests = append(r.requests, rec)
	r.nextID++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", r.nextID)
	r.mu.Unlock()

	var a Answer
	if stub == nil {
		a = Error(http.StatusNotFound, "graphtest_NoStub", "graphtest: no stub for "+rec.String())(req)
	} else {
		a = stub.answer(req)
	}
	if a.Err != nil {
		return nil, a.Err
	}
	h := a.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Date") == "" {
		h.Set("Date", Date)
	}
	if h.Get("request-id") == "" {
		h.Set("request-id", id)
	}
	if h.Get("Content-Type") == "" && a.Body != "" {
		h.Set("Content-Type", "application/json")
	}
	if crid := req.Header.Get("client-request-id"); crid != "" && h.Get("client-request-id") == "" {
		h.Set("client-request-id", crid)
	}
	status := a.Status
	if status == 0 {
		status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader([]byte(a.Body))),
		ContentLength: int64(len(a.Body)),
		Request:       req,
	}, nil
}

// Requests returns the requests received so far, in order.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Count is how many requests s answered.
func (r *Registry) Count(s *Stub) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return s.count
}

// Problems lists the stubs never used and the requests no stub matched.
func (r *Registry) Problems() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.stubs {
		if s.count == 0 {
			out = append(out, "stub never used: "+s.String())
		}
	}
	for _, q := range r.requests {
		if q.Stub == nil {
			out = append(out, "request matched no stub: "+q.String())
		}
	}
	return out
}

// Verify fails t for every stub never used and every request no stub matched.
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	for _, p := range r.Problems() {
		t.Errorf("graphtest: %s", p)
	}
}

// Client returns a graph client that sends through r: BaseURL, API
// version beta, no token, no retries.
func (r *Registry) Client() *graph.Client {
	return &graph.Client{
		BaseURL:    BaseURL,
		APIVersion: "beta",
		HTTP:       &http.Client{Transport: r},
		Retry:      graph.RetryPolicy{MaxAttempts: 1},
		UserAgent:  "provctl/test",
	}
}

// New returns a registry and a client over it, and verifies the registry
// when the test ends.
func New(t testing.TB) (*Registry, *graph.Client) {
	t.Helper()
	r := &Registry{}
	t.Cleanup(func() { r.Verify(t) })
	return r, r.Client()
}
