package cmd

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestExitCodeFactsCoverTheConstants(t *testing.T) {
	want := []int{ExitOK, ExitError, ExitUsage, ExitFailed, ExitAuth, ExitPending, ExitSkipped, ExitInterrupted}
	var got []int
	for _, f := range ExitCodeFacts() {
		got = append(got, f.Code)
		if f.Name == "" || f.Cause == "" || f.Short == "" {
			t.Errorf("exit code %d: empty field in %+v", f.Code, f)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("exit-code table lists %v, want %v (every Exit* constant once, in order)", got, want)
	}
}

func TestExitCodesHelpListsEveryCode(t *testing.T) {
	help := exitCodesHelp()
	for _, f := range ExitCodeFacts() {
		line := "  " + strconv.Itoa(f.Code) + " "
		if !strings.Contains(help, line) || !strings.Contains(help, f.Short) {
			t.Errorf("help exit-codes lacks code %d: %q", f.Code, f.Short)
		}
	}
}

// The variables the settings read must be in the table, with their key.
func TestEnvVarFactsCoverTheSettings(t *testing.T) {
	byName := map[string]EnvVarFact{}
	for _, f := range EnvVarFacts() {
		for _, n := range f.Names {
			if _, dup := byName[n]; dup {
				t.Errorf("%s is listed twice", n)
			}
			byName[n] = f
		}
	}
	for key, name := range settingKeys {
		f, ok := byName[name]
		switch {
		case !ok:
			t.Errorf("%s (config key %s) is missing from the environment table", name, key)
		case f.Key != key:
			t.Errorf("%s: table says key %q, the settings read %q", name, f.Key, key)
		}
	}
	for _, name := range []string{"PROVCTL_CONFIG_DIR", "PROVCTL_ACCESS_TOKEN", "PROVCTL_CLIENT_SECRET",
		"PROVCTL_CLIENT_CERTIFICATE", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "NO_COLOR"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("%s is missing from the environment table", name)
		}
	}
	help, md := environmentHelp(), EnvironmentMarkdown()
	for name := range byName {
		if !strings.Contains(help, name) || !strings.Contains(md, "`"+name+"`") {
			t.Errorf("%s is missing from help environment or its Markdown table", name)
		}
	}
}

func TestFillRegion(t *testing.T) {
	doc := "# t\n\n<!-- BEGIN x -->\nold\n<!-- END x -->\n\nafter\n"
	got, err := FillRegion(doc, "x", "new\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "# t\n\n<!-- BEGIN x -->\n" + generatedNote + "new\n<!-- END x -->\n\nafter\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if again, _ := FillRegion(got, "x", "new\n"); again != got {
		t.Fatalf("filling twice changed the text: %q", again)
	}
	for name, bad := range map[string]string{
		"no markers":   "text\n",
		"no end":       "<!-- BEGIN x -->\nold\n",
		"two begins":   "<!-- BEGIN x -->\n<!-- BEGIN x -->\n<!-- END x -->\n",
		"end first":    "<!-- END x -->\n<!-- BEGIN x -->\n",
		"end mid-line": "<!-- BEGIN x -->\nold<!-- END x -->\n",
	} {
		if _, err := FillRegion(bad, "x", "new\n"); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestMarkdownTablesEscapePipes(t *testing.T) {
	if got := mdCell("a | b"); got != `a \| b` {
		t.Fatalf("mdCell: %q", got)
	}
	for _, table := range []string{ExitCodesMarkdown(), ExitCodesShortMarkdown(), EnvironmentMarkdown()} {
		lines := strings.Split(strings.TrimSpace(table), "\n")
		cols := strings.Count(strings.ReplaceAll(lines[0], `\|`, ""), "|")
		for _, l := range lines {
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != cols {
				t.Errorf("row has %d cell separators, header %d: %s", n, cols, l)
			}
		}
	}
}
