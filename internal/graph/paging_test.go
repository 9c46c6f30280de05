package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

type item struct {
	ID string `json:"id"`
}

// pagedServer serves pages[i] at ?page=i with a nextLink to page i+1 on
// the same server (or next(i) when set), and records each request.
type pagedServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newPagedServer(t testing.TB, pages [][]string, next func(base string, i int) string) *pagedServer {
	t.Helper()
	ps := &pagedServer{}
	ps.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.mu.Lock()
		ps.reqs = append(ps.reqs, seen{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone()})
		ps.mu.Unlock()
		i, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if i >= len(pages) {
			http.Error(w, `{"error":{"code":"BadPage"}}`, http.StatusBadRequest)
			return
		}
		body := map[string]any{"value": []item{}}
		var items []item
		for _, id := range pages[i] {
			items = append(items, item{ID: id})
		}
		if items != nil {
			body["value"] = items
		}
		if i == 0 {
			body["@odata.count"] = 99
		}
		link := ""
		if next != nil {
			link = next(ps.URL, i)
		} else if i+1 < len(pages) {
			link = fmt.Sprintf("%s/v1.0/items?page=%d&$skiptoken=tok%d", ps.URL, i+1, i+1)
		}
		if link != "" {
			body["@odata.nextLink"] = link
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func (ps *pagedServer) requests() []seen {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]seen(nil), ps.reqs...)
}

func ids(items []item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestListPages(t *testing.T) {
	t.Parallel()
	pages := [][]string{{"a", "b"}, {}, {"c", "d", "e"}}
	tests := []struct {
		name     string
		limit    int
		want     []string
		wantReqs int
	}{
		{"all pages, empty middle page", 0, []string{"a", "b", "c", "d", "e"}, 3},
		{"limit within the first page", 1, []string{"a"}, 1},
		{"limit at a page end", 2, []string{"a", "b"}, 1},
		{"limit within the last page", 4, []string{"a", "b", "c", "d"}, 3},
		{"limit beyond all items", 10, []string{"a", "b", "c", "d", "e"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newPagedServer(t, pages, nil)
			c, _ := newTestClient(srv.Server, &fakeTokens{})
			hdr := http.Header{"ConsistencyLevel": {"eventual"}}
			got, err := List[item](context.Background(), c, "items", url.Values{"page": {"0"}, "$count": {"true"}}, hdr, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), tt.want) {
				t.Errorf("items %v, want %v", ids(got), tt.want)
			}
			reqs := srv.requests()
			if len(reqs) != tt.wantReqs {
				t.Fatalf("%d requests, want %d", len(reqs), tt.wantReqs)
			}
			for i, r := range reqs {
				if r.Header.Get("ConsistencyLevel") != "eventual" {
					t.Errorf("page %d: ConsistencyLevel not re-sent", i)
				}
				if r.Header.Get("Authorization") != "Bearer cached-token" {
					t.Errorf("page %d: Authorization %q", i, r.Header.Get("Authorization"))
				}
				if i > 0 {
					// The nextLink is followed as given: no query rebuilt or added.
					want := fmt.Sprintf("/v1.0/items?page=%d&$skiptoken=tok%d", i, i)
					if r.URL != want {
						t.Errorf("page %d URL %q, want %q", i, r.URL, want)
					}
				} else if r.URL != "/v1.0/items?$count=true&page=0" {
					t.Errorf("first URL %q", r.URL)
				}
			}
		})
	}
}

func TestListRefusesNextLinkToAnotherHost(t *testing.T) {
	t.Parallel()
	var evilHits atomic.Int32
	var evilAuth atomic.Value
	evil := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilHits.Add(1)
		evilAuth.Store(r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"value":[{"id":"evil"}]}`))
	}))
	defer evil.Close()
	srv := newPagedServer(t, [][]string{{"a"}, {"b"}}, func(base string, i int) string {
		if i == 0 {
			return evil.URL + "/v1.0/items?page=1"
		}
		return ""
	})
	c, _ := newTestClient(srv.Server, &fakeTokens{})
	got, err := List[item](context.Background(), c, "items", nil, nil, 0)
	if err == nil || !strings.Contains(err.Error(), "refusing @odata.nextLink to another host") {
		t.Fatalf("err = %v", err)
	}
	if !reflect.DeepEqual(ids(got), []string{"a"}) {
		t.Errorf("partial items %v", ids(got))
	}
	if evilHits.Load() != 0 {
		t.Errorf("other host contacted %d times (Authorization %v)", evilHits.Load(), evilAuth.Load())
	}
}

func TestCheckNextLink(t *testing.T) {
	t.Parallel()
	c := &Client{BaseURL: "https://graph.microsoft.com"}
	tests := []struct {
		link string
		ok   bool
	}{
		{"https://graph.microsoft.com/v1.0/x?$skiptoken=a", true},
		{"https://GRAPH.microsoft.com/v1.0/x", true},
		{"https://graph.microsoft.com:443/v1.0/x", true},
		{"http://graph.microsoft.com/v1.0/x", false},
		{"https://graph.microsoft.com:8443/v1.0/x", false},
		{"https://graph.microsoft.com.evil.example/v1.0/x", false},
		{"https://evil.example/v1.0/x", false},
		{"https://user@evil.example/x", false},
		{"/v1.0/x", false},
		{"//evil.example/x", false},
		{"https://graph.microsoft.com\x00/x", false},
		{"%zz", false},
	}
	for _, tt := range tests {
		if err := c.checkNextLink(tt.link); (err == nil) != tt.ok {
			t.Errorf("checkNextLink(%q) = %v, want ok=%v", tt.link, err, tt.ok)
		}
	}
	plain := &Client{BaseURL: "http://localhost:80"}
	if err := plain.checkNextLink("http://localhost/v1.0/x"); err != nil {
		t.Errorf("http default port: %v", err)
	}
	if err := (&Client{BaseURL: "ftp://h"}).checkNextLink("ftp://h:21/x"); err == nil {
		t.Error("unknown scheme with explicit port matched an implicit one")
	}
	bad := &Client{BaseURL: "://bad"}
	if err := bad.checkNextLink("https://graph.microsoft.com/x"); err == nil {
		t.Error("bad BaseURL accepted")
	}
}

func TestListMaxPages(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		fmt.Fprintf(w, `{"value":[{"id":"%d"}],"@odata.nextLink":"%s/v1.0/loop?n=%d"}`, i, srv.URL, i)
	})
	defer srv.Close()
	c, _ := newTestClient(srv, nil)
	got, err := List[item](context.Background(), c, "loop", nil, nil, 0)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than %d pages", MaxPages)) {
		t.Fatalf("err = %v", err)
	}
	if len(got) != MaxPages || int(n.Load()) != MaxPages {
		t.Errorf("%d items from %d requests, want %d", len(got), n.Load(), MaxPages)
	}
}

func TestListErrors(t *testing.T) {
	t.Parallel()
	t.Run("error page returns items so far", func(t *testing.T) {
		t.Parallel()
		srv := newPagedServer(t, [][]string{{"a"}}, func(base string, i int) string {
			return base + "/v1.0/items?page=7" // beyond the pages: 400
		})
		c, _ := newTestClient(srv.Server, nil)
		got, err := List[item](context.Background(), c, "items", nil, nil, 0)
		var gerr *Error
		if !errors.As(err, &gerr) || gerr.StatusCode != 400 || gerr.Code != "BadPage" {
			t.Fatalf("err = %v", err)
		}
		if !reflect.DeepEqual(ids(got), []string{"a"}) {
			t.Errorf("items %v", ids(got))
		}
	})
	t.Run("undecodable page", func(t *testing.T) {
		t.Parallel()
		srv := newScriptServer(t, true, step{status: 200, header: map[string]string{"request-id": "r1"}, body: `{"value":{}}`})
		c, _ := newTestClient(srv.Server, nil)
		_, err := List[item](context.Background(), c, "items", nil, nil, 0)
		var derr *DecodeError
		if !errors.As(err, &derr) || derr.RequestID != "r1" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("value absent or null is an empty page", func(t *testing.T) {
		t.Parallel()
		srv := newScriptServer(t, true, step{status: 200, body: `{"value":null}`})
		c, _ := newTestClient(srv.Server, nil)
		got, err := List[item](context.Background(), c, "items", nil, nil, 0)
		if err != nil || len(got) != 0 {
			t.Fatalf("got %v, %v", got, err)
		}
	})
}

// A next link already read is an error at once, naming the link: following
// it would read the same entries again (50 entries, 2 unique) or forever.
func TestListRefusesRepeatedNextLink(t *testing.T) {
	t.Parallel()
	for name, next := range map[string]func(base string, i int) string{
		"page links to itself": func(base string, i int) string {
			return base + "/v1.0/items?page=0&$skiptoken=same"
		},
		"pages 2 and 3 alternate": func(base string, i int) string {
			return fmt.Sprintf("%s/v1.0/items?page=%d&$skiptoken=t%d", base, 1+i%2, 1+i%2)
		},
		"link back to the first request": func(base string, i int) string {
			return base + "/v1.0/items"
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newPagedServer(t, [][]string{{"a", "b"}, {"c"}, {"d"}}, next)
			c, _ := newTestClient(srv.Server, nil)
			got, err := List[item](context.Background(), c, "items", nil, nil, 50)
			if err == nil || !strings.Contains(err.Error(), "@odata.nextLink") || !strings.Contains(err.Error(), srv.URL+"/v1.0/items") {
				t.Fatalf("err = %v (%d items)", err, len(got))
			}
			if n := len(srv.requests()); n > 3 {
				t.Errorf("%d requests for at most 3 distinct pages", n)
			}
		})
	}
}

func TestListRefusesNullPage(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, header: map[string]string{"request-id": "r-null"}, body: `null`})
	c, _ := newTestClient(srv.Server, nil)
	_, err := List[item](context.Background(), c, "items", nil, nil, 0)
	var derr *DecodeError
	if !errors.As(err, &derr) || !strings.Contains(err.Error(), "null where a JSON object was expected") || !strings.Contains(err.Error(), "GET /v1.0/items") {
		t.Fatalf("err = %v", err)
	}
}
