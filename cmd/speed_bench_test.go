package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/provctl/provctl/internal/output"
)

// The seeded emulator tenant's Box app and its job (docs/emulator.md).
const (
	speedBoxSP  = "8783a342-f7a2-46fb-8243-3658cee556ce"
	speedBoxJob = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
)

// speedEmulator starts an in-process emulator and returns the environment
// a command run against it sees (its env file, a static token and a fresh
// config folder).
func speedEmulator(b *testing.B) map[string]string {
	b.Helper()
	return emulatorEnv(b, "")
}

func BenchmarkPollOneShot(b *testing.B) {
	env := speedEmulator(b)
	getenv := func(k string) string { return env[k] }
	args := []string{"provision", "poll", "--sp", speedBoxSP, "--job", speedBoxJob, "-o", "json"}
	b.ReportAllocs()
	for b.Loop() {
		streams, out, _ := output.Test()
		f := NewFactory(streams, getenv)
		root := NewCmdRoot(f)
		root.SetArgs(args)
		err := root.ExecuteContext(context.Background())
		if f.stopTimeout != nil {
			f.stopTimeout()
		}
		if code := exitCode(err); err != nil && code != ExitPending {
			b.Fatalf("exit %d: %v", code, err)
		}
		if !strings.Contains(out.String(), `"servicePrincipalId"`) {
			b.Fatalf("output: %s", out)
		}
		if f.httpc != nil {
			f.httpc.CloseIdleConnections() // as the process's exit would
		}
	}
}

// BenchmarkNewCmdRoot is building the command tree, which every command
// does once.
func BenchmarkNewCmdRoot(b *testing.B) {
	streams, _, _ := output.Test()
	b.ReportAllocs()
	for b.Loop() {
		NewCmdRoot(NewFactory(streams, func(string) string { return "" }))
	}
}

// BenchmarkSettingsResolve is reading the settings as a command against
// the emulator does: variables, no config file, the --output flag.
func BenchmarkSettingsResolve(b *testing.B) {
	env := map[string]string{
		"PROVCTL_CONFIG_DIR":     b.TempDir(),
		"PROVCTL_GRAPH_URL":      "https://127.0.0.1:8443",
		"PROVCTL_AUTHORITY_HOST": "https://127.0.0.1:8443",
		"PROVCTL_TENANT":         "6a2de586-6d0e-4e39-a06f-39c6893e0873",
		"PROVCTL_CA_FILE":        "/nonexistent/ca.pem",
	}
	getenv := func(k string) string { return env[k] }
	flags := pflag.NewFlagSet("x", pflag.ContinueOnError)
	flags.String("output", "", "")
	if err := flags.Parse([]string{"--output", "json"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, dir, err := newViper(flags, "", getenv, func(string, ...any) {})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := resolveSettings(v, dir); err != nil {
			b.Fatal(err)
		}
	}
}
