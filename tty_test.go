package main

import (
	"os"
	"strings"
	"testing"
)

// TestTerminalOutput runs provctl on a real pseudo-terminal against the
// emulator: the table is colored, progress is a spinner redrawn in place,
// and Graph strings cannot smuggle escape sequences in.
func TestTerminalOutput(t *testing.T) {
	tc := startTTYCase(t)
	out, err := tc.terminal(100, "provision", "poll", "--sp", "Box", "--job", "BoxOutDelta", "--wait", "--interval", "300ms")
	if err != nil {
		t.Fatalf("provctl on a terminal: %v\n%s", err, out)
	}
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
