package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/rivo/uniseg"

	"github.com/provctl/provctl/internal/emulator"
)

// TestTerminalTables runs provctl on pseudo-terminals 80 and 120 columns
// wide against the emulator: every id and timestamp that `sp list`, `job
// list` and `provision logs` print as JSON appears whole in their tables
// (ids are never cut: free text narrows, a column is left out with a
// footnote, or rows become records), and lines of a fitted table stay
// within the terminal.
func TestTerminalTables(t *testing.T) {
	tc := startTTYCase(t)
	commands := []struct {
		args []string
		// values picks the ids and times out of the command's JSON.
		values func(t *testing.T, doc []byte) []string
		// fitted says every line fits the terminal: no id is wider.
		fitted bool
	}{
		{[]string{"sp", "list"}, jsonStrings(".id", ".appId"), true},
		{[]string{"sp", "list", "--with-jobs"}, jsonStrings(".id", ".appId"), true},
		// The Box job id is 81 characters: at 80 columns only the terminal
		// can fold it.
		{[]string{"job", "list", "--sp", "Box"}, jsonStrings(".id", ".lastExecution.ended"), false},
		{[]string{"job", "list", "--sp", "Contoso HR"}, jsonStrings(".id", ".lastExecution.ended"), false},
		{[]string{"provision", "logs", "--limit", "20"}, jsonStrings(".changeId", ".startedAt"), true},
	}
	for _, cols := range []uint16{80, 120} {
		for _, c := range commands {
			name := strings.Join(c.args, " ")
			doc, err := tc.pipe(append(c.args, "-o", "json")...)
			if err != nil {
				t.Fatalf("%s -o json: %v", name, err)
			}
			want := c.values(t, doc)
			if len(want) == 0 {
				t.Fatalf("%s: no ids in %s", name, doc)
			}
			out, err := tc.terminal(cols, c.args...)
			if err != nil {
				t.Fatalf("%s on %d columns: %v\n%s", name, cols, err, out)
			}
			if !strings.Contains(out, "\x1b[") {
				t.Errorf("%s on %d columns: no color:\n%q", name, cols, out)
			}
			plain := stripSGR(out)
			for _, v := range want {
				if !strings.Contains(plain, v) {
					t.Errorf("%s on %d columns: %q is not whole:\n%s", name, cols, v, plain)
				}
			}
			for _, line := range strings.Split(plain, "\n") {
				if w := uniseg.StringWidth(line); w > int(cols) && c.fitted {
					t.Errorf("%s on %d columns: line %d wide:\n%s", name, cols, w, line)
				}
			}
		}
	}
	// What each width shows: at 80, two ids leave no room for the name,
	// which is what a person looks for, so sp list shows records; at 120
	// it has room for a table.
	out80, _ := tc.terminal(80, "sp", "list")
	out120, _ := tc.terminal(120, "sp", "list")
	if !regexp.MustCompile(`(?m)^NAME: +Box$`).MatchString(stripSGR(out80)) || strings.Contains(out80, "hidden") {
		t.Errorf("sp list at 80 columns should show records with the name:\n%s", stripSGR(out80))
	}
	if !regexp.MustCompile(`(?m)^ID +APP ID +NAME$`).MatchString(stripSGR(out120)) || strings.Contains(out120, "hidden") {
		t.Errorf("sp list at 120 columns:\n%s", stripSGR(out120))
	}
}

// TestTerminalSteps runs a provisioning that fails on an 80-column
// pseudo-terminal: each step is a block whose description and details are
// wrapped to the width, whole, and the failed step is marked in red.
func TestTerminalSteps(t *testing.T) {
	tc := startTTYCase(t)
	args := []string{"provision", "run", "--sp", "Salesforce Sandbox", "--user", "adele@contoso.test"}
	doc, err := tc.pipe(append(args, "-o", "json")...)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the seeded failure: %v\n%s", err, doc)
	}
	var o struct {
		Steps []struct {
			Description string            `json:"description"`
			Status      string            `json:"status"`
			Details     map[string]string `json:"details"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(doc, &o); err != nil || len(o.Steps) == 0 {
		t.Fatalf("outcome: %v\n%s", err, doc)
	}
	out, _ := tc.terminal(80, args...)
	if !strings.Contains(out, "\x1b[31m✗\x1b[0m") {
		t.Errorf("the failed step is not marked in red:\n%q", out)
	}
	plain := stripSGR(out)
	for i, line := range strings.Split(plain, "\n") {
		if w := uniseg.StringWidth(line); w > 80 {
			t.Errorf("line %d is %d wide: %q", i, w, line)
		}
	}
	flat, wrapped := flatten(plain), false
	for _, s := range o.Steps {
		if !strings.Contains(flat, flatten(s.Description)) {
			t.Errorf("description %q is not whole:\n%s", s.Description, plain)
		}
		// Wider than the room after the indent: on two lines or more.
		if uniseg.StringWidth(s.Description) > 75 && !strings.Contains(plain, s.Description) {
			wrapped = true
		}
		for k, v := range s.Details {
			if v != "" && !strings.Contains(flat, flatten(k+"  "+v)) {
				t.Errorf("detail %s=%q is not whole:\n%s", k, v, plain)
			}
		}
	}
	if !wrapped {
		t.Errorf("no description was wrapped:\n%s", plain)
	}
	if !regexp.MustCompile(`(?m)^✗ 4  export +failure +EntryExportAdd$`).MatchString(plain) {
		t.Errorf("no marked heading for the failed step:\n%s", plain)
	}
}

// ttyCase is an emulator and a provctl that signs in to it.
type ttyCase struct {
	t   *testing.T
	bin string
	env []string
}

func startTTYCase(t *testing.T) *ttyCase {
	t.Helper()
	dir := t.TempDir()
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: dir, EnvFile: filepath.Join(dir, "env")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	env := readEnvFile(t, filepath.Join(dir, "env"))
	// testscript.Main makes this test binary act as provctl when it is
	// invoked under that name.
	bin := filepath.Join(dir, "provctl")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	return &ttyCase{t: t, bin: bin, env: append(os.Environ(), "TERM=xterm-256color", "NO_COLOR=", "CLICOLOR_FORCE=",
		"PROVCTL_OUTPUT=", "PROVCTL_CONFIG_DIR="+filepath.Join(dir, "config"),
		"PROVCTL_ACCESS_TOKEN="+env["PROVCTL_EMULATOR_TOKEN"], "PROVCTL_GRAPH_URL="+env["PROVCTL_GRAPH_URL"],
		"PROVCTL_CA_FILE="+env["PROVCTL_CA_FILE"], "PROVCTL_AUTHORITY_HOST="+env["PROVCTL_AUTHORITY_HOST"])}
}

// pipe runs provctl with stdout a pipe and returns stdout.
func (c *ttyCase) pipe(args ...string) ([]byte, error) {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return stderr.Bytes(), err
	}
	return out, err
}

// terminal runs provctl on a pseudo-terminal cols wide and returns what it
// showed (stdout and stderr), with the terminal's CRLF made LF.
func (c *ttyCase) terminal(cols uint16, args ...string) (string, error) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: cols})
	if err != nil {
		c.t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&buf, f); close(done) }()
	err = cmd.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return strings.ReplaceAll(buf.String(), "\r\n", "\n"), err
}

// jsonStrings picks the string fields named (".a", ".b.c") from each
// element of a JSON array; times are shown as tables show them (RFC 3339,
// seconds, UTC).
func jsonStrings(paths ...string) func(*testing.T, []byte) []string {
	return func(t *testing.T, doc []byte) []string {
		t.Helper()
		var list []map[string]any
		if err := json.Unmarshal(doc, &list); err != nil {
			t.Fatalf("not a JSON array: %v\n%s", err, doc)
		}
		var out []string
		for _, item := range list {
			for _, p := range paths {
				var v any = item
				for _, key := range strings.Split(strings.TrimPrefix(p, "."), ".") {
					m, _ := v.(map[string]any)
					v = m[key]
				}
				s, ok := v.(string)
				if !ok || s == "" {
					continue
				}
				if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
					s = tm.UTC().Format(time.RFC3339)
				}
				out = append(out, s)
			}
		}
		return out
	}
}

var sgrSequence = regexp.MustCompile("\x1b\\[[0-9;]*[a-zA-Z]")

// stripSGR removes color and erase-line sequences.
func stripSGR(s string) string { return sgrSequence.ReplaceAllString(s, "") }

// flatten makes every run of blanks and line breaks one space, so that a
// wrapped text compares equal to its source.
func flatten(s string) string { return strings.Join(strings.Fields(s), " ") }
