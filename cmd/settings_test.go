package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("tenant: from-config\noutput: yaml\napi-version: v1.0\noutptu: json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PROVCTL_CONFIG_DIR": dir, "PROVCTL_TENANT": "from-env", "PROVCTL_CLOUD": "usgov"}
	flags := pflag.NewFlagSet("x", pflag.ContinueOnError)
	flags.String("tenant", "", "")
	flags.String("output", "", "")
	if err := flags.Parse([]string{"--output", "json"}); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	v, d, err := newViper(flags, "", func(k string) string { return env[k] }, func(f string, a ...any) { warnings = append(warnings, fmt.Sprintf(f, a...)) })
	if err != nil {
		t.Fatal(err)
	}
	s, err := resolveSettings(v, d)
	if err != nil {
		t.Fatal(err)
	}
	if s.Tenant != "from-env" || s.Output != "json" || s.APIVersion != "v1.0" {
		t.Errorf("precedence: %+v", s)
	}
	if s.GraphURL != "https://graph.microsoft.us" || s.AuthorityHost != "https://login.microsoftonline.us" {
		t.Errorf("cloud hosts: %+v", s)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "unknown key") {
		t.Errorf("warnings = %v", warnings)
	}
}

func TestSettingsRejects(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"http graph":  {"PROVCTL_GRAPH_URL": "http://graph.example"},
		"graph path":  {"PROVCTL_GRAPH_URL": "https://graph.example/beta"},
		"bad cloud":   {"PROVCTL_CLOUD": "mars"},
		"bad version": {"PROVCTL_API_VERSION": "v2"},
		"bad tenant":  {"PROVCTL_TENANT": "a/b"},
	} {
		t.Run(name, func(t *testing.T) {
			env["PROVCTL_CONFIG_DIR"] = t.TempDir()
			v, d, err := newViper(pflag.NewFlagSet("x", pflag.ContinueOnError), "", func(k string) string { return env[k] }, func(string, ...any) {})
			if err == nil {
				_, err = resolveSettings(v, d)
			}
			if exitCode(err) != ExitUsage {
				t.Fatalf("err = %v (exit %d), want a usage error", err, exitCode(err))
			}
		})
	}
}

func TestGraphURLWithCredentialsIsRefusedWithoutEchoingThem(t *testing.T) {
	for _, raw := range []string{"https://admin:hunter2@graph.example", "https://admin:hunter2@graph.example:99999", "ht tps://admin:hunter2@x"} {
		err := checkHTTPS("PROVCTL_GRAPH_URL", raw)
		if err == nil {
			t.Fatalf("%s: accepted", raw)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", raw, err)
		}
	}
	if err := checkHTTPS("PROVCTL_GRAPH_URL", "https://graph.example"); err != nil {
		t.Errorf("a plain URL is refused: %v", err)
	}
}
