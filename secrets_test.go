package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/emulator"
)

// TestNoSecretInAnyOutput runs every command in every sign-in mode, with
// and without --debug, while the emulator echoes every secret it receives
// back in its errors (the token endpoint the whole posted form; Graph the
// bearer token and the body, in error.message and WWW-Authenticate). No
// access token, refresh token, client secret, device code, assertion or
// private key may appear on stdout or stderr. The one exception is the
// token `auth token` prints on stdout, by design.
func TestNoSecretInAnyOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs provctl about 200 times")
	}
	bin, err := exec.LookPath("provctl") // put on PATH by testscript.Main
	if err != nil {
		t.Fatalf("provctl is not on PATH: %v", err)
	}
	dir := t.TempDir()
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: filepath.Join(dir, "emu"),
		EnvFile: filepath.Join(dir, "emu", "env"), AutoApprove: time.Millisecond,
		// Below 5 minutes MSAL does not reuse cached access tokens: every
		// device-code command redeems the refresh token at the token endpoint.
		TokenLifetime: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	emu := newEmuControl(t, filepath.Join(dir, "emu", "env"))
	emu.call(t, "POST", "/_emulator/config", `{"rateLimit":false}`)
	fedFile := filepath.Join(dir, "federated-token")
	if err := os.WriteFile(fedFile, emu.call(t, "POST", "/_emulator/federated-token", ""), 0o600); err != nil {
		t.Fatal(err)
	}

	r := &secretRunner{bin: bin, emu: emu.env, fedFile: fedFile, root: dir}
	r.run(t, "setup", signInModes[0], false, []string{"login"}, false) // the device-code cache
	if _, err := os.Stat(filepath.Join(r.configDir(signInModes[0]), "msal_token_cache.json")); err != nil {
		t.Fatalf("the device-code login of the setup failed (exit %d): %v", r.runs[0].exit, err)
	}
	for _, round := range echoRounds {
		emu.call(t, "DELETE", "/_emulator/faults", "")
		emu.call(t, "POST", "/_emulator/faults", round.faults)
		r.runRound(t, round)
	}
	emu.call(t, "DELETE", "/_emulator/faults", "")

	var caches []string
	for _, m := range signInModes {
		caches = append(caches, filepath.Join(r.configDir(m), "msal_token_cache.json"))
	}
	secrets := collectSecrets(t, emu, caches, emu.env["PROVCTL_EMULATOR_CLIENT_CERTIFICATE"])
	requireSecretKinds(t, secrets, "access_token", "refresh_token", "device_code", "client_secret", "client_assertion", "federated_token", "certificate private key", "identity_header")
	requireEchoes(t, emu)
	r.report(t, secrets)
}

// secretRunner runs provctl and keeps every output for the scan.
type secretRunner struct {
	bin, fedFile, root string
	emu                map[string]string

	mu   sync.Mutex
	runs []secretRun
}

// secretRun is one provctl invocation and what it printed.
type secretRun struct {
	name           string
	printsToken    bool
	stdout, stderr string
	exit           int
	took           time.Duration
}

func (r *secretRunner) configDir(m signInMode) string {
	return filepath.Join(r.root, "config-"+m.name)
}

// runRound runs the round's commands in every mode, with and without
// --debug, a few at a time (the fault set is the same for the whole round).
func (r *secretRunner) runRound(t *testing.T, round echoRound) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, m := range signInModes {
		for _, c := range secretCommands {
			if !round.runs(m, c.args) {
				continue
			}
			for _, debug := range []bool{false, true} {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					r.run(t, round.name, m, debug, c.args, c.printsToken)
				}()
			}
		}
	}
	wg.Wait()
}

func (r *secretRunner) run(t *testing.T, round string, m signInMode, debug bool, args []string, printsToken bool) {
	if debug {
		args = append(append([]string(nil), args...), "--debug")
	}
	env := []string{"HOME=" + r.root, "PROVCTL_CONFIG_DIR=" + r.configDir(m), "NO_COLOR=1", "MSAL_FORCE_REGION=",
		"PROVCTL_GRAPH_URL=" + r.emu["PROVCTL_GRAPH_URL"], "PROVCTL_AUTHORITY_HOST=" + r.emu["PROVCTL_AUTHORITY_HOST"],
		"PROVCTL_TENANT=" + r.emu["PROVCTL_TENANT"], "PROVCTL_CA_FILE=" + r.emu["PROVCTL_CA_FILE"]}
	for k, v := range m.env(r.emu, r.fedFile) {
		env = append(env, k+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, r.bin, args...)
	c.Env = env
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	exit := 0
	began := time.Now()
	err := c.Run()
	took := time.Since(began)
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Errorf("%s: %v", args, err)
			return
		}
		exit = ee.ExitCode()
	}
	if ctx.Err() != nil {
		t.Errorf("%s %s %s: did not finish in 20s", round, m.name, args)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs = append(r.runs, secretRun{name: fmt.Sprintf("%s/%s: provctl %s", round, m.name, strings.Join(args, " ")),
		printsToken: printsToken, stdout: stdout.String(), stderr: stderr.String(), exit: exit, took: took})
}

// report scans every output and fails once per distinct leaking line (the
// same leak in many runs is one failure, naming every run).
func (r *secretRunner) report(t *testing.T, secrets []knownSecret) {
	var tokens []string
	for _, s := range secrets {
		if s.kind == "access_token" {
			tokens = append(tokens, s.value)
		}
	}
	sort.Slice(r.runs, func(i, j int) bool { return r.runs[i].name < r.runs[j].name })
	type where struct{ stream, line string }
	found := map[where][]string{}
	var order []where
	leaky := map[string]bool{}
	for _, run := range r.runs {
		stdout := run.stdout
		if run.printsToken {
			stdout = withoutPrintedToken(stdout, tokens)
		}
		for _, stream := range [][2]string{{"stdout", stdout}, {"stderr", run.stderr}} {
			for _, l := range scanOutput(stream[1], secrets) {
				w := where{stream[0], "[" + strings.Join(l.kinds, ", ") + "] " + l.line}
				if found[w] == nil {
					order = append(order, w)
				}
				found[w] = append(found[w], fmt.Sprintf("%s (exit %d)", run.name, run.exit))
				leaky[run.name] = true
			}
		}
	}
	for _, w := range order {
		t.Errorf("%s of %d runs shows a secret: %q\n\tin: %s", w.stream, len(found[w]), w.line, strings.Join(found[w], "\n\t    "))
	}
	t.Logf("%d runs scanned for %d secrets; %d runs leak", len(r.runs), len(secrets), len(leaky))
}

// withoutPrintedToken removes the access token `auth token` prints (its
// stdout is exactly one token and a newline) and nothing else.
func withoutPrintedToken(stdout string, tokens []string) string {
	for _, tok := range tokens {
		if strings.TrimSpace(stdout) == tok {
			return ""
		}
	}
	return stdout
}
