package emulator

import (
	"strings"
	"sync"
)

// fault is one rule of POST /_emulator/faults: the next Count requests whose
// method matches (empty = any) and whose URL path contains Path get it.
// docs/emulator.md describes each member.
type fault struct {
	Method      string  `json:"method,omitempty"`
	Path        string  `json:"path,omitempty"`
	Status      int     `json:"status,omitempty"`
	RetryAfter  *string `json:"retryAfter,omitempty"` // sent verbatim as Retry-After
	Count       int     `json:"count,omitempty"`      // 0 means 1; negative means every matching request
	DelayMs     int     `json:"delayMs,omitempty"`
	Malformed   bool    `json:"malformed,omitempty"`
	Code        string  `json:"code,omitempty"`    // overrides the error code for Status
	Message     string  `json:"message,omitempty"` // overrides the error message
	Echo        bool    `json:"echo,omitempty"`    // a 4xx error echoing what the request carried (fault_echo.go)
	Redirect    string  `json:"redirect,omitempty"`
	DripMs      int     `json:"dripMs,omitempty"` // the body a byte at a time (fault_drip.go)
	DripLimit   int     `json:"dripLimit,omitempty"`
	DripEndless bool    `json:"dripEndless,omitempty"`
	NextLink    string  `json:"nextLink,omitempty"` // "same", "loop" or a URL (fault_nextlink.go)
	Hang        bool    `json:"hang,omitempty"`     // never answer (fault_wait.go)
	// Body answers this text verbatim (status Status, default 200) with
	// Graph's headers: null, an array, another object than the one asked
	// for — what a lax or odd server may send.
	Body *string `json:"body,omitempty"`
}

// faultSet holds the armed faults in the order they were added.
type faultSet struct {
	mu   sync.Mutex
	list []*fault
}

func (fs *faultSet) add(f fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &f)
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

func (fs *faultSet) snapshot() []fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]fault, 0, len(fs.list))
	for _, f := range fs.list {
		out = append(out, *f)
	}
	return out
}

// take consumes one use of the first fault matching the request.
func (fs *faultSet) take(method, path string) *fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if (f.Method == "" || strings.EqualFold(f.Method, method)) && strings.Contains(path, f.Path) {
			hit := *f
			if f.Count > 0 {
				f.Count--
				if f.Count == 0 {
					fs.list = append(fs.list[:i], fs.list[i+1:]...)
				}
			}
			return &hit
		}
	}
	return nil
}
