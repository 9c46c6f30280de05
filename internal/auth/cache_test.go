package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/gofrs/flock"
)

// hammer gets a forced-refresh token n times, each time as a new client
// (like a new process), so every round reads, redeems and writes the cache.
func hammer(ctx context.Context, cfg Config, n int) error {
	for i := 0; i < n; i++ {
		src, err := NewTokenSource(cfg, nil)
		if err != nil {
			return err
		}
		if _, err := src.Token(ctx, i%2 == 1); err != nil {
			return fmt.Errorf("round %d: %w", i, err)
		}
	}
	return nil
}

func TestConcurrentGoroutinesShareTheCache(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- hammer(ctx, cfg, 6)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	cacheDoc(t, cfg)
	token(t, cfg, false)
	leftovers, _ := filepath.Glob(filepath.Join(cfg.ConfigDir, ".*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temp files left: %q", leftovers)
	}
}

// TestHelperProcess is the child of TestConcurrentProcessesShareTheCache.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("PROVCTL_AUTH_HELPER") != "1" {
		t.Skip("helper for TestConcurrentProcessesShareTheCache")
	}
	caPEM, err := os.ReadFile(os.Getenv("PROVCTL_AUTH_HELPER_CA"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	cfg := Config{
		Tenant:        "contoso",
		AuthorityHost: os.Getenv("PROVCTL_AUTH_HELPER_URL"),
		GraphURL:      fakeGraphURL,
		ConfigDir:     os.Getenv("PROVCTL_AUTH_HELPER_DIR"),
		HTTPClient:    &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	}
	if err := hammer(testCtx(t), cfg, 6); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentProcessesShareTheCache(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fa.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([]string, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "PROVCTL_AUTH_HELPER=1", "PROVCTL_AUTH_HELPER_CA="+caFile,
				"PROVCTL_AUTH_HELPER_URL="+fa.srv.URL, "PROVCTL_AUTH_HELPER_DIR="+cfg.ConfigDir)
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range 10 {
		if errs[i] != nil {
			t.Errorf("process %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	if got := fa.count("refresh_token"); got < 10 {
		t.Errorf("only %d refresh grants: the processes did not hammer", got)
	}
	cacheDoc(t, cfg)
	token(t, cfg, false)
}

func TestLockTimeoutDoesNotHang(t *testing.T) {
	// Not parallel: changes lockTimeout.
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	old := lockTimeout
	lockTimeout = 200 * time.Millisecond
	defer func() { lockTimeout = old }()

	held := flock.New(filepath.Join(cfg.ConfigDir, cacheFileName+".lock"))
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = held.Unlock() }()
	start := time.Now()
	_, err := AccessToken(testCtx(t), cfg, nil)
	var ae *Error
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "locked by another provctl process") {
		t.Errorf("locked cache: %T %v", err, err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("waited %s", d)
	}
}

func TestEvictorFilter(t *testing.T) {
	t.Parallel()
	doc := `{"AccessToken":{"a":{"secret":"one","target":"x"},"b":{"secret":"two"}},"RefreshToken":{"r":{"secret":"rt"}}}`
	var e evictor
	if got := string(e.filter([]byte(doc))); got != doc {
		t.Errorf("inactive filter changed data: %s", got)
	}
	restore := e.evict("one")
	got := string(e.filter([]byte(doc)))
	if strings.Contains(got, `"one"`) || !strings.Contains(got, `"two"`) || !strings.Contains(got, `"rt"`) {
		t.Errorf("evict one: %s", got)
	}
	restore()
	defer e.evict("")()
	got = string(e.filter([]byte(doc)))
	if strings.Contains(got, `"one"`) || strings.Contains(got, `"two"`) || !strings.Contains(got, `"rt"`) {
		t.Errorf("evict all: %s", got)
	}
	if got := string(e.filter([]byte("{bad"))); got != "{bad" {
		t.Errorf("bad JSON changed: %s", got)
	}
}

// rawMarshaler hands fixed bytes to Export.
type rawMarshaler []byte

func (r rawMarshaler) Marshal() ([]byte, error) { return r, nil }

func TestExportSkipsUnchangedContent(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	path := filepath.Join(cfg.ConfigDir, cacheFileName)
	data, _ := os.ReadFile(path)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	_ = os.Chtimes(path, old, old)
	fc := newFileCache(cfg)
	if err := fc.Export(testCtx(t), rawMarshaler(data), cache.ExportHints{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); !st.ModTime().Equal(old) {
		t.Errorf("unchanged cache rewritten (mtime %s)", st.ModTime())
	}
	if err := fc.Export(testCtx(t), rawMarshaler(`{}`), cache.ExportHints{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.ModTime().Equal(old) {
		t.Error("changed cache not written")
	}
}
