package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/viper"
)

// Edits at once all land: each reads, edits and renames under the file's
// lock, so none writes back a file that lacks another's key.
func TestSetAndRemoveConfigKeyConcurrently(t *testing.T) {
	keys := []string{"tenant", "client-id", "api-version", "command-timeout", "heartbeat", "skipped-ok", "resolve-cache-ttl", "managed-identity"}
	values := map[string]string{"tenant": "contoso.test", "client-id": "abc", "api-version": "v1.0", "command-timeout": "5m",
		"heartbeat": "10s", "skipped-ok": "true", "resolve-cache-ttl": "1h", "managed-identity": "system"}
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte("# mine\noutput: json\ncloud: global\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(keys))
		for _, k := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- setConfigKey(path, k, values[k])
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := removeConfigKey(path, "cloud")
			errs <- err
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		v := viper.New()
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if got := v.GetString(k); got != values[k] {
				data, _ := os.ReadFile(path)
				t.Fatalf("round %d: %s is %q, want %q: an edit was lost\n%s", round, k, got, values[k], data)
			}
		}
		if v.IsSet("cloud") || v.GetString("output") != "json" {
			t.Errorf("round %d: cloud %v, output %q", round, v.IsSet("cloud"), v.GetString("output"))
		}
		if st, err := os.Stat(path + ".lock"); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("lock file: %v %v", st, err)
		}
	}
}

// Keys are found in any case, as viper reads them; set writes its own.
func TestSetAndRemoveConfigKeyAnyCase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("# x\nOutput: json\ntenant: contoso.test\n")
	if removed, err := removeConfigKey(path, "output"); err != nil || !removed {
		t.Fatalf("remove Output: %v %v", removed, err)
	}
	if data, _ := os.ReadFile(path); string(data) != "# x\ntenant: contoso.test\n" {
		t.Errorf("after removing Output: %q", data)
	}
	write("OUTPUT: json   # CI\ntenant: contoso.test\n")
	if err := setConfigKey(path, "output", "yaml"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "output: yaml   # CI\ntenant: contoso.test\n" {
		t.Errorf("after setting output over OUTPUT: %q", data)
	}
	if has, err := configFileHasKey(path, "TENANT"); err != nil || !has {
		t.Errorf("has TENANT: %v %v", has, err)
	}
}

// A CRLF file stays CRLF: the edited line and a new one alike.
func TestSetAndRemoveConfigKeyCRLF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("# mine\r\ntenant: contoso.test  # emulator\r\noutput: json\r\ncloud: global"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"tenant", "fabrikam.test"}, {"heartbeat", "10s"}} {
		if err := setConfigKey(path, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := removeConfigKey(path, "output"); err != nil {
		t.Fatal(err)
	}
	want := "# mine\r\ntenant: fabrikam.test  # emulator\r\ncloud: global\r\nheartbeat: 10s\r\n"
	if data, _ := os.ReadFile(path); string(data) != want {
		t.Errorf("edited %q\nwant   %q", data, want)
	}
}

// A symbolic link (a dotfiles manager's) stays a link; the file it points
// to is edited, in its own folder, or created when the link dangles.
func TestSetAndRemoveConfigKeyThroughSymlink(t *testing.T) {
	root := t.TempDir()
	dotfiles, conf := filepath.Join(root, "dotfiles"), filepath.Join(root, "config")
	for _, d := range []string{dotfiles, conf} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	target, link := filepath.Join(dotfiles, "provctl.yaml"), filepath.Join(conf, "config.yaml")
	if err := os.WriteFile(target, []byte("tenant: contoso.test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../dotfiles/provctl.yaml", link); err != nil {
		t.Fatal(err)
	}
	if err := setConfigKey(link, "output", "json"); err != nil {
		t.Fatal(err)
	}
	if removed, err := removeConfigKey(link, "tenant"); err != nil || !removed {
		t.Fatalf("remove through the link: %v %v", removed, err)
	}
	checkLink := func(want string) {
		t.Helper()
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the link was replaced: %v %v", fi, err)
		}
		if data, _ := os.ReadFile(target); string(data) != want {
			t.Errorf("target %q, want %q", data, want)
		}
	}
	checkLink("output: json\n")
	if entries, _ := os.ReadDir(dotfiles); len(entries) != 1 {
		t.Errorf("left in the target's folder: %v", entries)
	}

	// A dangling link: the file it names is created.
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	if err := setConfigKey(link, "tenant", "fabrikam.test"); err != nil {
		t.Fatal(err)
	}
	checkLink("tenant: fabrikam.test\n")
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o600 {
		t.Errorf("created %v", st.Mode().Perm())
	}

	// The target is checked as the file read: one others can write is refused.
	if err := os.Chmod(target, 0o666); err != nil {
		t.Fatal(err)
	}
	err := setConfigKey(link, "tenant", "contoso.test")
	if err == nil || !strings.Contains(err.Error(), "chmod 600 "+target) {
		t.Errorf("set through a link to a file others can write: %v", err)
	}
	if data, _ := os.ReadFile(target); string(data) != "tenant: fabrikam.test\n" {
		t.Errorf("changed: %q", data)
	}
}

// A loop of links is an error, not a hang.
func TestSetAndRemoveConfigKeyLinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	if err := os.Symlink(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, b); err != nil {
		t.Fatal(err)
	}
	if err := setConfigKey(a, "tenant", "contoso.test"); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("a loop of links: %v", err)
	}
}
