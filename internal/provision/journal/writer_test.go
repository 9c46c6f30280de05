package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	path := tempPath(t)
	w := mustOpen(t, path)
	for _, o := range []outcome{
		out("success", "id-1", "alice@contoso.com"),
		out("failure", "id-2", "bob@contoso.com"),
		{State: "pending", Subject: &subject{ID: "id-3"}, Note: "<b>&</b>\nline"},
	} {
		if err := w.Append(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	content := readFile(t, path)
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	if len(lines) != 3 || !strings.HasSuffix(content, "\n") {
		t.Fatalf("content %q", content)
	}
	// Compact, no HTML escaping, the newline inside a string escaped.
	if !strings.Contains(lines[2], `"note":"<b>&</b>\nline"`) || strings.Contains(lines[0], ": ") {
		t.Errorf("encoding: %q", lines)
	}
	r := mustRead(t, path)
	if r.Torn != nil || r.Lines != 3 {
		t.Errorf("Torn %v Lines %d", r.Torn, r.Lines)
	}
	if rec, ok := r.Done("ID-1", "", true); !ok || rec.Line != 1 || rec.State != "success" || rec.Ref != "alice@contoso.com" {
		t.Errorf("Done(id-1) = %+v %v", rec, ok)
	}
	if got := fmt.Sprint(r.Counts()); got != "map[failure:1 pending:1 success:1]" {
		t.Errorf("Counts = %s", got)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v %v", fi.Mode(), err)
	}
}

func TestAppendAfterClose(t *testing.T) {
	w := mustOpen(t, tempPath(t))
	_ = w.Close()
	if err := w.Append(out("success", "x", "")); err == nil {
		t.Error("Append after Close succeeded")
	}
}

func TestAppendUnencodable(t *testing.T) {
	path := tempPath(t)
	w := mustOpen(t, path)
	if err := w.Append(func() {}); err == nil {
		t.Error("Append(func) succeeded")
	}
	if err := w.Append(out("success", "x", "")); err != nil {
		t.Fatal(err)
	}
	if r := mustRead(t, path); r.Lines != 1 {
		t.Errorf("Lines = %d", r.Lines)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	path := tempPath(t)
	w := mustOpen(t, path)
	_, _, err := Open(path)
	if !errors.Is(err, ErrInUse) || err.Error() != path+" is in use by another provctl" {
		t.Fatalf("second Open: %v", err)
	}
	// After Close it can be opened again.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_ = w2.Close()
}

func TestStdinIsNotAJournal(t *testing.T) {
	if _, _, err := Open("-"); !errors.Is(err, ErrStdin) {
		t.Errorf("Open(-) = %v", err)
	}
	if _, err := Read("-"); !errors.Is(err, ErrStdin) {
		t.Errorf("Read(-) = %v", err)
	}
}

func TestOpenRefusesNonRegular(t *testing.T) {
	if _, _, err := Open(t.TempDir()); err == nil {
		t.Error("Open(dir) succeeded")
	}
}

func TestOpenRepairsTornLine(t *testing.T) {
	path := tempPath(t)
	good := `{"state":"success","subject":{"id":"a"}}` + "\n" + `{"state":"failure","subject":{"id":"b"}}` + "\n"
	torn := `{"state":"succ`
	writeFile(t, path, good+torn)
	if r := mustRead(t, path); r.Torn == nil || *r.Torn != (Repair{Line: 3, Bytes: int64(len(torn))}) || r.Lines != 2 {
		t.Fatalf("Read: Torn %v Lines %d", r.Torn, r.Lines)
	}
	w, rep, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep == nil || *rep != (Repair{Line: 3, Bytes: int64(len(torn))}) {
		t.Fatalf("repair = %v", rep)
	}
	if err := w.Append(out("success", "b", "")); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	if got := readFile(t, path); !strings.HasPrefix(got, good) || strings.Contains(got, "succ\"") || strings.Count(got, "\n") != 3 {
		t.Errorf("after repair+append: %q", got)
	}
	r := mustRead(t, path)
	if r.Torn != nil {
		t.Errorf("still torn: %v", r.Torn)
	}
	if _, ok := r.Done("b", "", true); !ok {
		t.Error("b not done after the new line")
	}
}

// A file that is not a journal is refused and left as it was: --results
// given the --from list, or notes, must never be cut or appended to.
func TestOpenRefusesAFileThatIsNoJournal(t *testing.T) {
	path := tempPath(t)
	for _, content := range []string{
		`{"state":"success","subject":{"id":"a"}}` + "\n\x00\x00garbage\n",
		"some notes\nkeep me\n",
		"adele@contoso.test\nuser01@contoso.test",
	} {
		writeFile(t, path, content)
		if w, _, err := Open(path); err == nil {
			_ = w.Close()
			t.Errorf("%q was opened as a journal", content)
		}
		if got := readFile(t, path); got != content {
			t.Errorf("content changed: %q", got)
		}
	}
}

func TestOpenKeepsCleanFile(t *testing.T) {
	path := tempPath(t)
	content := `{"state":"success","subject":{"id":"a"}}` + "\n\n"
	writeFile(t, path, content)
	w := mustOpen(t, path)
	_ = w.Close()
	if got := readFile(t, path); got != content {
		t.Errorf("content changed: %q", got)
	}
}

func TestOpenRepairsWholeFileTorn(t *testing.T) {
	path := tempPath(t)
	writeFile(t, path, `{"state":"succ`)
	w, rep, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if rep == nil || rep.Line != 1 || rep.Bytes != 14 {
		t.Errorf("repair = %v", rep)
	}
	if got := readFile(t, path); got != "" {
		t.Errorf("content %q", got)
	}
}

func TestConcurrentAppend(t *testing.T) {
	path := tempPath(t)
	w := mustOpen(t, path)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				o := out("success", fmt.Sprintf("g%d-%d", g, i), "")
				o.Note = strings.Repeat("x", 1000*(i%5))
				if err := w.Append(o); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	_ = w.Close()
	lines := strings.Split(strings.TrimSuffix(readFile(t, path), "\n"), "\n")
	if len(lines) != workers*each {
		t.Fatalf("%d lines, want %d", len(lines), workers*each)
	}
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d not whole: %.80q", i+1, l)
		}
	}
	if r := mustRead(t, path); r.Counts()["success"] != workers*each {
		t.Errorf("Counts = %v", r.Counts())
	}
}

// --resume and --results may name the same file: read it, then append.
func TestResumeAndResultsSameFile(t *testing.T) {
	path := tempPath(t)
	w := mustOpen(t, path)
	_ = w.Append(out("success", "a", "alice"))
	_ = w.Append(out("failure", "b", "bob"))
	_ = w.Close()

	r := mustRead(t, path)
	w2 := mustOpen(t, path)
	for _, s := range []struct{ id, ref string }{{"a", "alice"}, {"b", "bob"}} {
		if _, ok := r.Done(s.id, s.ref, true); ok {
			continue
		}
		if err := w2.Append(out("success", s.id, s.ref)); err != nil {
			t.Fatal(err)
		}
	}
	_ = w2.Close()
	r2 := mustRead(t, path)
	if r2.Lines != 3 || fmt.Sprint(r2.Counts()) != "map[success:2]" {
		t.Errorf("Lines %d Counts %v", r2.Lines, r2.Counts())
	}
}

func TestOpenMissingDir(t *testing.T) {
	if _, _, err := Open(filepath.Join(t.TempDir(), "no", "such.jsonl")); err == nil {
		t.Error("Open in a missing dir succeeded")
	}
}
