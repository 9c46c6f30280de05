package auth

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSignalHelper is a one-command provctl for TestSignalDuringRefresh:
// a token on a context that Ctrl-C, SIGTERM or SIGHUP end (as cmd sets it up) and
// provctl's exit codes.
func TestSignalHelper(t *testing.T) {
	if os.Getenv("PROVCTL_SIGNAL_HELPER") != "1" {
		t.Skip("helper for TestSignalDuringRefresh")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	pool := x509.NewCertPool()
	caPEM, _ := os.ReadFile(os.Getenv("PROVCTL_CA_FILE"))
	pool.AppendCertsFromPEM(caPEM)
	cfg := Config{
		Tenant:        "contoso",
		AuthorityHost: os.Getenv("PROVCTL_AUTHORITY_HOST"),
		GraphURL:      fakeGraphURL,
		ConfigDir:     os.Getenv("PROVCTL_CONFIG_DIR"),
		HTTPClient:    &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
		Warn:          func(msg string) { fmt.Fprintln(os.Stderr, "warning:", msg) },
	}
	_, err := AccessToken(ctx, cfg, nil)
	var ae *Error
	switch {
	case err == nil:
		os.Exit(0)
	case errors.Is(err, context.Canceled):
		os.Exit(130)
	case errors.As(err, &ae):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// TestSignalDuringRefresh sends SIGINT and SIGTERM to a process at the
// worst moment of its silent refresh: the authority has redeemed (and
// retired) the refresh token and its answer is on the way. The process
// must exit 130 with the new refresh token saved, so the next one still
// signs in silently. (testdata/script/auth_signal.txtar does the same
// with provctl against the emulator, at random points.)
func TestSignalDuringRefresh(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	fa := newFakeAuthority(t)
	fa.set(func(fa *fakeAuthority) { fa.expiresIn = 60 }) // never cached: every call redeems
	cfg := fa.config(t, nil)
	login(t, cfg)
	redeemed := make(chan struct{}, 1)
	fa.set(func(fa *fakeAuthority) { fa.rotate, fa.answerDelay, fa.redeemed = true, 100*time.Millisecond, redeemed })
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fa.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(sig os.Signal) (int, string) {
		c := exec.Command(os.Args[0], "-test.run=^TestSignalHelper$", "-test.count=1")
		var stderr bytes.Buffer
		c.Stderr = &stderr
		c.Env = append(os.Environ(), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0", // no 1 s pause at exit under -race
			"PROVCTL_SIGNAL_HELPER=1", "PROVCTL_CA_FILE="+caFile,
			"PROVCTL_AUTHORITY_HOST="+fa.srv.URL, "PROVCTL_CONFIG_DIR="+cfg.ConfigDir)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		var err error
		select {
		case <-redeemed:
			if sig != nil {
				_ = c.Process.Signal(sig)
			}
			err = <-done
		case err = <-done: // ended before redeeming: the exit code tells why
		case <-time.After(20 * time.Second):
			_ = c.Process.Kill()
			t.Fatalf("no refresh within 20s\n%s", stderr.String())
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), stderr.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, stderr.String()
	}
	const rounds = 6
	for i := range rounds {
		sig := os.Signal(syscall.SIGINT)
		if i%2 == 1 {
			sig = syscall.SIGTERM
		}
		if code, stderr := run(sig); code != 130 {
			t.Fatalf("round %d (%s): exit %d, want 130\n%s", i, sig, code, stderr)
		}
	}
	if code, stderr := run(nil); code != 0 {
		t.Fatalf("after %d interrupted refreshes: exit %d, want 0 (signed in silently)\n%s", rounds, code, stderr)
	}
	if got := fa.count("refresh_token"); got != rounds+1 {
		t.Errorf("%d refresh grants, want %d (one per process)", got, rounds+1)
	}
}
