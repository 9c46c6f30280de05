package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/emulator"
	"github.com/provctl/provctl/internal/output"
)

// BenchmarkPollCommand measures one `provctl provision poll -o json` as a
// new process would run it (settings, TLS handshake, sp lookup, poll,
// JSON), in-process against the emulator.
func BenchmarkPollCommand(b *testing.B) {
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"by-ids", []string{"provision", "poll", "--sp", "2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801", "--job", "SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa", "-o", "json"}},
		{"by-names", []string{"provision", "poll", "--sp", "Salesforce Sandbox", "--job", "SfSandboxOutDelta", "-o", "json"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := b.TempDir()
			srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: dir, EnvFile: filepath.Join(dir, "env")})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			data, err := os.ReadFile(filepath.Join(dir, "env"))
			if err != nil {
				b.Fatal(err)
			}
			env := parseEnvFile(data)
			env["PROVCTL_ACCESS_TOKEN"] = env["PROVCTL_EMULATOR_TOKEN"]
			env["PROVCTL_CONFIG_DIR"] = filepath.Join(dir, "config")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				streams, _, _ := output.Test()
				root := cmd.NewCmdRoot(&cmd.Factory{Streams: streams, Getenv: func(k string) string { return env[k] }})
				root.SetArgs(bc.args)
				err := root.ExecuteContext(context.Background())
				if err == nil { // the Salesforce outcome is a failure: exit 3
					b.Fatal("want the failure outcome")
				}
			}
		})
	}
}
