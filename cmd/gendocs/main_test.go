package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/output"
)

// generate runs the generator into a fresh folder, with the home, config
// and temporary folders of the generating machine set to marked paths, and
// returns the folder and the markers.
func generate(t *testing.T) (string, []string) {
	t.Helper()
	machine := filepath.Join(t.TempDir(), "generating-machine")
	markers := []string{machine}
	for _, v := range []string{"HOME", "USERPROFILE", "XDG_CONFIG_HOME", "PROVCTL_CONFIG_DIR", "TMPDIR"} {
		t.Setenv(v, filepath.Join(machine, strings.ToLower(v)))
	}
	if wd, err := os.Getwd(); err == nil {
		markers = append(markers, wd)
	}
	dir := filepath.Join(t.TempDir(), "docs")
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	return dir, markers
}

// provctl(1) holds ENVIRONMENT, EXIT STATUS and FILES, made from the tables
// of cmd/facts.go, before SEE ALSO; no page holds a path of the machine
// that made it, and no "<placeholder>" of the help is lost on the way.
func TestManPages(t *testing.T) {
	dir, markers := generate(t)
	page := read(t, filepath.Join(dir, "man", "provctl.1"))

	var at []int
	for _, title := range []string{"ENVIRONMENT", "EXIT STATUS", "FILES", "SEE ALSO"} {
		i := strings.Index(page, "\n.SH "+title+"\n")
		if i < 0 || strings.Count(page, "\n.SH "+title+"\n") != 1 {
			t.Fatalf("provctl.1: want one %s section", title)
		}
		at = append(at, i)
	}
	for i := 1; i < len(at); i++ {
		if at[i] < at[i-1] {
			t.Errorf("provctl.1: sections out of order at %d", i)
		}
	}
	env, exit, files := page[at[0]:at[1]], page[at[1]:at[2]], page[at[2]:at[3]]
	for _, f := range cmd.EnvVarFacts() {
		for _, n := range f.Names {
			if !strings.Contains(env, `\fB`+n+`\fR`) {
				t.Errorf("ENVIRONMENT lacks %s", n)
			}
		}
		if f.Key != "" && !strings.Contains(env, `config key \fB`+strings.ReplaceAll(f.Key, "-", `\-`)+`\fR`) {
			t.Errorf("ENVIRONMENT lacks the config key %s", f.Key)
		}
	}
	for _, f := range cmd.ExitCodeFacts() {
		if !strings.Contains(exit, ".TP\n\\fB"+strconv.Itoa(f.Code)+"\\fR\n"+f.Name+": ") {
			t.Errorf("EXIT STATUS lacks %d %s", f.Code, f.Name)
		}
	}
	for _, f := range cmd.FileFacts() {
		if !strings.Contains(files, strings.ReplaceAll(f.Path, "-", `\-`)+" (mode "+f.Mode+")") {
			t.Errorf("FILES lacks %q", f.Path)
		}
	}
	if strings.Contains(env+exit+files, "`") {
		t.Error("a Markdown code span reached the man page")
	}
	for _, l := range strings.Split(env+exit+files, "\n") {
		if strings.HasPrefix(l, ".") && !regexp.MustCompile(`^\.(SH|TP|PP) ?`).MatchString(l) {
			t.Errorf("a text line reads as a roff request: %q", l)
		}
	}

	pages, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	if err != nil || len(pages) < 20 {
		t.Fatalf("%d pages: %v", len(pages), err)
	}
	for _, p := range pages {
		text := read(t, p)
		for _, m := range append(markers, "/home/", "/root/", "(default /") {
			if strings.Contains(text, m) {
				t.Errorf("%s holds %q", filepath.Base(p), m)
			}
		}
	}
	for _, name := range []string{"provctl.1", "provctl-config-set.1", "provctl-sp-list.1"} {
		if text := read(t, filepath.Join(dir, "man", name)); !strings.Contains(text, "config file (default <config dir>/config.yaml)") {
			t.Errorf("%s: --config lost its default", name)
		}
	}
}

// Every "<placeholder>" in a command's help reaches both its pages: the
// Markdown renderers that cobra/doc uses drop what reads as an HTML tag.
func TestPlaceholdersKept(t *testing.T) {
	dir, _ := generate(t)
	placeholder := regexp.MustCompile(`<[a-z][a-z ]*>`)
	streams, _, _ := output.Test()
	root := cmd.NewCmdRoot(cmd.NewFactory(streams, func(string) string { return "" }))
	checked := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root {
			return
		}
		man := read(t, filepath.Join(dir, "man", strings.ReplaceAll(c.CommandPath(), " ", "-")+".1"))
		md := read(t, filepath.Join(dir, "commands", strings.ReplaceAll(c.CommandPath(), " ", "_")+".md"))
		// In the Markdown page the description is text (a backslash keeps
		// a placeholder), the flags a code block (it is kept as is).
		inMarkdown := map[string]string{c.Long: `\`}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { inMarkdown[f.Usage] = "" })
		for text, escape := range inMarkdown {
			for _, p := range placeholder.FindAllString(text, -1) {
				checked++
				if !strings.Contains(man, p) {
					t.Errorf("%s.1 lost %s", c.CommandPath(), p)
				}
				if !strings.Contains(md, escape+p) {
					t.Errorf("%s.md lost %s (want %s)", c.CommandPath(), p, escape+p)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if checked < 3 {
		t.Fatalf("only %d placeholders checked: the help holds more", checked)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
