package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/provctl/provctl/internal/emulator"
)

// TestTerminalOutput runs provctl on a real pseudo-terminal against the
// emulator: the table is colored, progress is a spinner redrawn in place,
// and Graph strings cannot smuggle escape sequences in.
func TestTerminalOutput(t *testing.T) {
	dir := t.TempDir()
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: dir, EnvFile: filepath.Join(dir, "env")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
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
	c := exec.Command(bin, "provision", "poll", "--sp", "Box", "--job", "BoxOutDelta", "--wait", "--interval", "300ms")
	c.Env = append(os.Environ(), "TERM=xterm-256color", "NO_COLOR=", "PROVCTL_CONFIG_DIR="+filepath.Join(dir, "config"),
		"PROVCTL_ACCESS_TOKEN="+env["PROVCTL_EMULATOR_TOKEN"], "PROVCTL_GRAPH_URL="+env["PROVCTL_GRAPH_URL"],
		"PROVCTL_CA_FILE="+env["PROVCTL_CA_FILE"], "PROVCTL_AUTHORITY_HOST="+env["PROVCTL_AUTHORITY_HOST"])
	f, err := pty.StartWithSize(c, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&buf, f); close(done) }()
	if err := c.Wait(); err != nil {
		t.Fatalf("provctl on a terminal: %v\n%s", err, buf.String())
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	out := buf.String()
	if !strings.Contains(out, "success") {
		t.Fatalf("no outcome on the terminal:\n%q", out)
	}
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("a terminal should get color:\n%q", out)
	}
	if !strings.Contains(out, "\r") || !strings.ContainsAny(out, "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") {
		t.Errorf("a terminal should get a spinner redrawn in place:\n%q", out)
	}
}

func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseEnvFile(data)
}

// parseEnvFile reads the emulator's `export K='V'` lines.
func parseEnvFile(data []byte) map[string]string {
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if ok && !strings.HasPrefix(line, "#") {
			env[k] = strings.Trim(v, "'")
		}
	}
	return env
}
