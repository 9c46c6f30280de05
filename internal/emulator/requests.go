package emulator

import "sync"

// requestRecord is what GET /_emulator/requests reports about a request:
// never bodies, and of the headers only Content-Type, which Graph documents
// as required on some requests (tests check the client sends it).
type requestRecord struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	Query       string `json:"query"` // raw, as sent
	ContentType string `json:"contentType"`
	Status      int    `json:"status"`
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
