package resolvecache

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
)

// The file is JSON Lines: a version line, then for each scope a line
// naming it followed by one line per entry. A lookup is a search for the
// scope's line, then for the line that starts with the entry's kind and
// key within the scope, and the decoding of that one line: Open and a
// lookup cost little more than reading the file, where decoding a JSON
// document of a few hundred entries cost close to a millisecond.
// json.Marshal never writes a raw newline, so a match at a line start is
// always a real line, never text inside a value.
//
//	{"version":1}
//	{"scope":"<hash of cloud+tenant>"}
//	{"kind":"applyAbsent","key":"","at":1767225600}
//	{"kind":"job","key":"<sp id>/boxoutdelta","sp":"<sp id>","id":"BoxOutDelta.…","at":…}
//	{"kind":"sp","key":"box","id":"<sp id>","appId":"…","displayName":"Box","at":…}
//	{"kind":"verified","key":"<sp id>/<job id>","sp":"<sp id>","id":"BoxOutDelta.…","at":…}
//	{"scope":"…"}
//	…

// formatVersion is the file's layout. A file with a higher version was
// written by a newer provctl: it is read as empty and never overwritten.
const formatVersion = 1

var header = []byte(`{"version":1}` + "\n")

// Entry kinds.
const (
	kindSP          = "sp"          // key: norm(ref)
	kindJob         = "job"         // key: jobKey(sp, ref)
	kindVerified    = "verified"    // key: pairKey(sp, job)
	kindApplyAbsent = "applyAbsent" // key: ""
)

// entry is one line; Scope is the scope line above it. Kind and Key come
// first, in this order: a lookup searches for exactly that prefix (see
// needle). Values are stored as Graph gave them; At is the write time in
// unix seconds.
type entry struct {
	Scope string `json:"-"`
	Kind  string `json:"kind"`
	Key   string `json:"key"`
	SP    string `json:"sp,omitempty"` // job, verified: the service principal's object id
	ID    string `json:"id,omitempty"` // sp: its object id; job, verified: the job id
	AppID string `json:"appId,omitempty"`
	Name  string `json:"displayName,omitempty"`
	At    int64  `json:"at"`
}

type entryKey struct{ scope, kind, key string }

func (e entry) k() entryKey { return entryKey{e.Scope, e.Kind, e.Key} }

// valid rejects lines no writer of this version produces.
func (e entry) valid() bool {
	switch e.Kind {
	case kindSP:
		return e.Key != "" && e.ID != ""
	case kindJob, kindVerified:
		return e.SP != "" && e.ID != ""
	case kindApplyAbsent:
		return e.Key == ""
	}
	return false
}

// table is the whole file for a merge, keyed so a change replaces.
type table map[entryKey]entry

func jobKey(spID, ref string) string    { return norm(spID) + "/" + norm(ref) }
func pairKey(spID, jobID string) string { return norm(spID) + "/" + norm(jobID) }

// scopeLine is the line that starts scope's entries, newline included.
func scopeLine(scope string) []byte {
	return []byte("\n{\"scope\":\"" + scope + "\"}\n") // hex: nothing to escape
}

// needle is what the line of (kind, key) starts with, newline included:
// the same encoder writes both, so the bytes match exactly.
func needle(kind, key string) []byte {
	k, _ := json.Marshal(key) // a string always marshals
	n := make([]byte, 0, 24+len(kind)+len(k))
	n = append(n, "\n{\"kind\":\""...)
	n = append(n, kind...) // a constant: nothing to escape
	n = append(n, "\",\"key\":"...)
	n = append(n, k...)
	return append(n, ',')
}

// findLine returns the entry (kind, key) of scope in data, if any.
func findLine(data []byte, scope, kind, key string) (entry, bool) {
	i := bytes.Index(data, scopeLine(scope))
	if i < 0 {
		return entry{}, false
	}
	region := data[i+len(scopeLine(scope))-1:] // from the newline ending it
	if j := bytes.Index(region[1:], []byte("\n{\"scope\":")); j >= 0 {
		region = region[:j+2] // up to the next scope's line, its newline included
	}
	i = bytes.Index(region, needle(kind, key))
	if i < 0 {
		return entry{}, false
	}
	line := region[i+1:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	e := entry{Scope: scope}
	if json.Unmarshal(line, &e) != nil || e.Kind != kind || e.Key != key || !e.valid() {
		return entry{}, false
	}
	return e, true
}

// checkHeader returns data when it is a file of this version, else nil (an
// empty cache).
func checkHeader(data []byte) []byte {
	if !bytes.HasPrefix(data, header) {
		return nil
	}
	return data
}

// parse decodes every line for a merge. Lines that do not decode are
// dropped (the write replaces them); newer reports a file this version
// must not touch.
func parse(data []byte) (t table, newer bool) {
	t = table{}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	var h struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(first, &h) != nil || h.Version != formatVersion {
		return t, h.Version > formatVersion
	}
	var scope string // of the lines that follow
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		var l struct {
			entry
			Scope *string `json:"scope"`
		}
		if json.Unmarshal(line, &l) != nil {
			continue
		}
		if l.Scope != nil {
			scope = *l.Scope
			continue
		}
		if e := l.entry; scope != "" && e.valid() {
			e.Scope = scope
			t[e.k()] = e
		}
	}
	return t, false
}

// encode writes t in a stable order (scope, kind, key), one line each.
func encode(t table) ([]byte, error) {
	keys := make([]entryKey, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b entryKey) int {
		return cmp.Or(cmp.Compare(a.scope, b.scope), cmp.Compare(a.kind, b.kind), cmp.Compare(a.key, b.key))
	})
	out := append([]byte(nil), header...)
	for i, k := range keys {
		if i == 0 || k.scope != keys[i-1].scope {
			out = append(out, scopeLine(k.scope)[1:]...)
		}
		line, err := json.Marshal(t[k])
		if err != nil {
			return nil, err
		}
		out = append(append(out, line...), '\n')
	}
	return out, nil
}
