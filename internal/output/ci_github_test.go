package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitHubEscapers(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"a:b,c", "a:b,c", "a%3Ab%2Cc"},
		{"::set-output name=x::y", "::set-output name=x::y", "%3A%3Aset-output name=x%3A%3Ay"},
	} {
		if got := githubData(tt.in); got != tt.data {
			t.Errorf("githubData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := githubProperty(tt.in); got != tt.prop {
			t.Errorf("githubProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
		if got := ghUnescape(githubData(tt.in), false); got != tt.in {
			t.Errorf("data does not round-trip: %q -> %q", tt.in, got)
		}
		if got := ghUnescape(githubProperty(tt.in), true); got != tt.in {
			t.Errorf("property does not round-trip: %q -> %q", tt.in, got)
		}
	}
}

// Each ciHostile string, as a subject and a reason, gives exactly one line
// per annotation, which the runner reads as that annotation and nothing
// else, with the text shown as provctl meant it.
func TestGitHubAnnotationsWithHostileStrings(t *testing.T) {
	for _, h := range ciHostile {
		var w bytes.Buffer
		err := CI{kind: ciGitHub}.Report(&w, CIReport{Command: "provctl provision poll", Outcomes: []CIOutcome{
			{Subject: h, State: "failure", Reason: h},
			{Subject: h, State: "skipped", Reason: h},
		}})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("%q: %d lines, want 2:\n%s", h, len(lines), w.String())
		}
		for i, line := range lines {
			c, ok := githubParse(line)
			want := []string{"error", "warning"}[i]
			if !ok || c.v1 || c.name != want {
				t.Fatalf("%q: line %q is read as %+v, want a ::%s", h, line, c, want)
			}
			if strings.Contains(line, "##[") || strings.ContainsAny(line, "\r\n") {
				t.Errorf("%q: line holds a command prefix or a line break: %q", h, line)
			}
			if wantTitle := Sanitize(h) + ": " + []string{"failure", "skipped"}[i]; c.props["title"] != neutralizeCommands(wantTitle) {
				t.Errorf("%q: title %q, want %q", h, c.props["title"], wantTitle)
			}
			if wantData := neutralizeCommands(sanitizeText(h)) + " (provctl provision poll)"; c.data != wantData {
				t.Errorf("%q: data %q, want %q", h, c.data, wantData)
			}
			if len(c.props) != 1 {
				t.Errorf("%q: properties %v, want the title alone", h, c.props)
			}
			assertTerminalSafe(t, c.data+c.props["title"], false)
		}
	}
}

func TestStepSummaryAppends(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.md")
	c := CI{kind: ciGitHub, summary: path}
	r := CIReport{Command: "provctl provision run", Outcomes: []CIOutcome{
		{Subject: "adele@contoso.test", State: "success", Action: "create"},
		{Subject: "megan@contoso.test", State: "skipped", Action: "other", Reason: "NotEffectivelyEntitled: out of scope"},
	}}
	var w bytes.Buffer
	if err := c.Report(&w, r); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("created with mode %v, want 0600", fi.Mode().Perm())
	}
	want := "\n### provctl provision run\n\n1 skipped, 1 success\n\n" +
		"| subject | state | action | reason |\n| --- | --- | --- | --- |\n" +
		"| adele@contoso.test | success | create |  |\n" +
		"| megan@contoso.test | skipped | other | NotEffectivelyEntitled: out of scope |\n\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}

	// Another step's content is kept, and a file's own mode too.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if err := c.Report(&w, r); err != nil {
		t.Fatal(err)
	}
	if err := c.Report(&w, r); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "# earlier step\n"+want+want {
		t.Errorf("not appended:\n%s", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode changed to %v", fi.Mode().Perm())
	}

	// Not a file: an error, and the annotations are written all the same.
	w.Reset()
	r.Outcomes[0].State = "failure"
	err = CI{kind: ciGitHub, summary: dir}.Report(&w, r)
	if err == nil || !strings.Contains(w.String(), "::error ") {
		t.Errorf("err %v, annotations %q", err, w.String())
	}
	// No GITHUB_STEP_SUMMARY: annotations only.
	w.Reset()
	if err := (CI{kind: ciGitHub}).Report(&w, r); err != nil || !strings.Contains(w.String(), "::warning ") {
		t.Errorf("err %v, annotations %q", err, w.String())
	}
}
