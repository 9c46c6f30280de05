package graphtest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// fakeT records failures instead of failing the real test.
type fakeT struct {
	testing.TB
	errs []string
}

func (f *fakeT) Helper()                        {}
func (f *fakeT) Errorf(format string, a ...any) { f.errs = append(f.errs, format) }

func TestOrderedStubsAndCounts(t *testing.T) {
	reg, c := New(t)
	first := reg.Register("GET", "servicePrincipals/sp1", JSON(200, `{"id":"sp1","displayName":"first"}`)).Once()
	rest := reg.Register("GET", "/beta/servicePrincipals/sp1", JSON(200, `{"id":"sp1","displayName":"rest"}`))
	ctx := context.Background()
	var names []string
	for i := 0; i < 3; i++ {
		sp, err := c.GetServicePrincipal(ctx, "sp1")
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, sp.DisplayName)
	}
	if got := strings.Join(names, ","); got != "first,rest,rest" {
		t.Errorf("answers %s", got)
	}
	if reg.Count(first) != 1 || reg.Count(rest) != 2 {
		t.Errorf("counts %d, %d", reg.Count(first), reg.Count(rest))
	}
	reqs := reg.Requests()
	if len(reqs) != 3 || reqs[0].Method != "GET" || reqs[0].Path != "servicePrincipals/sp1" || reqs[0].Query.Get("$select") != "id,appId,displayName" {
		t.Errorf("recorded %+v", reqs)
	}
}

func TestQueryPredicate(t *testing.T) {
	reg, c := New(t)
	reg.Register("GET", "servicePrincipals", JSON(200, `{"value":[{"id":"a","displayName":"Box"}]}`)).Query(QueryContains("$filter", "appId eq"))
	reg.Register("GET", "servicePrincipals", JSON(200, `{"value":[{"id":"b","displayName":"Box"}]}`)).Query(QueryHas("$filter", "displayName eq 'Box'"))
	list, err := c.ServicePrincipalsByName(context.Background(), "Box", 5)
	if err != nil || len(list) != 1 || list[0].ID != "b" {
		t.Fatalf("%v %+v", err, list)
	}
	list, err = c.ServicePrincipalsByAppID(context.Background(), "x", 5)
	if err != nil || len(list) != 1 || list[0].ID != "a" {
		t.Fatalf("%v %+v", err, list)
	}
}

func TestAnswersCarryHeadersAndErrors(t *testing.T) {
	reg, c := New(t)
	reg.Register("GET", "users/u1", Error(404, "Request_ResourceNotFound", "gone"))
	reg.Register("POST", "servicePrincipals/sp/synchronization/jobs/j/start", NoContent())
	reg.Register("GET", "groups/g1", WithHeader(200, `{"id":"g1"}`, "request-id", "fixed-id"))
	_, err := c.GetUser(context.Background(), "u1")
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.StatusCode != 404 || ge.Code != "Request_ResourceNotFound" || ge.RequestID == "" {
		t.Fatalf("error %#v", err)
	}
	if err := c.StartJob(context.Background(), "sp", "j"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroup(context.Background(), "g1"); err != nil {
		t.Fatal(err)
	}
	reqs := reg.Requests()
	if reqs[1].Method != http.MethodPost || reqs[1].Header.Get("client-request-id") == "" {
		t.Errorf("POST recorded as %+v", reqs[1])
	}
}

func TestRoundTripDefaults(t *testing.T) {
	reg := &Registry{}
	reg.Register("GET", "x", JSON(0, `{}`))
	reg.Register("GET", "y", WithHeader(200, `{}`, "Date", "Tue, 01 Dec 2026 00:00:00 GMT", "request-id", "r1"))
	reg.Register("GET", "z", TransportError(errors.New("connection reset")))
	get := func(p string) (*http.Response, error) {
		u, _ := url.Parse(BaseURL + "/beta/" + p)
		return reg.RoundTrip(&http.Request{Method: "GET", URL: u, Header: http.Header{"Client-Request-Id": {"c1"}}})
	}
	resp, err := get("x")
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Date") != Date || resp.Header.Get("request-id") == "" ||
		resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("client-request-id") != "c1" {
		t.Errorf("defaults: %v %+v", err, resp)
	}
	resp, _ = get("y")
	if resp.Header.Get("Date") != "Tue, 01 Dec 2026 00:00:00 GMT" || resp.Header.Get("request-id") != "r1" {
		t.Errorf("stub headers lost: %v", resp.Header)
	}
	if _, err := get("z"); err == nil || err.Error() != "connection reset" {
		t.Errorf("transport error %v", err)
	}
}

func TestVerifyReportsUnusedStubsAndUnmatchedRequests(t *testing.T) {
	reg := &Registry{}
	reg.Register("GET", "servicePrincipals/never", JSON(200, `{}`))
	used := reg.Register("GET", "users/u1", JSON(200, `{"id":"u1"}`)).Once()
	c := reg.Client()
	if _, err := c.GetUser(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	// The Once stub is used up: the second request matches nothing.
	_, err := c.GetUser(context.Background(), "u1")
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.StatusCode != 404 || !strings.Contains(ge.Message, "no stub for GET users/u1") {
		t.Fatalf("unmatched: %v", err)
	}
	if reg.Count(used) != 1 {
		t.Errorf("count %d", reg.Count(used))
	}
	ft := &fakeT{TB: t}
	reg.Verify(ft)
	p := reg.Problems()
	if len(ft.errs) != 2 || len(p) != 2 || !strings.Contains(p[0], "stub never used: GET servicePrincipals/never") || !strings.Contains(p[1], "request matched no stub: GET users/u1") {
		t.Errorf("problems %q (%d reported)", p, len(ft.errs))
	}
	if s := (&Stub{method: "GET", path: "a", query: QueryHas("k", "v")}).String(); !strings.Contains(s, "query predicate") {
		t.Errorf("stub string %q", s)
	}
}

func TestErrorRequestIDMatchesHeader(t *testing.T) {
	reg, c := New(t)
	reg.Register("GET", "users/u1", Error(403, "Authorization_RequestDenied", "no"))
	_, err := c.GetUser(context.Background(), "u1")
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.RequestID != ErrorRequestID {
		t.Fatalf("%#v", err)
	}
}
