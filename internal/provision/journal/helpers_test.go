package journal

import (
	"os"
	"path/filepath"
	"testing"
)

// outcome is the shape of provision.Outcome that matters here.
type outcome struct {
	State   string   `json:"state"`
	Subject *subject `json:"subject,omitempty"`
	Request *request `json:"request,omitempty"`
	Note    string   `json:"note,omitempty"`
}

type subject struct {
	ID string `json:"id"`
}

type request struct {
	Ref string `json:"ref"`
	ID  string `json:"id"`
}

func out(state, id, ref string) outcome {
	o := outcome{State: state, Subject: &subject{ID: id}}
	if ref != "" {
		o.Request = &request{Ref: ref, ID: id}
	}
	return o
}

func tempPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "results.jsonl")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustOpen(t *testing.T, path string) *Writer {
	t.Helper()
	w, rep, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep != nil {
		t.Fatalf("unexpected repair %v", rep)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func mustRead(t *testing.T, path string) *Resume {
	t.Helper()
	r, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
