package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// readOnly fails like a write to a read-only folder.
func readOnly(path string) error { return &fs.PathError{Op: "open", Path: path, Err: syscall.EROFS} }

func TestReadOnlyFolderStopsBeforeRedeeming(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.expiresIn = 60 }) // never cached: every call redeems
	cfg := fa.config(t, nil)
	login(t, cfg)
	fa.set(func(fa *fakeAuthority) { fa.rotate = true })

	ro := cfg
	ro.files = &fileHooks{probe: readOnly, write: func(p string, _ []byte) error { return readOnly(p) }}
	_, err := AccessToken(testCtx(t), ro, nil)
	var nw *notWritableError
	var ae *Error
	if !errors.As(err, &nw) || errors.As(err, &ae) {
		t.Fatalf("read-only folder: %T %v; want *notWritableError (exit 1), not an auth error", err, err)
	}
	for _, want := range []string{"not writable", "read-only file system", "chmod 700 " + cfg.ConfigDir, "nothing was redeemed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "cannot reach the authority") {
		t.Errorf("a local write problem blamed on the authority: %v", err)
	}
	if got := fa.count("refresh_token"); got != 0 {
		t.Errorf("%d refresh grants: the refresh token was redeemed although the answer could not be saved", got)
	}
	// Once the folder is writable again, the sign-in on disk still works.
	token(t, cfg, false)
}

func TestFailedCacheWriteKeepsTheTokenForThisProcess(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.expiresIn = 60 })
	var warns warnings
	cfg := fa.config(t, nil)
	cfg.Warn = warns.add
	login(t, cfg)
	fa.set(func(fa *fakeAuthority) { fa.rotate = true })
	before, _ := os.ReadFile(filepath.Join(cfg.ConfigDir, cacheFileName))

	// The folder looked writable, but the write fails anyway (disk full,
	// a race): the redeemed token is used, with a warning.
	broken := cfg
	broken.files = &fileHooks{write: func(p string, _ []byte) error { return &fs.PathError{Op: "write", Path: p, Err: syscall.ENOSPC} }}
	src, err := NewTokenSource(broken, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := src.Token(testCtx(t), false)
	if err != nil || first == "" {
		t.Fatalf("Token = %q, %v; want the redeemed token despite the failed save", first, err)
	}
	w := warns.String()
	for _, want := range []string{"could not save the refreshed sign-in", "no space left on device", "chmod 700"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	if strings.Contains(w, first) {
		t.Error("the warning holds the token")
	}
	// The same process goes on with the unsaved, rotated refresh token.
	second, err := src.Token(testCtx(t), true)
	if err != nil || second == first {
		t.Fatalf("second Token = %v (same %v); want a new token from the unsaved refresh token", err, second == first)
	}
	if strings.Count(warns.String(), "could not save") != 1 {
		t.Errorf("warned more than once: %q", warns.String())
	}
	after, _ := os.ReadFile(filepath.Join(cfg.ConfigDir, cacheFileName))
	if string(after) != string(before) {
		t.Error("the cache file changed although writes fail")
	}
}

func TestLoginIntoReadOnlyFolder(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	cfg.files = &fileHooks{probe: readOnly}
	_, err := Login(testCtx(t), cfg, nil, func(DeviceCode) { t.Error("a code was shown for a sign-in that cannot be saved") })
	if err == nil || !strings.Contains(err.Error(), "not writable") || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("login into a read-only folder: %v", err)
	}
	if fa.count("devicecode") != 0 {
		t.Error("a device code was requested")
	}

	// Writable by the look of it, but the save fails: login says so.
	cfg = fa.config(t, nil)
	cfg.files = &fileHooks{write: func(p string, _ []byte) error { return readOnly(p) }}
	_, err = Login(testCtx(t), cfg, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "could not be saved") {
		t.Errorf("login whose save fails: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.ConfigDir, accountFileName)); err == nil {
		t.Error("an unsaved login remembered an account")
	}
}

func TestFileErrorsAreNotNetworkErrors(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("writing the token cache: %w", &fs.PathError{Op: "open", Path: "/x/.msal_token_cache.json.1.tmp", Err: syscall.EROFS})
	got := publicError(context.Background(), err)
	if strings.Contains(got.Error(), "cannot reach the authority") || !strings.Contains(got.Error(), "token cache") {
		t.Errorf("publicError = %v", got)
	}
	if got := loginError(context.Background(), err, true); strings.Contains(got.Error(), "cannot reach the authority") {
		t.Errorf("loginError = %v", got)
	}
	// A real network failure still is one.
	netErr := &url.Error{Op: "Post", URL: "https://login.example/token", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	if got := publicError(context.Background(), netErr); !strings.Contains(got.Error(), "cannot reach the authority") {
		t.Errorf("network failure: %v", got)
	}
}
