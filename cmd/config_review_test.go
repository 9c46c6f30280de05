package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/graph/graphtest"
)

// writeConfig writes config.yaml in a new private folder, with mode.
func writeConfig(t *testing.T, body string, mode os.FileMode) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return dir, path
}

// A URL's password is never shown by the commands meant to fix it: in the
// value column, the JSON, get, or the warning.
func TestConfigRedactsURLCredentials(t *testing.T) {
	const pw = "Pa55wordXYZ"
	dir, _ := writeConfig(t, "authority-host: https://admin:"+pw+"@login.example\n", 0o600)
	env := map[string]string{"PROVCTL_GRAPH_URL": "https://user:" + pw + "@127.0.0.1:1"}
	for _, args := range [][]string{
		{"config", "list"},
		{"config", "list", "-o", "json"},
		{"config", "list", "--jq", ".[].value"},
		{"config", "get", "graph-url"},
		{"config", "get", "graph-url", "-o", "json"},
		{"config", "get", "authority-host"},
		{"config", "get", "authority-host", "-o", "yaml"},
	} {
		r := configCLI(t, dir, env, args...)
		checkCLI(t, r, ExitOK)
		if strings.Contains(r.stdout+r.stderr, pw) || strings.Contains(r.stdout+r.stderr, "admin") {
			t.Errorf("%v shows the credentials:\n%s\n%s", args, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout, "://xxxxx@") {
			t.Errorf("%v: the value is not shown masked:\n%s", args, r.stdout)
		}
	}
}

// A config file another user can write, or owns, is not read: it could
// send the token anywhere. Nothing is sent, the exit is 1 (the machine
// needs fixing), and the message names the file and the fix.
func TestConfigFileOthersCanWrite(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	const body = "graph-url: https://127.0.0.1:1\n"
	dir, path := writeConfig(t, body, 0o666)
	reg := &graphtest.Registry{}
	r := runCLI(t, false, reg, map[string]string{"PROVCTL_CONFIG_DIR": dir, "PROVCTL_ACCESS_TOKEN": "t0ken"}, "sp", "list")
	checkCLI(t, r, ExitError)
	if !strings.Contains(r.stderr, "config file "+path+" is writable by other users (mode 0666)") || !strings.Contains(r.stderr, "chmod 600 "+path) {
		t.Errorf("stderr %q", r.stderr)
	}
	if n := len(reg.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	for _, args := range [][]string{{"config", "list"}, {"config", "get", "graph-url"}, {"config", "set", "tenant", "contoso.test"}, {"config", "unset", "graph-url"}} {
		r := configCLI(t, dir, nil, args...)
		checkCLI(t, r, ExitError)
		if !strings.Contains(r.stderr, "chmod 600 "+path) || r.stdout != "" {
			t.Errorf("%v: stdout %q stderr %q", args, r.stdout, r.stderr)
		}
	}
	for _, mode := range []os.FileMode{0o620, 0o602} { // group or others alone
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		checkCLI(t, configCLI(t, dir, nil, "config", "list"), ExitError)
	}
	if data, _ := os.ReadFile(path); string(data) != body {
		t.Errorf("changed: %q", data)
	}
	// Readable by others is fine (the user's choice); writable is not.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "list"), ExitOK)

	// A folder others can write: the file in it is still read when it is
	// the user's own, but set does not write there.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	checkCLI(t, configCLI(t, dir, nil, "config", "get", "graph-url"), ExitOK)
	r = configCLI(t, dir, nil, "config", "set", "tenant", "contoso.test")
	checkCLI(t, r, ExitError)
	if !strings.Contains(r.stderr, "the config folder "+dir+" is writable by other users") || !strings.Contains(r.stderr, "chmod 700 "+dir) {
		t.Errorf("stderr %q", r.stderr)
	}
	if data, _ := os.ReadFile(path); string(data) != body {
		t.Errorf("changed: %q", data)
	}
	// Unless its sticky bit keeps others from replacing the user's files (/tmp).
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "tenant", "contoso.test"), ExitOK)
}

// A file of another user is not read, even one only they can write; root's
// is (a managed machine's).
func TestConfigFileOfAnotherUser(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	dir, path := writeConfig(t, "tenant: contoso.test\n", 0o644)
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	r := configCLI(t, dir, nil, "config", "get", "tenant")
	checkCLI(t, r, ExitError)
	if !strings.Contains(r.stderr, "config file "+path+" belongs to another user (uid 4242)") {
		t.Errorf("stderr %q", r.stderr)
	}
	res := (&DoctorOptions{ConfigFile: path}).checkConfigFile(context.Background())
	if len(res) != 1 || res[0].Status != doctor.Failed || !strings.Contains(res[0].Fix, "copy "+path) {
		t.Errorf("doctor: %+v", res)
	}
	if err := os.Chown(path, 0, 0); err != nil {
		t.Fatal(err)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "get", "tenant"), ExitOK)
}

// doctor's config check fails on a file others can write, naming chmod
// 600, and warns of a secret kept in the file without showing it.
func TestDoctorConfigFileTrustAndSecrets(t *testing.T) {
	ctx := context.Background()
	_, path := writeConfig(t, "tenant: contoso.test\n", 0o666)
	res := (&DoctorOptions{ConfigFile: path}).checkConfigFile(ctx)
	if len(res) != 1 || res[0].Status != doctor.Failed || res[0].Fix != "chmod 600 "+path || !strings.Contains(res[0].Detail, "writable by other users") {
		t.Errorf("writable: %+v", res)
	}

	_, path = writeConfig(t, "tenant: contoso.test\nClient-Secret: s3cr3t-value\naccess_token: eyJ0eXAi\noutptu: json\n", 0o600)
	res = (&DoctorOptions{ConfigFile: path}).checkConfigFile(ctx)
	if len(res) != 2 {
		t.Fatalf("results %+v", res)
	}
	if res[0].Status != doctor.Warning || !strings.Contains(res[0].Detail, "Client-Secret, access_token") ||
		!strings.Contains(res[0].Detail, "must not be stored in clear text") || !strings.Contains(res[0].Fix, "rotate the secret") {
		t.Errorf("secrets: %+v", res[0])
	}
	if res[1].Status != doctor.Warning || !strings.Contains(res[1].Detail, "unknown keys outptu") {
		t.Errorf("unknown: %+v", res[1])
	}
	for _, r := range res {
		if strings.Contains(r.Detail+r.Fix, "s3cr3t") || strings.Contains(r.Detail+r.Fix, "eyJ0") {
			t.Errorf("a secret is shown: %+v", r)
		}
	}
}

// A secret in the file gets more than "unknown key": it must go, and be
// replaced. Its value is never shown.
func TestConfigSecretInFile(t *testing.T) {
	dir, _ := writeConfig(t, "client-secret: s3cr3t-value\nclient-certificate: /x.pem\n", 0o600)
	r := configCLI(t, dir, nil, "config", "list")
	checkCLI(t, r, ExitOK)
	for _, want := range []string{"holds client-secret, a secret", "must not be stored in clear text", "provctl config unset client-secret", "rotate the secret", "PROVCTL_CLIENT_SECRET",
		"client-certificate is not read from there", "set PROVCTL_CLIENT_CERTIFICATE instead"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "s3cr3t") {
		t.Error("the secret is shown")
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "unset", "client-secret"), ExitOK)
	r = configCLI(t, dir, nil, "config", "list")
	if strings.Contains(r.stderr, "client-secret") {
		t.Errorf("still warned after unset:\n%s", r.stderr)
	}
}

// A bad output setting does not lock out the commands that fix it: list
// and get print a table and say on stderr where the value came from;
// every other command names the variable or key in its error.
func TestConfigBadOutputSetting(t *testing.T) {
	dir, path := writeConfig(t, "output: xml\ntenant: contoso.test\n", 0o600)
	r := configCLI(t, dir, nil, "config", "list")
	checkCLI(t, r, ExitOK)
	if !strings.Contains(r.stdout, "output\txml\tconfig (invalid)\n") ||
		!strings.Contains(r.stderr, `warning: output in config file `+path+`: unknown output format "xml"`) {
		t.Errorf("list:\n%s\n%s", r.stdout, r.stderr)
	}
	r = configCLI(t, dir, nil, "config", "get", "output")
	checkCLI(t, r, ExitOK)
	if r.stdout != "xml\n" || !strings.Contains(r.stderr, "output in config file "+path) {
		t.Errorf("get: %q %q", r.stdout, r.stderr)
	}
	r = configCLI(t, dir, nil, "config", "get", "output", "-o", "json")
	checkCLI(t, r, ExitOK)
	var e ConfigEntry
	if err := json.Unmarshal([]byte(r.stdout), &e); err != nil || e.Value != "xml" || e.Invalid == "" {
		t.Errorf("get -o json: %v %q", err, r.stdout)
	}
	r = configCLI(t, dir, nil, "sp", "list")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, `error: output in config file `+path+`: unknown output format "xml"`) {
		t.Errorf("sp list: %q", r.stderr)
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "tenant", "fabrikam.test"), ExitOK)
	checkCLI(t, configCLI(t, dir, nil, "config", "unset", "output"), ExitOK)
	if data, _ := os.ReadFile(path); string(data) != "tenant: fabrikam.test\n" {
		t.Errorf("file %q", data)
	}

	env := map[string]string{"PROVCTL_OUTPUT": "xml"}
	r = configCLI(t, dir, env, "config", "list")
	checkCLI(t, r, ExitOK)
	if !strings.Contains(r.stdout, "output\txml\tenv PROVCTL_OUTPUT (invalid)\n") || !strings.Contains(r.stderr, `PROVCTL_OUTPUT: unknown output format "xml"`) {
		t.Errorf("env list:\n%s\n%s", r.stdout, r.stderr)
	}
	r = configCLI(t, dir, env, "sp", "list")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, `error: PROVCTL_OUTPUT: unknown output format "xml"`) {
		t.Errorf("sp list: %q", r.stderr)
	}
	r = configCLI(t, dir, nil, "config", "list", "-o", "xml")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, `--output: unknown output format "xml"`) || r.stdout != "" {
		t.Errorf("list -o xml: %q %q", r.stdout, r.stderr)
	}
}

// -o formats what list and get print; it is not the output setting they
// describe, which a script reads with -o json.
func TestConfigListWithoutOutputFlag(t *testing.T) {
	dir, path := writeConfig(t, "output: yaml\n", 0o600)
	for _, args := range [][]string{{"config", "get", "output", "-o", "json"}, {"config", "get", "output", "--output=json"}} {
		r := configCLI(t, dir, nil, args...)
		checkCLI(t, r, ExitOK)
		var e ConfigEntry
		if err := json.Unmarshal([]byte(r.stdout), &e); err != nil || e.Value != "yaml" || e.Source != "config" || e.From != path {
			t.Errorf("%v: %v %q", args, err, r.stdout)
		}
	}
	r := configCLI(t, dir, map[string]string{"PROVCTL_OUTPUT": "jsonl"}, "config", "list", "-o", "json", "--jq", `.[] | select(.key == "output") | .source + " " + .value`)
	checkCLI(t, r, ExitOK)
	if r.stdout != "env jsonl\n" {
		t.Errorf("list: %q", r.stdout)
	}
	// A flag that is a setting still counts.
	r = configCLI(t, dir, nil, "config", "get", "cloud", "--cloud", "china", "-o", "json")
	checkCLI(t, r, ExitOK)
	if !strings.Contains(r.stdout, `"from": "--cloud"`) {
		t.Errorf("--cloud: %q", r.stdout)
	}
}

// A tenant longer than any domain is refused wherever it comes from,
// without echoing it; a value starting with - gets the way to pass it.
func TestConfigSetBounds(t *testing.T) {
	long := strings.Repeat("a", 5000)
	dir, path := writeConfig(t, "tenant: contoso.test\n", 0o600)
	r := configCLI(t, dir, nil, "config", "set", "tenant", long)
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, "5000 characters long") || strings.Contains(r.stderr, long[:300]) {
		t.Errorf("stderr %q", r.stderr[:min(len(r.stderr), 400)])
	}
	if data, _ := os.ReadFile(path); string(data) != "tenant: contoso.test\n" {
		t.Errorf("changed: %q", data)
	}
	r = configCLI(t, dir, map[string]string{"PROVCTL_TENANT": long}, "sp", "list")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, "PROVCTL_TENANT: invalid tenant: 5000 characters long") {
		t.Errorf("env: %q", r.stderr[:min(len(r.stderr), 400)])
	}
	checkCLI(t, configCLI(t, dir, nil, "config", "set", "tenant", strings.Repeat("a", 253)), ExitOK)

	r = configCLI(t, dir, nil, "config", "set", "command-timeout", "-1s")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, "provctl config set KEY -- VALUE") {
		t.Errorf("stderr %q", r.stderr)
	}
	r = configCLI(t, dir, nil, "config", "set", "command-timeout", "--", "-1s")
	checkCLI(t, r, ExitUsage)
	if !strings.Contains(r.stderr, `invalid command-timeout "-1s": use a positive duration`) {
		t.Errorf("stderr %q", r.stderr)
	}
}
