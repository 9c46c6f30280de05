package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"sigs.k8s.io/yaml"
)

// The CI examples of the docs and the GitHub Action are checked here, in
// `make test`: every GitHub workflow in a ```yaml block of README.md and
// docs/*.md (a block whose first line starts with `name:` or `on:`) goes
// through actionlint, the action's own usage example included (its
// `uses: provctl/provctl@…` is read as `uses: ./`, so actionlint checks the
// inputs and outputs against action.yml); the other YAML blocks (Azure
// Pipelines, GitLab CI) must parse; ```sh blocks, the scripts of all of these
// and action/run.sh go through shellcheck when it is installed (.ci/run
// installs it), and are skipped with a message otherwise.

// init puts action/ on PATH for testdata/script/action.txtar, which runs the
// action's script as `run.sh` (a testscript passes only PATH through). Only
// `go test` in the repository root has action/run.sh in its folder: the
// provctl commands testscript starts from this binary run in $WORK.
func init() {
	if _, err := os.Stat(filepath.Join("action", "run.sh")); err != nil {
		return
	}
	if dir, err := filepath.Abs("action"); err == nil {
		os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
}

// codeBlock is a fenced code block of a Markdown file.
type codeBlock struct {
	file string
	line int // the line of its first line of code, 1-based
	lang string
	text string
}

func (b codeBlock) String() string { return fmt.Sprintf("%s:%d (```%s)", b.file, b.line, b.lang) }

// markdownBlocks returns the fenced code blocks of a Markdown file; a fence
// may be indented (in a list), and its code is unindented as much.
func markdownBlocks(t *testing.T, file string) []codeBlock {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []codeBlock
	var cur *codeBlock
	var fence, indent string
	var body []string
	for i, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if cur == nil {
			if strings.HasPrefix(trimmed, "```") {
				fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
				indent = line[:len(line)-len(trimmed)]
				lang, _, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(trimmed, fence)), " ")
				cur, body = &codeBlock{file: file, line: i + 2, lang: lang}, nil
			}
			continue
		}
		if strings.TrimSpace(line) == fence {
			cur.text = strings.Join(body, "\n") + "\n"
			blocks = append(blocks, *cur)
			cur = nil
			continue
		}
		body = append(body, strings.TrimPrefix(line, indent))
	}
	if cur != nil {
		t.Errorf("%s: the code block opened at line %d is not closed", file, cur.line-1)
	}
	return blocks
}

// docBlocks returns the code blocks of README.md and docs/*.md.
func docBlocks(t *testing.T) []codeBlock {
	files, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []codeBlock
	for _, f := range append([]string{"README.md"}, files...) {
		blocks = append(blocks, markdownBlocks(t, f)...)
	}
	return blocks
}

// isWorkflow reports whether a YAML block is a GitHub workflow: its first
// line that is not blank or a comment starts with `name:` or `on:`.
func isWorkflow(b codeBlock) bool {
	if b.lang != "yaml" && b.lang != "yml" {
		return false
	}
	for _, line := range strings.Split(b.text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return strings.HasPrefix(line, "name:") || strings.HasPrefix(line, "on:")
	}
	return false
}

// actionUse is a step that uses this repository's action, at any ref.
var actionUse = regexp.MustCompile(`(?m)^(\s*(?:-\s+)?uses:\s*)provctl/provctl@[^\s#]+`)

// TestDocsWorkflows runs actionlint on every GitHub workflow of the docs.
func TestDocsWorkflows(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	project, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	sc := shellcheckPath()
	if sc == "" {
		t.Log("shellcheck is not installed: the run: scripts of the workflows are not shellchecked")
	}
	var workflows, usesAction int
	ciWorkflows := 0
	for _, b := range docBlocks(t) {
		if !isWorkflow(b) {
			continue
		}
		workflows++
		if b.file == filepath.Join("docs", "ci.md") {
			ciWorkflows++
		}
		src := b.text
		if actionUse.MatchString(src) {
			usesAction++
			src = actionUse.ReplaceAllString(src, "${1}./")
		}
		var out bytes.Buffer
		linter, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: sc, WorkingDir: root})
		if err != nil {
			t.Fatal(err)
		}
		errs, err := linter.Lint(b.String(), []byte(src), project)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		for _, e := range errs {
			t.Errorf("%s:%d:%d: %s [%s]", b.file, b.line+e.Line-1, e.Column, e.Message, e.Kind)
		}
	}
	t.Logf("actionlint: %d workflows, %d of them using the action", workflows, usesAction)
	// A check that finds nothing proves nothing: docs/ci.md has workflows
	// with native OIDC, and the action's usage example.
	if ciWorkflows < 2 {
		t.Errorf("docs/ci.md has %d GitHub workflows (```yaml blocks starting with name: or on:), want at least 2", ciWorkflows)
	}
	if usesAction == 0 {
		t.Errorf("no workflow in the docs uses the action (uses: provctl/provctl@…)")
	}
}

// TestActionlintFindsMistakes keeps the check above honest: the linter as
// set up there reports a job-level env that uses the runner context, an
// input the action does not have, a missing required input, an output it
// does not have, and (with shellcheck) an unquoted variable.
func TestActionlintFindsMistakes(t *testing.T) {
	const bad = `name: bad
on: push
permissions:
  id-token: write
jobs:
  provision:
    runs-on: ubuntu-latest
    env:
      AZURE_FEDERATED_TOKEN_FILE: ${{ runner.temp }}/token
    steps:
      - id: p
        uses: provctl/provctl@v1.0.0
        with:
          user: adele@contoso.com
      - run: echo ${{ steps.p.outputs.status }} $HOME/x
`
	b := codeBlock{file: "bad.md", line: 1, lang: "yaml", text: bad}
	if !isWorkflow(b) || !actionUse.MatchString(bad) {
		t.Fatal("the bad workflow is not recognized as a workflow using the action")
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	project, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	sc := shellcheckPath()
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Shellcheck: sc, WorkingDir: root})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.Lint("bad.yml", []byte(actionUse.ReplaceAllString(bad, "${1}./")), project)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, e := range errs {
		all = append(all, fmt.Sprintf("%d: %s [%s]", e.Line, e.Message, e.Kind))
	}
	text := strings.Join(all, "\n")
	want := []string{`context "runner" is not allowed here`, `input "user" is not defined`, `missing input "sp"`, `property "status" is not defined`}
	if sc != "" {
		want = append(want, "SC2086")
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("actionlint did not report %q; it reported:\n%s", w, text)
		}
	}
}

// TestDocsPipelines checks the other YAML blocks (Azure Pipelines, GitLab
// CI, config files): they parse, and their scripts pass shellcheck.
func TestDocsPipelines(t *testing.T) {
	sc := shellcheckPath()
	var pipelines int
	for _, b := range docBlocks(t) {
		if (b.lang != "yaml" && b.lang != "yml") || isWorkflow(b) {
			continue
		}
		var doc any
		if err := yaml.Unmarshal([]byte(b.text), &doc); err != nil {
			t.Errorf("%s: not YAML: %v", b, err)
			continue
		}
		scripts := pipelineScripts(doc)
		if len(scripts) > 0 {
			pipelines++
		}
		if sc == "" {
			continue
		}
		for i, s := range scripts {
			// CI systems set variables the script does not assign (SC2154).
			shellcheck(t, sc, fmt.Sprintf("%s script %d", b, i+1), s, "--exclude=SC2154")
		}
	}
	if pipelines < 3 {
		t.Errorf("the docs have %d pipelines with scripts (Azure Pipelines, GitLab CI), want at least 3", pipelines)
	}
	if sc == "" {
		t.Skip("shellcheck is not installed: the pipelines' scripts are not checked")
	}
}

// pipelineScripts collects the shell scripts of an Azure Pipelines or
// GitLab CI document: script, bash and inlineScript values, and the lines of
// GitLab's script, before_script and after_script lists (one script each).
func pipelineScripts(doc any) []string {
	var scripts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				switch k {
				case "script", "bash", "inlineScript", "before_script", "after_script":
					switch s := v[k].(type) {
					case string:
						scripts = append(scripts, s)
						continue
					case []any:
						var lines []string
						for _, l := range s {
							if l, ok := l.(string); ok {
								lines = append(lines, l)
							}
						}
						scripts = append(scripts, strings.Join(lines, "\n"))
						continue
					}
				}
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
	return scripts
}

// TestDocsShellSnippets runs shellcheck on the ```sh and ```bash blocks of
// README.md and docs/*.md, and on action/run.sh.
func TestDocsShellSnippets(t *testing.T) {
	sc := shellcheckPath()
	if sc == "" {
		t.Skip("shellcheck is not installed (`apt-get install shellcheck`): shell snippets and action/run.sh are not checked")
	}
	n := 0
	for _, b := range docBlocks(t) {
		if b.lang != "sh" && b.lang != "bash" {
			continue
		}
		n++
		shellcheck(t, sc, b.String(), b.text)
	}
	if n == 0 {
		t.Error("no ```sh block in the docs: the check proves nothing")
	}
	script, err := os.ReadFile(filepath.Join("action", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	shellcheck(t, sc, "action/run.sh", string(script))
}

func shellcheckPath() string {
	p, err := exec.LookPath("shellcheck")
	if err != nil {
		return ""
	}
	return p
}

// shellcheck checks a bash script given as text.
func shellcheck(t *testing.T, sc, name, script string, flags ...string) {
	t.Helper()
	args := append([]string{"--shell=bash", "--format=gcc"}, flags...)
	cmd := exec.Command(sc, append(args, "-")...)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck %s:\n%s", name, strings.ReplaceAll(string(out), "-:", "line "))
	}
}

// actionMetadata is the part of action.yml the checks below read.
type actionMetadata struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Author      string            `json:"author"`
	Branding    map[string]string `json:"branding"`
	Inputs      map[string]struct {
		Description string `json:"description"`
		Required    bool   `json:"required"`
		Default     string `json:"default"`
	} `json:"inputs"`
	Outputs map[string]struct {
		Description string `json:"description"`
		Value       string `json:"value"`
	} `json:"outputs"`
	Runs struct {
		Using string `json:"using"`
		Steps []struct {
			ID    string            `json:"id"`
			Shell string            `json:"shell"`
			Run   string            `json:"run"`
			Env   map[string]string `json:"env"`
		} `json:"steps"`
	} `json:"runs"`
}

// TestActionMetadata checks that action.yml and action/run.sh agree: every
// input reaches the script as INPUT_<NAME> and is read there, every output
// is the script's step output of the same name and is written there, and no
// input is put into the script's text (script injection).
func TestActionMetadata(t *testing.T) {
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var md actionMetadata
	if err := yaml.UnmarshalStrict(data, &md); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	script, err := os.ReadFile(filepath.Join("action", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"sp": true, "job": false, "users": false, "file": false, "wait": false, "timeout": false,
		"skipped-ok": false, "version": false, "client-id": false, "tenant": false}
	for name, required := range want {
		in, ok := md.Inputs[name]
		if !ok {
			t.Errorf("action.yml has no input %s", name)
			continue
		}
		if in.Required != required || in.Description == "" {
			t.Errorf("input %s: required %v, description %q; want required %v and a description", name, in.Required, in.Description, required)
		}
	}
	if md.Runs.Using != "composite" || len(md.Runs.Steps) != 1 {
		t.Fatalf("runs: using %q with %d steps, want one composite step", md.Runs.Using, len(md.Runs.Steps))
	}
	step := md.Runs.Steps[0]
	if strings.Contains(step.Run, "${{") {
		t.Errorf("the step's run: %q interpolates an expression; pass it through env", step.Run)
	}
	if !strings.Contains(step.Run, "action/run.sh") || step.Shell != "bash" {
		t.Errorf("the step runs %q with shell %q, want action/run.sh with bash", step.Run, step.Shell)
	}
	for name := range md.Inputs {
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if got, want := step.Env[env], "${{ inputs."+name+" }}"; got != want {
			t.Errorf("env %s = %q, want %q", env, got, want)
		}
		if !strings.Contains(string(script), env) {
			t.Errorf("action/run.sh does not read %s (input %s)", env, name)
		}
	}
	for _, name := range []string{"state", "exit-code"} {
		if _, ok := md.Outputs[name]; !ok {
			t.Errorf("action.yml has no output %s", name)
		}
	}
	for name, o := range md.Outputs {
		if want := "${{ steps." + step.ID + ".outputs." + name + " }}"; o.Value != want || o.Description == "" {
			t.Errorf("output %s: value %q, want %q with a description", name, o.Value, want)
		}
		if !strings.Contains(string(script), `echo "`+name+`=`) {
			t.Errorf("action/run.sh does not write the output %s", name)
		}
	}
}
