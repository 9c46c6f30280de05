package cmd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

// configCLI runs provctl in-process with the config folder dir and env.
func configCLI(t *testing.T, dir string, env map[string]string, args ...string) cliResult {
	t.Helper()
	vars := map[string]string{"PROVCTL_CONFIG_DIR": dir}
	for k, v := range env {
		vars[k] = v
	}
	return runCLI(t, false, &graphtest.Registry{}, vars, args...)
}

// The keys, their variables, their values in effect and the
// environment-only names all come from the same tables: none may drift.
func TestConfigKeysInStep(t *testing.T) {
	for key := range settingKeys {
		if settingValues[key] == nil {
			t.Errorf("settingValues has no %s: config list cannot show it", key)
		}
	}
	for key := range settingValues {
		if _, ok := settingKeys[key]; !ok {
			t.Errorf("settingValues has %s, which is not a setting", key)
		}
	}
	facts := map[string]EnvVarFact{}
	for _, f := range EnvVarFacts() {
		for _, n := range f.Names {
			facts[n] = f
		}
	}
	for key, env := range settingKeys {
		if f, ok := facts[env]; !ok || f.Key != key {
			t.Errorf("%s (%s): the environment table says key %q", key, env, f.Key)
		}
	}
	for key, e := range envOnlySettings {
		if _, ok := settingKeys[key]; ok {
			t.Errorf("%s is both a config key and environment-only", key)
		}
		if f, ok := facts[e.Env]; !ok || f.Key != "" {
			t.Errorf("%s: %s is not an environment-only variable of the environment table", key, e.Env)
		}
	}
}

// A bad key or value exits 2, names what to do, and leaves the file as it
// was, byte for byte and mode for mode.
func TestConfigSetRejects(t *testing.T) {
	const orig = "# my settings\ntenant: contoso.test   # the emulator's\n\noutput: json\n"
	for _, tc := range []struct {
		key, value string
		want       string
	}{
		{"tenent", "contoso.test", `unknown setting "tenent"; did you mean tenant?`},
		{"PROVCTL_COMMAND_TIMEOUT", "5m", "did you mean command-timeout?"},
		{"timeout", "5m", "did you mean command-timeout?"},
		{"colour", "never", `unknown setting "colour"`},
		{"client-secret", "s3cr3t-value", "it is a secret"},
		{"access-token", "eyJx", "set PROVCTL_ACCESS_TOKEN instead"},
		{"config-dir", "/x", "says where the config file is"},
		{"command-timeout", "5x", `invalid command-timeout "5x": use a positive duration`},
		{"command-timeout", "-- -1m", "positive duration"},
		{"api-version", "v2", "use beta or v1.0"},
		{"cloud", "mars", "mars"},
		{"graph-url", "http://graph.example", "must use https"},
		{"authority-host", "https://login.example:99999", "invalid port"},
		{"tenant", "a/b", "invalid tenant"},
		{"output", "xml", `unknown output format "xml"`},
		{"on-demand-rate", "5", "N/DURATION"},
		{"heartbeat", "2h", "from 1s to 1h"},
		{"skipped-ok", "maybe", "use true or false"},
		{"resolve-cache-ttl", "-- -1h", "0 to turn the cache off"},
		{"managed-identity", "nope", "is not a managed identity"},
		{"ca-file", "no-such-ca.pem", "no such file"},
		{"tenant", "", "config unset tenant"},
	} {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "config.yaml")
			if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o640); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"config", "set", tc.key}, strings.Fields(tc.value)...)
			if tc.value == "" {
				args = append(args, "")
			}
			r := configCLI(t, dir, nil, args...)
			checkCLI(t, r, ExitUsage)
			if !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Errorf("stdout %q stderr %q, want %q", r.stdout, r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "s3cr3t-value") {
				t.Errorf("the secret was echoed: %q", r.stderr)
			}
			data, _ := os.ReadFile(path)
			st, _ := os.Stat(path)
			if string(data) != orig || st.Mode().Perm() != 0o640 {
				t.Errorf("file changed: %q mode %v", data, st.Mode().Perm())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("files left in the folder: %v", entries)
			}
		})
	}
}

// set keeps the user's comments, order and mode; a new file is 0600 in a
// 0700 folder; a value YAML would read otherwise is quoted; a relative
// ca-file is made absolute.
func TestConfigSetEdits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "provctl")
	path := filepath.Join(dir, "config.yaml")
	r := configCLI(t, dir, nil, "config", "set", "command-timeout", "5m")
	checkCLI(t, r, ExitOK)
	if data, _ := os.ReadFile(path); string(data) != "command-timeout: 5m\n" {
		t.Errorf("new file %q", data)
	}
	if !strings.Contains(r.stderr, "Set command-timeout to 5m in "+path) || r.stdout != "" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, want mode %04o", p, err, want)
		}
	}

	orig := "# provctl\ntenant: contoso.test  # the emulator's\n\n# slower CI\ncommand-timeout: 5m\noutput: json\n"
	if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "command-timeout", "90s"), ExitOK)
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "client-id", "01234567-89ab-4cde-8f01-23456789abcd"), ExitOK)
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "tenant", "fabrikam.test"), ExitOK)
	want := "# provctl\ntenant: fabrikam.test  # the emulator's\n\n# slower CI\ncommand-timeout: 90s\noutput: json\nclient-id: 01234567-89ab-4cde-8f01-23456789abcd\n"
	if data, _ := os.ReadFile(path); string(data) != want {
		t.Errorf("edited:\n%s\nwant:\n%s", data, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	r = configCLI(t, dir, nil, "config", "get", "client-id")
	checkCLI(t, r, ExitOK)
	if r.stdout != "01234567-89ab-4cde-8f01-23456789abcd\n" {
		t.Errorf("get client-id: %q", r.stdout)
	}
	// A client id is an application (client) id: a GUID, checked as
	// every setting is, so a bad one changes nothing.
	before, _ := os.ReadFile(path)
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "client-id", "notaguid"), ExitUsage)
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a bad client id changed the file:\n%s", after)
	}

	ca := writeTestCA(t, filepath.Join(t.TempDir(), "ca.pem"))
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	if err := os.Chdir(filepath.Dir(ca)); err != nil {
		t.Fatal(err)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "ca-file", "ca.pem"), ExitOK)
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "\nca-file: "+ca+"\n") {
		t.Errorf("ca-file not made absolute:\n%s", data)
	}
	// What set wrote works for every command.
	r = configCLI(t, dir, nil, "version")
	checkCLI(t, r, ExitOK)
	var v VersionInfo
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Version == "" {
		t.Errorf("version with output: json from the file: %v\n%s", err, r.stdout)
	}
}

// A folder that cannot be written fails with exit 1, naming the file, and
// leaves nothing behind.
func TestConfigSetUnwritable(t *testing.T) {
	t.Run("parent is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "not-a-folder")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(file, "provctl")
		r := configCLI(t, dir, nil, "config", "set", "tenant", "contoso.test")
		checkCLI(t, r, ExitError)
		if !strings.Contains(r.stderr, "config file "+filepath.Join(dir, "config.yaml")) {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	t.Run("read-only folder", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("the folder's mode does not stop this user")
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte("tenant: contoso.test\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		r := configCLI(t, dir, nil, "config", "set", "tenant", "fabrikam.test")
		checkCLI(t, r, ExitError)
		if !strings.Contains(r.stderr, "permission denied") {
			t.Errorf("stderr %q", r.stderr)
		}
		if data, _ := os.ReadFile(path); string(data) != "tenant: contoso.test\n" {
			t.Errorf("file changed: %q", data)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("files left: %v", entries)
		}
	})
}

// list shows every setting with its value in effect and its source: a flag
// over a variable over the file over the default. An invalid value is shown
// as set and named on stderr, and the others still resolve.
func TestConfigList(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	file := "tenant: from-file.test\napi-version: v1.0\ncommand-timeout: soon\ncloud: usgov\noutptu: json\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PROVCTL_TENANT": "from-env.test", "PROVCTL_HEARTBEAT": "10s", "PROVCTL_CLIENT_SECRET": "s3cr3t-value"}
	r := configCLI(t, dir, env, "config", "list", "-o", "json", "--api-version", "beta")
	checkCLI(t, r, ExitOK)
	var entries []ConfigEntry
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	got := map[string]ConfigEntry{}
	var keys []string
	for _, e := range entries {
		got[e.Key] = e
		keys = append(keys, e.Key)
	}
	if !slices.Equal(keys, configKeys()) {
		t.Errorf("keys %v, want %v", keys, configKeys())
	}
	for key, want := range map[string]ConfigEntry{
		"tenant":          {Value: "from-env.test", Source: "env", From: "PROVCTL_TENANT"},
		"api-version":     {Value: "beta", Source: "flag", From: "--api-version"},
		"cloud":           {Value: "usgov", Source: "config", From: path},
		"graph-url":       {Value: "https://graph.microsoft.us", Source: "default"},
		"heartbeat":       {Value: "10s", Source: "env", From: "PROVCTL_HEARTBEAT"},
		"output":          {Value: "table", Source: "default"}, // -o formats the list; it is not the setting
		"command-timeout": {Value: "soon", Source: "config", From: path},
		"skipped-ok":      {Value: "false", Source: "default"},
	} {
		e := got[key]
		if e.Value != want.Value || e.Source != want.Source || e.From != want.From || e.Variable != settingKeys[key] {
			t.Errorf("%s: %+v, want %+v", key, e, want)
		}
	}
	if inv := got["command-timeout"].Invalid; !strings.Contains(inv, "command-timeout in config file "+path) {
		t.Errorf("command-timeout invalid: %q", inv)
	}
	if got["tenant"].Invalid != "" {
		t.Errorf("tenant marked invalid: %+v", got["tenant"])
	}
	if !strings.Contains(r.stderr, `warning: invalid command-timeout in config file `+path+` "soon"`) ||
		strings.Count(r.stderr, `unknown key "outptu"`) != 1 {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cr3t-value") {
		t.Error("a secret was shown")
	}

	// The table: one row per setting; where it came from.
	r = configCLI(t, dir, env, "config", "list")
	checkCLI(t, r, ExitOK)
	for _, want := range []string{"KEY\tVALUE\tSOURCE\n", "tenant\tfrom-env.test\tenv PROVCTL_TENANT\n", "cloud\tusgov\tconfig\n",
		"command-timeout\tsoon\tconfig (invalid)\n", "graph-url\thttps://graph.microsoft.us\tdefault\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "Config file: "+path+"\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	// The output setting still applies when another setting is invalid.
	r = configCLI(t, dir, map[string]string{"PROVCTL_OUTPUT": "json"}, "config", "list")
	checkCLI(t, r, ExitOK)
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != len(settingKeys) {
		t.Errorf("PROVCTL_OUTPUT=json: %v\n%s", err, r.stdout)
	}
	// Every other command refuses the invalid value.
	checkCLI(t, configCLI(t, dir, env, "sp", "list"), ExitUsage)
}

// get prints the value alone; unknown and environment-only keys exit 2.
func TestConfigGet(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("resolve-cache-ttl: 1h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		out  string
	}{
		{[]string{"resolve-cache-ttl"}, nil, "1h\n"},
		{[]string{"tenant"}, nil, "organizations\n"},
		{[]string{"tenant"}, map[string]string{"PROVCTL_TENANT": "contoso.test"}, "contoso.test\n"},
		{[]string{"ca-file"}, nil, "\n"},
		{[]string{"cloud", "--cloud", "china"}, nil, "china\n"},
		{[]string{"authority-host", "--cloud", "china"}, nil, "https://login.chinacloudapi.cn\n"},
		{[]string{"resolve-cache-ttl", "--jq", ".source"}, nil, "config\n"},
	} {
		r := configCLI(t, dir, tc.env, append([]string{"config", "get"}, tc.args...)...)
		checkCLI(t, r, ExitOK)
		if r.stdout != tc.out {
			t.Errorf("get %v: %q, want %q", tc.args, r.stdout, tc.out)
		}
	}
	for _, key := range []string{"tenent", "client-secret", "nope"} {
		r := configCLI(t, dir, nil, "config", "get", key)
		checkCLI(t, r, ExitUsage)
		if r.stdout != "" {
			t.Errorf("get %s: stdout %q", key, r.stdout)
		}
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "get"), ExitUsage)
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "tenant"), ExitUsage)
}

// unset removes a key and the lines of its value; a key the file does not
// hold removes nothing; an unknown key is removed only if the file has it.
func TestConfigUnset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	orig := "# top\ntenant: contoso.test\noutptu:\n  nested: 1\n  more: 2\n# kept\noutput: json\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	r := configCLI(t, dir, map[string]string{"PROVCTL_TENANT": "x.test"}, "config", "unset", "tenant")
	checkCLI(t, r, ExitOK)
	if !strings.Contains(r.stderr, "Removed tenant from "+path) || !strings.Contains(r.stderr, "PROVCTL_TENANT is set and wins") {
		t.Errorf("stderr %q", r.stderr)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "unset", "outptu"), ExitOK)
	if data, _ := os.ReadFile(path); string(data) != "# top\n# kept\noutput: json\n" {
		t.Errorf("after unset: %q", data)
	}
	r = configCLI(t, dir, nil, "config", "unset", "tenant")
	checkCLI(t, r, ExitOK)
	if !strings.Contains(r.stderr, "nothing to remove") {
		t.Errorf("stderr %q", r.stderr)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "unset", "outptu"), ExitUsage)
	if data, _ := os.ReadFile(path); string(data) != "# top\n# kept\noutput: json\n" {
		t.Errorf("changed by refused unsets: %q", data)
	}
}

// writeTestCA writes a self-signed CA certificate as PEM to path.
func writeTestCA(t *testing.T, path string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "provctl test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigKeyCompletion(t *testing.T) {
	r := configCLI(t, t.TempDir(), nil, "__complete", "config", "set", "re")
	checkCLI(t, r, ExitOK)
	if !strings.HasPrefix(r.stdout, "resolve-cache-ttl\n:4\n") {
		t.Errorf("completion: %q", r.stdout)
	}
	r = configCLI(t, t.TempDir(), nil, "__complete", "config", "set", "tenant", "")
	if !strings.HasPrefix(r.stdout, ":4\n") {
		t.Errorf("no key for VALUE: %q", r.stdout)
	}
}

func TestYAMLScalar(t *testing.T) {
	for value, want := range map[string]string{
		"contoso.test": "contoso.test",
		"5m":           "5m",
		"true":         "true",
		"5/10s":        "5/10s",
		"0123":         `"0123"`,
		"a # b":        `"a # b"`,
		"null":         `"null"`,
		"x: y":         `"x: y"`,
		`C:\ca.pem`:    `C:\ca.pem`,
	} {
		if got := yamlScalar(value); got != want {
			t.Errorf("yamlScalar(%q) = %s, want %s", value, got, want)
		}
	}
}
