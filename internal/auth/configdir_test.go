package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFolderOthersCanWriteToIsRefusedOnEveryUse(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	for _, mode := range []os.FileMode{0o770, 0o707, 0o777} {
		if err := os.Chmod(cfg.ConfigDir, mode); err != nil {
			t.Fatal(err)
		}
		_, err := AccessToken(testCtx(t), cfg, nil)
		var unsafe *unsafeDirError
		if !errors.As(err, &unsafe) {
			t.Fatalf("mode %04o: %T %v, want *unsafeDirError", mode, err, err)
		}
		if !strings.Contains(err.Error(), "writable by other users") || !strings.Contains(err.Error(), "chmod 700 "+cfg.ConfigDir) {
			t.Errorf("mode %04o: %v", mode, err)
		}
		if _, err := Status(testCtx(t), cfg); !errors.As(err, &unsafe) {
			t.Errorf("status with mode %04o: %v", mode, err)
		}
		if _, err := Login(testCtx(t), cfg, nil, nil); !errors.As(err, &unsafe) {
			t.Errorf("login with mode %04o: %v", mode, err)
		}
	}
	// Readable by others only: used, as before (login warns).
	_ = os.Chmod(cfg.ConfigDir, 0o755)
	token(t, cfg, false)
	// Logout still works, to get the tokens off a folder found unsafe.
	_ = os.Chmod(cfg.ConfigDir, 0o777)
	if err := Logout(testCtx(t), cfg); err != nil {
		t.Errorf("logout in an unsafe folder: %v", err)
	}
}

func TestLogoutRemovesLeftoverTempFiles(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	data, _ := os.ReadFile(filepath.Join(cfg.ConfigDir, cacheFileName))
	// What interrupted writes leave: copies of the cache (with tokens) and
	// of account.json, named as writeFileAtomic names them.
	leftovers := []string{"." + cacheFileName + ".123456.tmp", "." + cacheFileName + ".987.tmp", "." + accountFileName + ".42.tmp"}
	for _, n := range leftovers {
		if err := os.WriteFile(filepath.Join(cfg.ConfigDir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(cfg.ConfigDir, "config.yaml")
	_ = os.WriteFile(keep, []byte("output: json\n"), 0o600)

	if err := Logout(testCtx(t), cfg); err != nil {
		t.Fatal(err)
	}
	for _, n := range leftovers {
		if _, err := os.Stat(filepath.Join(cfg.ConfigDir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived logout", n)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("logout removed config.yaml")
	}
	// Only leftovers: no cache file at all.
	_ = os.Remove(filepath.Join(cfg.ConfigDir, cacheFileName))
	tmp := filepath.Join(cfg.ConfigDir, "."+cacheFileName+".555.tmp")
	_ = os.WriteFile(tmp, data, 0o600)
	if err := Logout(testCtx(t), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Error("a leftover survived logout when there was no cache file")
	}
}

func TestEmptyCacheFileIsUnreadableNotExpired(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	var warns warnings
	cfg := fa.config(t, nil)
	cfg.Warn = warns.add
	login(t, cfg)
	path := filepath.Join(cfg.ConfigDir, cacheFileName)
	for _, content := range []string{"", "\n  \n"} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := AccessToken(testCtx(t), cfg, nil)
		wantAuthError(t, err, "token cache at "+path+" is unreadable (empty)", "provctl login")
		if strings.Contains(err.Error(), "expired") {
			t.Errorf("an empty cache reads as an expired sign-in: %v", err)
		}
	}
	if !strings.Contains(warns.String(), "empty") {
		t.Errorf("warnings %q", warns.String())
	}
	login(t, cfg)
	token(t, cfg, false)
}
