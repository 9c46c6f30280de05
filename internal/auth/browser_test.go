package auth

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// browserScript writes an executable that records its arguments in a file
// and prints a line on stdout, exiting with code.
func browserScript(t *testing.T, dir, name string, code int) (path, record string) {
	t.Helper()
	path = filepath.Join(dir, name)
	record = path + ".args"
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + record + "'\necho browser-output\nexit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path, record
}

func TestBrowserArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		entry string
		want  []string
	}{
		{"firefox", []string{"firefox", "U"}},
		{"  open -a Safari ", []string{"open", "-a", "Safari", "U"}},
		{"chrome --new-window %s --flag", []string{"chrome", "--new-window", "U", "--flag"}},
		{"   ", nil},
	} {
		if got := browserArgs(tc.entry, "U"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("browserArgs(%q) = %q, want %q", tc.entry, got, tc.want)
		}
	}
}

func TestOpenBrowserHonoursBROWSER(t *testing.T) {
	dir := t.TempDir()
	ok, okArgs := browserScript(t, dir, "ok-browser", 0)
	bad, _ := browserScript(t, dir, "bad-browser", 3)
	const u = "https://127.0.0.1:1/t/oauth2/v2.0/authorize?client_id=x&state=y"
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "BROWSER" {
				return v
			}
			return ""
		}
	}
	var out bytes.Buffer
	// %s placement, and the browser's output goes to out.
	if err := OpenBrowser(env(ok+" --new-window %s"), nil, &out)(u); err != nil {
		t.Fatalf("open: %v", err)
	}
	if got, _ := os.ReadFile(okArgs); string(got) != "--new-window\n"+u+"\n" {
		t.Errorf("args %q", got)
	}
	if out.String() != "browser-output\n" {
		t.Errorf("browser output %q", out.String())
	}
	// A list: the first that starts and succeeds wins.
	os.Remove(okArgs)
	if err := OpenBrowser(env(filepath.Join(dir, "missing")+":"+bad+":"+ok), nil, nil)(u); err != nil {
		t.Fatalf("open list: %v", err)
	}
	if got, _ := os.ReadFile(okArgs); string(got) != u+"\n" {
		t.Errorf("args %q", got)
	}
	// All fail: every command is named, the URL never is.
	err := OpenBrowser(env(filepath.Join(dir, "missing")+":"+bad), nil, nil)(u)
	if err == nil || !strings.Contains(err.Error(), "missing") || !strings.Contains(err.Error(), "exit status 3") || strings.Contains(err.Error(), "state=y") {
		t.Errorf("error %v", err)
	}
	if err := OpenBrowser(env(" : "), nil, nil)(u); err == nil {
		t.Error("a BROWSER of blanks opened something")
	}
}

func TestOpenBrowserLeavesARunningBrowser(t *testing.T) {
	saved := browserGrace
	browserGrace = 50 * time.Millisecond
	t.Cleanup(func() { browserGrace = saved })
	began := time.Now()
	err := OpenBrowser(func(string) string { return "sleep" }, nil, nil)("1")
	if err != nil || time.Since(began) > 900*time.Millisecond {
		t.Errorf("a browser still running after the grace: %v after %s", err, time.Since(began))
	}
}
