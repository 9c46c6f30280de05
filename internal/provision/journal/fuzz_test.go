package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead: any file content reads without a panic; when it reads without
// error, Open repairs exactly the reported torn tail and the result reads
// clean with the same records.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"",
		"\n",
		`{"state":"success","subject":{"id":"a"}}` + "\n",
		`{"state":"success","subject":{"id":"a"}}` + "\n" + `{"state":"fail`,
		`{"state":"failure","request":{"ref":"x@y","id":""}}` + "\n" + `{"state":"x"}` + "\n",
		`{"state":"success","subject":{"id":"a"},"requested":{"ref":"R","id":"I","sentAt":"2030-01-02T03:04:05Z"}}` + "\n  \n\x00",
		"null\n[]\n{}\n",
		`{"state":"success","subject":{"id":"a"}}` + "\r\n" + `{"state":"success","subject":{"id":"\u00e9"}}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		n++
		path := filepath.Join(dir, fmt.Sprintf("j%d.jsonl", n))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		r, err := Read(path)
		if err != nil {
			return
		}
		_ = r.Counts()
		_, _ = r.Done("a", "x@y", false)
		w, rep, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		_ = w.Close()
		if (rep == nil) != (r.Torn == nil) || (rep != nil && *rep != *r.Torn) {
			t.Fatalf("Open repair %v, Read torn %v", rep, r.Torn)
		}
		r2, err := Read(path)
		if err != nil {
			t.Fatalf("after repair: %v", err)
		}
		if r2.Torn != nil || r2.Lines != r.Lines || fmt.Sprint(r2.Counts()) != fmt.Sprint(r.Counts()) {
			t.Fatalf("after repair: Torn %v Lines %d/%d Counts %v/%v", r2.Torn, r2.Lines, r.Lines, r2.Counts(), r.Counts())
		}
	})
}
