package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/provctl/provctl/cmd"
)

// TestDocsGeneratedRegions fails when a table generated from cmd/facts.go
// (exit codes, environment variables) is stale in its Markdown file.
func TestDocsGeneratedRegions(t *testing.T) {
	for _, r := range cmd.DocRegions() {
		text, err := os.ReadFile(filepath.FromSlash(r.File))
		if err != nil {
			t.Fatal(err)
		}
		want, err := cmd.FillRegion(string(text), r.Name, r.Body())
		if err != nil {
			t.Errorf("%s: %v", r.File, err)
			continue
		}
		if want != string(text) {
			t.Errorf("%s: the generated %q table is stale: run `make docs`", r.File, r.Name)
		}
	}
}

// TestREADMEExitCodes reads README's exit-code table as a reader sees it
// (independently of the generator) and compares it with the Go table.
func TestREADMEExitCodes(t *testing.T) {
	text, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(text), "\n## Exit codes\n")
	if !ok {
		t.Skip("README.md has no exit-code section")
	}
	if i := strings.Index(section, "\n## "); i >= 0 {
		section = section[:i]
	}
	row := regexp.MustCompile(`(?m)^\| (\d+) \| (.*) \|$`)
	got := map[int]string{}
	var order []int
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		code, _ := strconv.Atoi(m[1])
		if _, dup := got[code]; dup {
			t.Errorf("README.md lists exit code %d twice", code)
		}
		got[code] = m[2]
		order = append(order, code)
	}
	facts := cmd.ExitCodeFacts()
	if len(order) != len(facts) {
		t.Errorf("README.md lists exit codes %v, the Go table has %d codes", order, len(facts))
	}
	for i, f := range facts {
		meaning, ok := got[f.Code]
		switch {
		case !ok:
			t.Errorf("README.md does not list exit code %d (%s)", f.Code, f.Name)
		case strings.ReplaceAll(meaning, `\|`, "|") != f.Short:
			t.Errorf("README.md exit code %d: %q, the Go table says %q", f.Code, meaning, f.Short)
		case i < len(order) && order[i] != f.Code:
			t.Errorf("README.md lists exit code %d in place of %d", order[i], f.Code)
		}
	}
}
