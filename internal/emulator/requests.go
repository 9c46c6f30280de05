package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// requestRecord is what GET /_emulator/requests reports about a request:
// never bodies, and of the headers only Content-Type, which Graph documents
// as required on some requests (tests check the client sends it). For
// provisionOnDemand POSTs, Subjects names the object ids the body asked
// for (subjects, then their links.members), so tests can count each
// subject's calls and measure the rate achieved without seeing bodies.
type requestRecord struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	Query       string   `json:"query"` // raw, as sent
	ContentType string   `json:"contentType"`
	Status      int      `json:"status"`
	Time        string   `json:"time"` // arrival on the emulator's clock, RFC 3339 UTC with nanoseconds
	Subjects    []string `json:"subjects,omitempty"`
}

// requestTimeFormat is RFC 3339 with all nine fractional digits, so the
// records sort as text too.
const requestTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatRequestTime(t time.Time) string { return t.UTC().Format(requestTimeFormat) }

// onDemandSubjects returns the object ids a provisionOnDemand POST names
// (each subject, then its links.members), or nil for any other request or a
// body that names none. The body is read leniently: the handler judges it.
func onDemandSubjects(kind requestKind, r *http.Request, body []byte) []string {
	if kind != kindGraph || r.Method != http.MethodPost || !strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/provisionOnDemand") {
		return nil
	}
	var req onDemandRequest
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	var ids []string
	for _, p := range req.Parameters {
		for _, subj := range p.Subjects {
			if subj.ObjectID != "" {
				ids = append(ids, subj.ObjectID)
			}
			if subj.Links != nil {
				for _, m := range subj.Links.Members {
					if m.ObjectID != "" {
						ids = append(ids, m.ObjectID)
					}
				}
			}
		}
	}
	return ids
}

// maxRequestRecords bounds memory for a long-running emulator.
const maxRequestRecords = 10000

// requestLog records every Graph and Entra request in arrival order.
type requestLog struct {
	mu   sync.Mutex
	list []requestRecord
}

func (l *requestLog) add(r requestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.list) >= maxRequestRecords {
		l.list = l.list[1:]
	}
	l.list = append(l.list, r)
}

func (l *requestLog) snapshot() []requestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]requestRecord{}, l.list...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = nil
}
