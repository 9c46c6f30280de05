package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/emulator"
)

// TestDocExamples runs every provctl example of README.md, docs/*.md and
// the commands' --help (through docs/commands, generated from it and kept
// current by make docs-check) against the emulator, in document order, so
// an example that names a tenant, user or id the emulator does not have
// fails here instead of in a newcomer's first minute.
//
// An example is a line of a shell code block that starts with provctl,
// bin/provctl or "$ provctl". A line may opt out by ending in a comment
// naming the reason: "# real tenant only" (needs Microsoft's servers), or
// it is a synopsis (holds "[" or "..."). Interactive sign-in, the emulator
// itself and shell completion are covered by their own tests.
func TestDocExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every documented example")
	}
	examples := collectExamples(t)
	if len(examples) < 30 {
		t.Fatalf("only %d examples found: is the extraction broken?", len(examples))
	}
	work := t.TempDir()
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: filepath.Join(work, "emu"), EnvFile: filepath.Join(work, "env"),
		RateLimit: exampleRate})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := exampleEnv(t, work)
	ran := 0
	for _, ex := range examples {
		if why := exampleExempt(ex.line); why != "" {
			t.Logf("%s: not run (%s): %s", ex.where, why, ex.line)
			continue
		}
		ran++
		runExample(t, work, env, ex)
	}
	t.Logf("%d of %d examples ran against the emulator", ran, len(examples))
}

// exampleTimeout bounds one example: the longest waits in the docs are
// seconds against the emulator.
const exampleTimeout = 45 * time.Second

// exampleRate is the emulator's and provctl's on-demand limit here: at
// Graph's 5/10s the bulk examples would take minutes.
const exampleRate = "100/1s"

type docExample struct {
	where string // file:line
	line  string // the command, "$ " and continuations removed
}

// exampleRealTenant marks an example that needs a real tenant.
var exampleRealTenant = regexp.MustCompile(`(?i)#\s*real[- ]tenant`)

// exampleQuoted is a quoted string of a shell line (jq filters hold "|").
var exampleQuoted = regexp.MustCompile(`'[^']*'|"[^"]*"`)

// exampleExempt says why an example is not run, or "".
func exampleExempt(line string) string {
	fields := strings.Fields(line)
	sub := ""
	if len(fields) > 1 {
		sub = fields[1]
	}
	switch {
	case exampleRealTenant.MatchString(line):
		return "marked real tenant only"
	case strings.Contains(line, " [") || strings.Contains(line, "..."):
		return "a synopsis"
	case sub == "login" || sub == "logout":
		return "sign-in: testdata/script/auth_*.txtar"
	case sub == "emulator":
		return "starts a server: testdata/script and make demo"
	case sub == "completion":
		return "shell completion: testdata/script/completion.txtar"
	case strings.HasSuffix(strings.TrimSpace(line), "&"):
		return "runs in the background"
	}
	unquoted := strings.ReplaceAll(exampleQuoted.ReplaceAllString(line, "''"), "||", ";")
	for _, stage := range strings.Split(unquoted, "|")[1:] {
		if w := strings.Fields(stage); len(w) > 0 && w[0] != "provctl" {
			if _, err := exec.LookPath(w[0]); err != nil {
				return "pipes into " + w[0] + ", not installed here"
			}
		}
	}
	return ""
}

// exampleOK is the exit codes an example may end with: it did what it said,
// or reported an outcome (failed 3, pending 5, skipped 6). Usage (2),
// sign-in (4), errors (1, e.g. an unknown name) and interrupts fail it.
var exampleOK = map[int]bool{0: true, 3: true, 5: true, 6: true}

func runExample(t *testing.T, work string, env []string, ex docExample) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), exampleTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", ex.line)
	// The shell's children go too when an example hangs.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	c.WaitDelay = 5 * time.Second
	c.Dir = work
	c.Env = env
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	start := time.Now()
	err := c.Run()
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("%s: took %v: %s", ex.where, d.Round(time.Second), ex.line)
	}
	code := 0
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Errorf("%s: still running after %v (a follow without --timeout? mark it or bound it): %s", ex.where, exampleTimeout, ex.line)
		return
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Errorf("%s: %v: %s", ex.where, err, ex.line)
		return
	}
	if strings.Contains(ex.line, "…") {
		t.Errorf("%s: a placeholder (…): use the emulator's tenant or mark it # real tenant only: %s", ex.where, ex.line)
	}
	if !exampleOK[code] {
		t.Errorf("%s: exit %d: %s\nstdout:\n%s\nstderr:\n%s", ex.where, code, ex.line, stdout.String(), stderr.String())
	}
}

// exampleEnv is the environment of the examples: the emulator's settings,
// its token as the sign-in, provctl on PATH (and as bin/provctl), and the
// files and variables the examples name.
func exampleEnv(t *testing.T, work string) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	binDir := filepath.Join(work, "bin")
	if err := os.MkdirAll(filepath.Join(work, "onboarding"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, filepath.Join(binDir, "provctl")); err != nil {
		t.Fatal(err)
	}
	wave := "userPrincipalName,displayName\n"
	for _, n := range []string{"01", "02", "03"} {
		wave += "user" + n + "@contoso.test,Wave User " + n + "\n"
	}
	for _, f := range []string{"wave.csv", "onboarding/wave.csv", "users.txt"} {
		if err := os.WriteFile(filepath.Join(work, f), []byte(wave), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	emu := readEnvFile(t, filepath.Join(work, "env"))
	env := []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + work,
		"PROVCTL_CONFIG_DIR=" + filepath.Join(work, "config"),
		"NO_COLOR=1",
		"UPN=adele@contoso.test",
		"OUTCOME=" + filepath.Join(work, "outcome.json"),
		"PROVCTL_ACCESS_TOKEN=" + emu["PROVCTL_EMULATOR_TOKEN"],
		"PROVCTL_ON_DEMAND_RATE=" + exampleRate,
	}
	for k, v := range emu {
		if strings.HasPrefix(k, "PROVCTL_") {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// collectExamples reads the examples of README.md, docs/*.md (the design
// document's synopsis aside) and docs/commands/*.md.
func collectExamples(t *testing.T) []docExample {
	t.Helper()
	files := []string{"README.md"}
	for _, pattern := range []string{"docs/*.md", "docs/commands/*.md"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	var all []docExample
	for _, f := range files {
		if f == filepath.Join("docs", "design.md") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, markdownExamples(f, data)...)
	}
	return all
}

// shellBlock is the info strings of code blocks that hold shell lines.
var shellBlock = map[string]bool{"": true, "sh": true, "bash": true, "console": true, "shell": true}

// markdownExamples finds the example lines of one Markdown file.
func markdownExamples(name string, data []byte) []docExample {
	var out []docExample
	inShell, inBlock := false, false
	var pending *docExample
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		trimmed := strings.TrimSpace(raw)
		if strings.HasPrefix(trimmed, "```") {
			inBlock = !inBlock
			inShell = inBlock && shellBlock[strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))]
			pending = nil
			continue
		}
		if !inShell {
			continue
		}
		if pending != nil {
			pending.line += " " + strings.TrimSuffix(trimmed, "\\")
			if !strings.HasSuffix(trimmed, "\\") {
				pending = nil
			}
			continue
		}
		line := strings.TrimPrefix(trimmed, "$ ")
		if !strings.HasPrefix(line, "provctl ") && !strings.HasPrefix(line, "bin/provctl ") {
			continue
		}
		out = append(out, docExample{where: name + ":" + strconv.Itoa(n), line: strings.TrimSuffix(line, "\\")})
		if strings.HasSuffix(line, "\\") {
			pending = &out[len(out)-1]
		}
	}
	return out
}
