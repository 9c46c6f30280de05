package provision

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// fakeGraph answers canned bodies by "METHOD path?query" prefix and records
// every request, so tests can assert what was (not) sent. The longest
// matching prefix answers (ties by key), so the answer never depends on
// map order. New tests should prefer internal/graph/graphtest, whose stubs
// are ordered and whose Verify reports the unused ones.
type fakeGraph struct {
	mu     sync.Mutex
	routes map[string]fakeAnswer
	seen   []string
}

type fakeAnswer struct {
	status int
	body   string
}

func newFakeGraph(t *testing.T, routes map[string]fakeAnswer) (*Service, *fakeGraph) {
	t.Helper()
	fg := &fakeGraph{routes: routes}
	prefixes := make([]string, 0, len(routes))
	for p := range routes {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool {
		if len(prefixes[i]) != len(prefixes[j]) {
			return len(prefixes[i]) > len(prefixes[j])
		}
		return prefixes[i] < prefixes[j]
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/beta/")
		if r.URL.RawQuery != "" {
			key += "?" + strings.ReplaceAll(r.URL.Query().Encode(), "%24", "$")
		}
		fg.mu.Lock()
		fg.seen = append(fg.seen, key)
		fg.mu.Unlock()
		for _, prefix := range prefixes {
			if a := routes[prefix]; strings.HasPrefix(key, prefix) {
				w.Header().Set("request-id", "req-1")
				w.WriteHeader(a.status)
				_, _ = w.Write([]byte(a.body))
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":"ResourceNotFound","message":"no route ` + key + `"}}`))
	}))
	t.Cleanup(srv.Close)
	return &Service{Graph: &graph.Client{BaseURL: srv.URL, HTTP: srv.Client(), Retry: graph.RetryPolicy{MaxAttempts: 1}}}, fg
}

func (f *fakeGraph) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}
