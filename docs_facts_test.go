package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/emulator"
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

// TestDocsSampleConfig makes every yaml block of docs/configuration.md work
// as written: loaded as a config file, each key is known and each value
// valid as every command reads them (`provctl config list` says where each
// came from and whether it can work), and a read-only command against the
// emulator succeeds with it. Only the connection to the emulator (its URLs,
// CA and token) comes from the environment; the rest is the sample's.
func TestDocsSampleConfig(t *testing.T) {
	text, err := os.ReadFile(filepath.FromSlash("docs/configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?ms)^```yaml\n(.*?)^```$").FindAllStringSubmatch(string(text), -1)
	if len(blocks) == 0 {
		t.Fatal("docs/configuration.md has no yaml block: is the extraction broken?")
	}
	work := t.TempDir()
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: filepath.Join(work, "emu"), EnvFile: filepath.Join(work, "env")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	emu := readEnvFile(t, filepath.Join(work, "env"))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	provctl := filepath.Join(work, "provctl") // TestMain runs provctl's main under this name
	if err := os.Symlink(exe, provctl); err != nil {
		t.Fatal(err)
	}
	base := []string{"HOME=" + work, "PROVCTL_CONFIG_DIR=" + filepath.Join(work, "config"), "NO_COLOR=1"}
	run := func(env []string, args ...string) (string, string, error) {
		c := exec.Command(provctl, args...)
		c.Env, c.Dir = env, work
		var stdout, stderr strings.Builder
		c.Stdout, c.Stderr = &stdout, &stderr
		err := c.Run()
		return stdout.String(), stderr.String(), err
	}
	for i, b := range blocks {
		sample := b[1]
		cfg := filepath.Join(work, "sample"+strconv.Itoa(i)+".yaml")
		if err := os.WriteFile(cfg, []byte(sample), 0o600); err != nil {
			t.Fatal(err)
		}
		var keys map[string]any
		if err := yaml.Unmarshal([]byte(sample), &keys); err != nil || len(keys) == 0 {
			t.Errorf("yaml block %d: %d keys, %v:\n%s", i+1, len(keys), err, sample)
			continue
		}

		stdout, stderr, err := run(base, "config", "list", "--config", cfg, "-o", "json")
		if err != nil || stderr != "" {
			t.Errorf("yaml block %d: config list: %v\n%s%s", i+1, err, stderr, sample)
			continue
		}
		var entries []cmd.ConfigEntry
		if err := json.Unmarshal([]byte(stdout), &entries); err != nil {
			t.Fatalf("config list -o json: %v\n%s", err, stdout)
		}
		read := map[string]cmd.ConfigEntry{}
		for _, e := range entries {
			read[e.Key] = e
		}
		for key := range keys {
			e := read[key]
			if key == "output" && e.Source == "flag" { // -o json above: read it alone
				out, stderr, err := run(base, "config", "get", "output", "--config", cfg)
				e = cmd.ConfigEntry{Value: strings.TrimSpace(out), Source: "config", Invalid: stderr}
				if err != nil || fmt.Sprint(keys[key]) != e.Value {
					e.Invalid += fmt.Sprint(err)
				}
			}
			if e.Source != "config" || e.Invalid != "" {
				t.Errorf("yaml block %d: %s read as %+v", i+1, key, e)
			}
		}

		env := append(slices.Clone(base), "PROVCTL_ACCESS_TOKEN="+emu["PROVCTL_EMULATOR_TOKEN"])
		for _, k := range []string{"PROVCTL_GRAPH_URL", "PROVCTL_AUTHORITY_HOST", "PROVCTL_CA_FILE"} {
			env = append(env, k+"="+emu[k])
		}
		stdout, stderr, err = run(env, "sp", "list", "--name", "Box", "--config", cfg, "--debug")
		if err != nil || !strings.Contains(stdout, "Box") {
			t.Errorf("yaml block %d: sp list against the emulator: %v\nstdout:\n%s\nstderr:\n%s", i+1, err, stdout, stderr)
		}
		if v, ok := keys["api-version"].(string); ok && !strings.Contains(stderr, "/"+v+"/servicePrincipals") {
			t.Errorf("yaml block %d: the run did not use api-version %s:\n%s", i+1, v, stderr)
		}
	}
}
