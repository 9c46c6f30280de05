package journal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Record is what resume needs from one line.
type Record struct {
	Line        int // 1-based line in the journal
	State       string
	SubjectID   string    // subject.id
	Ref         string    // request.ref: the subject as the user gave it
	RequestedID string    // request.id: the object id sent to Graph
	SentAt      time.Time // request.sentAt; zero when unknown
	ChangeID    string
	// ServicePrincipalID and JobID say which job the record is of: a
	// resume trusts only records of its own job.
	ServicePrincipalID, JobID string
}

// id is the identity a subject is matched by: the id that was sent, else
// the resolved subject's id.
func (r Record) id() string {
	if r.RequestedID != "" {
		return r.RequestedID
	}
	return r.SubjectID
}

// Resume is a journal read back: the last record per subject.
type Resume struct {
	// Torn is the torn last line that was ignored, if any.
	Torn *Repair
	// Lines is how many records were read (blank and torn lines aside).
	Lines int

	byID       map[string]Record // lower-cased id -> latest record
	byRef      map[string]Record // lower-cased ref -> latest record
	bySubject  map[string]Record // one entry per subject, for Counts
	refSubject map[string]string // lower-cased ref -> its bySubject key
}

// Read decodes the journal at path. Later lines override earlier ones for
// the same subject. A torn last line (no newline, or not a valid record at
// the end of the file) is ignored and reported in Torn; an invalid line
// elsewhere is an error naming its line number, since skipping it could
// silently re-send or skip subjects.
func Read(path string) (*Resume, error) {
	if path == "-" {
		return nil, ErrStdin
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	r, err := read(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("journal: %s: %w", path, err)
	}
	return r, nil
}

func read(br *bufio.Reader) (*Resume, error) {
	res := &Resume{byID: map[string]Record{}, byRef: map[string]Record{}, bySubject: map[string]Record{}, refSubject: map[string]string{}}
	var buf []byte
	for lineNo := 1; ; lineNo++ {
		line, n, nl, err := readLine(br, buf)
		if n == 0 && err == nil { // EOF
			return res, nil
		}
		if !nl && (err == nil || errors.Is(err, errTooLong)) {
			// No newline: a write cut short by a crash, if it is the start
			// of a record; anything else is not a journal of provctl's.
			if !tornRecord(line) {
				return nil, fmt.Errorf("line %d: %w", lineNo, errNotJournal)
			}
			res.Torn = &Repair{Line: lineNo, Bytes: n}
			return res, nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		buf = line[:0]
		if isBlank(line) {
			continue
		}
		rec, perr := parseLine(line)
		if perr != nil {
			// A whole line (it ends with a newline) that is no record is
			// never a crash's doing, wherever it is.
			return nil, fmt.Errorf("line %d: %w: %w", lineNo, errNotJournal, perr)
		}
		rec.Line = lineNo
		res.add(rec)
	}
}

func (r *Resume) add(rec Record) {
	r.Lines++
	id, ref := strings.ToLower(rec.id()), strings.ToLower(rec.Ref)
	key := "id:" + id
	if id == "" {
		key = "ref:" + ref
		if k, ok := r.refSubject[ref]; ok { // a ref seen resolved before
			key = k
		}
	} else if ref != "" {
		delete(r.bySubject, "ref:"+ref) // known by ref alone until now
		r.refSubject[ref] = key
	}
	if id != "" {
		r.byID[id] = rec
	}
	if ref != "" {
		r.byRef[ref] = rec
	}
	r.bySubject[key] = rec
}

// Lookup returns the latest record for a subject, matched by id (the
// record's request.id, else subject.id) or by ref, both case-insensitive.
// A ref match recorded with a different id is another object that once
// had that name (a reused UPN), so it does not count.
func (r *Resume) Lookup(id, ref string) (Record, bool) {
	if r == nil {
		return Record{}, false
	}
	var best Record
	if id != "" {
		best = r.byID[strings.ToLower(id)]
	}
	if ref != "" {
		rec, ok := r.byRef[strings.ToLower(ref)]
		sameSubject := id == "" || rec.id() == "" || strings.EqualFold(rec.id(), id)
		if ok && sameSubject && rec.Line > best.Line {
			best = rec
		}
	}
	return best, best.Line > 0
}

// Done reports whether the subject has a final state recorded: success,
// warning or skipped, and failure too when retryFailed is false. rec is
// the latest record found even when it is not final (Line 0: none).
func (r *Resume) Done(id, ref string, retryFailed bool) (rec Record, ok bool) {
	rec, found := r.Lookup(id, ref)
	if !found {
		return Record{}, false
	}
	switch rec.State {
	case "success", "warning", "skipped":
		return rec, true
	case "failure":
		return rec, !retryFailed
	}
	return rec, false
}

// Counts returns how many subjects have each state as their last one.
func (r *Resume) Counts() map[string]int {
	m := map[string]int{}
	if r == nil {
		return m
	}
	for _, rec := range r.bySubject {
		m[rec.State]++
	}
	return m
}

// errNotJournal: the file holds lines provctl did not write.
var errNotJournal = errors.New("not a provctl results file (a line is no outcome)")

// tornRecord reports whether an unterminated last line can be the start of
// a record cut short: a JSON object's opening.
func tornRecord(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) == 0 || t[0] == '{'
}
