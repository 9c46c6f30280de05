package journal

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestReadInvalidMiddleLine(t *testing.T) {
	for name, bad := range map[string]string{
		"not json":  `{"state":`,
		"array":     `[1,2]`,
		"null":      `null`,
		"no state":  `{"subject":{"id":"x"}}`,
		"no id":     `{"state":"success","subject":{}}`,
		"bad types": `{"state":"success","subject":{"id":5}}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := tempPath(t)
			writeFile(t, path, lines(`{"state":"success","subject":{"id":"a"}}`, bad, `{"state":"success","subject":{"id":"b"}}`))
			_, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), "line 2:") {
				t.Errorf("Read = %v, want a line 2 error", err)
			}
		})
	}
}

// A whole line (newline-terminated) that is no record is never a crash's
// doing: the file is refused, not half read.
func TestReadInvalidLastLineWithNewlineIsRefused(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, lines(`{"state":"success","subject":{"id":"a"}}`, `{"state":"succ`))
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want line 2 refused", err)
	}
}

// An unterminated last line that is no record's start is not a torn
// record: notes or a user list given as --resume are refused.
func TestReadUnterminatedTextIsRefused(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, "some notes\nkeep me")
	if _, err := Read(path); err == nil {
		t.Error("a text file was read as a journal")
	}
}

func TestReadBlankLinesAndEmptyFile(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, "")
	if r := mustRead(t, path); r.Lines != 0 || r.Torn != nil {
		t.Errorf("empty: %+v", r)
	}
	writeFile(t, path, "\n  \n"+lines(`{"state":"success","subject":{"id":"a"}}`)+"\r\n")
	if r := mustRead(t, path); r.Lines != 1 || r.Torn != nil {
		t.Errorf("blank lines: Lines %d Torn %v", r.Lines, r.Torn)
	}
}

func TestReadMissingFile(t *testing.T) {
	if _, err := Read(tempPath(t)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v", err)
	}
}

func TestReadTooLongLine(t *testing.T) {
	long := `{"state":"success","subject":{"id":"` + strings.Repeat("x", MaxLine) + `"}}`
	path := tempPath(t)
	writeFile(t, path, lines(long, `{"state":"success","subject":{"id":"a"}}`))
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "line 1: line longer than") {
		t.Errorf("Read = %v", err)
	}
	// At the end without a newline, it is a torn tail.
	writeFile(t, path, lines(`{"state":"success","subject":{"id":"a"}}`)+long)
	r := mustRead(t, path)
	if r.Torn == nil || r.Torn.Line != 2 || r.Torn.Bytes != int64(len(long)) {
		t.Errorf("Torn = %v", r.Torn)
	}
}

func TestOverrideOrder(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, lines(
		`{"state":"failure","subject":{"id":"A"},"request":{"ref":"alice@x","id":"A"}}`,
		`{"state":"pending","subject":{"id":"b"}}`,
		`{"state":"success","subject":{"id":"a"}}`,
		`{"state":"success","subject":{"id":"b"}}`,
		`{"state":"failure","subject":{"id":"b"}}`,
	))
	r := mustRead(t, path)
	if rec, ok := r.Done("a", "", true); !ok || rec.Line != 3 {
		t.Errorf("a: %+v %v", rec, ok)
	}
	// By ref: the id line 3 is the same subject and later than line 1.
	if rec, ok := r.Done("", "ALICE@X", true); ok || rec.Line != 1 {
		t.Errorf("alice by ref alone: %+v %v (ref lookup sees line 1 only)", rec, ok)
	}
	if rec, ok := r.Done("a", "alice@x", true); !ok || rec.Line != 3 {
		t.Errorf("a+alice: %+v %v", rec, ok)
	}
	if rec, ok := r.Done("b", "", true); ok || rec.State != "failure" || rec.Line != 5 {
		t.Errorf("b: %+v %v", rec, ok)
	}
	if got := fmt.Sprint(r.Counts()); got != "map[failure:1 success:1]" {
		t.Errorf("Counts = %s", got)
	}
}

func TestRetryFailed(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, lines(
		`{"state":"success","subject":{"id":"s"}}`,
		`{"state":"warning","subject":{"id":"w"}}`,
		`{"state":"skipped","subject":{"id":"k"}}`,
		`{"state":"failure","subject":{"id":"f"}}`,
		`{"state":"pending","subject":{"id":"p"}}`,
	))
	r := mustRead(t, path)
	for _, c := range []struct {
		id          string
		retryFailed bool
		done        bool
	}{
		{"s", true, true}, {"w", true, true}, {"k", true, true},
		{"f", true, false}, {"f", false, true},
		{"p", true, false}, {"p", false, false},
		{"unknown", false, false},
	} {
		if _, ok := r.Done(c.id, "", c.retryFailed); ok != c.done {
			t.Errorf("Done(%s, retryFailed=%v) = %v", c.id, c.retryFailed, ok)
		}
	}
}

func TestMatchByRequestedIDAndRef(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, lines(
		// "requested" is accepted as well as "request".
		`{"state":"success","subject":{"id":"resolved"},"requested":{"ref":"Carol@X","id":"SENT-ID","sentAt":"2030-01-02T03:04:05Z"},"changeId":"c1"}`,
		// Resolution failed: known by ref only.
		`{"state":"failure","subject":null,"request":{"ref":"dave@x","id":""}}`,
		// A UPN reused by another object: not the same subject as id Z.
		`{"state":"success","subject":{"id":"old"},"request":{"ref":"erin@x","id":"old"}}`,
	))
	r := mustRead(t, path)
	rec, ok := r.Done("sent-id", "", true)
	if !ok || rec.SubjectID != "resolved" || rec.RequestedID != "SENT-ID" || rec.ChangeID != "c1" || rec.SentAt.IsZero() {
		t.Errorf("by requested id: %+v %v", rec, ok)
	}
	if _, ok := r.Done("resolved", "", true); ok {
		t.Error("matched by subject.id although request.id differs")
	}
	if _, ok := r.Done("", "carol@x", true); !ok {
		t.Error("not matched by ref")
	}
	if rec, ok := r.Done("D", "DAVE@X", false); !ok || rec.Line != 2 {
		t.Errorf("dave by ref: %+v %v", rec, ok)
	}
	if _, ok := r.Done("z", "erin@x", true); ok {
		t.Error("reused UPN matched another object")
	}
	if got := fmt.Sprint(r.Counts()); got != "map[failure:1 success:2]" {
		t.Errorf("Counts = %s", got)
	}
}

func TestCountsRefThenID(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, lines(
		`{"state":"failure","request":{"ref":"f@x"}}`,
		`{"state":"success","subject":{"id":"F"},"request":{"ref":"F@X","id":"F"}}`,
		`{"state":"pending","request":{"ref":"f@x"}}`,
	))
	r := mustRead(t, path)
	if got := fmt.Sprint(r.Counts()); got != "map[pending:1]" {
		t.Errorf("Counts = %s", got)
	}
	if rec, ok := r.Done("f", "f@x", true); ok || rec.Line != 3 {
		t.Errorf("Done = %+v %v", rec, ok)
	}
}

func TestNilResume(t *testing.T) {
	var r *Resume
	if _, ok := r.Done("a", "b", false); ok {
		t.Error("nil Resume has records")
	}
	if len(r.Counts()) != 0 {
		t.Error("nil Resume counts")
	}
}
