package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

func TestSetAndRemoveConfigKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "provctl")
	path := filepath.Join(dir, "config.yaml")

	// A missing file is created private, in a private folder.
	if err := setConfigKey(path, "managed-identity", "system"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "managed-identity: system\n" {
		t.Errorf("new file %q", data)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %04o", p, st.Mode().Perm(), want)
		}
	}

	// The user's lines, comments and mode stay; duplicates go; no newline at the end is fine.
	orig := "# my settings\ntenant: contoso.onmicrosoft.com\nmanaged-identity: old\noutput: json\nmanaged-identity : older"
	if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if err := setConfigKey(path, "managed-identity", "0c5a7e91-3d2b-4f6a-8e1c-9b7d5f3a1e60"); err != nil {
		t.Fatal(err)
	}
	want := "# my settings\ntenant: contoso.onmicrosoft.com\nmanaged-identity: 0c5a7e91-3d2b-4f6a-8e1c-9b7d5f3a1e60\noutput: json\n"
	if data, _ := os.ReadFile(path); string(data) != want {
		t.Errorf("edited:\n%s\nwant:\n%s", data, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	// Appended when absent; an indented key of a nested map is not ours.
	if err := os.WriteFile(path, []byte("nested:\n  managed-identity: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := setConfigKey(path, "managed-identity", "system"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "nested:\n  managed-identity: x\nmanaged-identity: system\n" {
		t.Errorf("appended: %q", data)
	}

	removed, err := removeConfigKey(path, "managed-identity")
	if err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	if data, _ := os.ReadFile(path); string(data) != "nested:\n  managed-identity: x\n" {
		t.Errorf("after removal: %q", data)
	}
	if removed, err := removeConfigKey(path, "managed-identity"); removed || err != nil {
		t.Errorf("second removal: %v %v", removed, err)
	}
	if removed, err := removeConfigKey(filepath.Join(dir, "none.yaml"), "managed-identity"); removed || err != nil {
		t.Errorf("missing file: %v %v", removed, err)
	}

	// YAML this editor cannot edit safely is left alone.
	if err := os.WriteFile(path, []byte("{tenant: x}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := setConfigKey(path, "managed-identity", "system"); err == nil || !strings.Contains(err.Error(), "yourself") {
		t.Errorf("flow-style file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{tenant: x}\n" {
		t.Errorf("flow-style file changed: %q", data)
	}
}

func TestIdentityFlag(t *testing.T) {
	if id, err := identityFlag(""); id != "system" || err != nil {
		t.Errorf("no --client-id: %q %v", id, err)
	}
	if id, err := identityFlag("a4c6e8f0-2b4d-4c6e-9f1a-3b5d7f9a1c2e"); id != "a4c6e8f0-2b4d-4c6e-9f1a-3b5d7f9a1c2e" || err != nil {
		t.Errorf("GUID: %q %v", id, err)
	}
	for _, bad := range []string{"system", "box", "/subscriptions/x"} {
		if _, err := identityFlag(bad); err == nil || ExitCodeOf(err) != ExitUsage {
			t.Errorf("--client-id %q: %v", bad, err)
		}
	}
}

func TestLoginFlagsAndSetting(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"login", "--browser", "--identity"}, nil, "browser"},
		{[]string{"login", "--identity", "--scope", "Synchronization.Read.All"}, nil, "scope"},
		{[]string{"login", "--identity", "--client-id", "box"}, nil, "user-assigned managed identity's client id"},
		{[]string{"auth", "status"}, map[string]string{"PROVCTL_MANAGED_IDENTITY": "nope"}, "PROVCTL_MANAGED_IDENTITY: \"nope\" is not a managed identity"},
	} {
		r := runCLI(t, false, &graphtest.Registry{}, tc.env, tc.args...)
		checkCLI(t, r, ExitUsage)
		if !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%v: stdout %q stderr %q", tc.args, r.stdout, r.stderr)
		}
	}
}
