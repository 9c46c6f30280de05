package output

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestDetectCI(t *testing.T) {
	tests := []struct {
		env      map[string]string
		name     string
		commands bool
	}{
		{nil, "", false},
		{map[string]string{"CI": "false"}, "", false},
		{map[string]string{"CI": "1"}, "", false},
		{map[string]string{"GITHUB_ACTIONS": "yes"}, "", false},
		{map[string]string{"CI": "true"}, "CI", false},
		{map[string]string{"GITLAB_CI": "true"}, "CI", false},
		{map[string]string{"GITHUB_ACTIONS": "true", "CI": "true"}, "GitHub Actions", true},
		{map[string]string{"TF_BUILD": "True"}, "Azure Pipelines", true},
		{map[string]string{"TF_BUILD": "true"}, "Azure Pipelines", true},
		{map[string]string{"GITHUB_ACTIONS": "true", "TF_BUILD": "True"}, "GitHub Actions", true},
	}
	for _, tt := range tests {
		c := DetectCI(func(k string) string { return tt.env[k] })
		if c.Name() != tt.name || c.Detected() != (tt.name != "") || c.HasCommands() != tt.commands {
			t.Errorf("%v: %q detected=%v commands=%v, want %q", tt.env, c.Name(), c.Detected(), c.HasCommands(), tt.name)
		}
	}
	c := DetectCI(func(k string) string {
		return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "/s.md"}[k]
	})
	if c.summary != "/s.md" {
		t.Errorf("summary = %q", c.summary)
	}
}

func TestAnnotationLevel(t *testing.T) {
	for _, tt := range []struct {
		state     string
		skippedOK bool
		want      string
	}{
		{"success", false, ""}, {"failure", false, "error"}, {"failure", true, "error"},
		{"skipped", false, "warning"}, {"skipped", true, ""}, {"warning", false, "warning"},
		{"pending", false, "warning"},
	} {
		if got := annotationLevel(tt.state, tt.skippedOK); got != tt.want {
			t.Errorf("%s skippedOK=%v: %q, want %q", tt.state, tt.skippedOK, got, tt.want)
		}
	}
}

// No CI, or a CI without commands: Report writes nothing anywhere.
func TestReportOutsideACommandCI(t *testing.T) {
	dir := t.TempDir()
	for _, env := range []map[string]string{nil, {"CI": "true", "GITHUB_STEP_SUMMARY": dir + "/s.md"}} {
		var w bytes.Buffer
		c := DetectCI(func(k string) string { return env[k] })
		if err := c.Report(&w, CIReport{Command: "provctl x", Outcomes: []CIOutcome{{Subject: "a", State: "failure"}}}); err != nil || w.Len() > 0 {
			t.Errorf("%v: wrote %q, err %v", env, w.String(), err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files written: %v", entries)
	}
}

func TestReportCapsAnnotations(t *testing.T) {
	var outcomes []CIOutcome
	for i := 0; i < 13; i++ {
		outcomes = append(outcomes, CIOutcome{Subject: "u", State: "failure", Reason: "E: bad"})
	}
	outcomes = append(outcomes, CIOutcome{Subject: "v", State: "skipped"}, CIOutcome{Subject: "w", State: "success"})
	var w bytes.Buffer
	c := CI{kind: ciGitHub}
	if err := c.Report(&w, CIReport{Command: "provctl provision run", Outcomes: outcomes}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d lines, want 10 errors, 1 warning and 1 for the rest:\n%s", len(lines), w.String())
	}
	last, ok := githubParse(lines[11])
	if !ok || last.name != "error" || !strings.Contains(last.data, "3 more outcomes") {
		t.Errorf("last line %q", lines[11])
	}
	if c, _ := githubParse(lines[10]); c.name != "warning" || c.props["title"] != "v: skipped" || !strings.HasPrefix(c.data, "no reason given") {
		t.Errorf("skipped line %+v", c)
	}
	w.Reset()
	_ = c.Report(&w, CIReport{Command: "c", Outcomes: outcomes[13:], SkippedOK: true})
	if w.Len() != 0 {
		t.Errorf("--skipped-ok: a skip and a success still annotated: %q", w.String())
	}
}
