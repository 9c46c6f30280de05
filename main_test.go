package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/emulator"
)

// TestMain lets testscript run provctl's real main as the "provctl" command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"provctl":     func() { os.Exit(cmd.Execute()) },
		"fakebrowser": func() { os.Exit(fakeBrowser(os.Args[1:])) }, // BROWSER for `login --browser` (fakebrowser_test.go)
	})
}

// TestScripts runs the end-to-end tests in testdata/script against a fresh
// emulator per script (started with the `emulator` command), once under
// each emulator profile: "seed" (the apply. resource answers, logs at once)
// and "real" (as tenants behave today: no apply. resource, lagging logs).
// Scripts may say [seed] or [real] for what differs.
func TestScripts(t *testing.T) {
	for _, profile := range []string{emulator.ProfileSeed, emulator.ProfileReal} {
		t.Run(profile, func(t *testing.T) {
			testscript.Run(t, testscript.Params{
				Dir:                 "testdata/script",
				RequireExplicitExec: true,
				Setup: func(env *testscript.Env) error {
					env.Setenv("HOME", env.WorkDir)
					env.Setenv("PROVCTL_CONFIG_DIR", filepath.Join(env.WorkDir, "config"))
					env.Setenv("NO_COLOR", "")
					env.Setenv("MSAL_FORCE_REGION", "")
					env.Setenv("EMU_PROFILE", profile)
					return nil
				},
				Condition: func(cond string) (bool, error) {
					switch cond {
					case emulator.ProfileSeed, emulator.ProfileReal:
						return cond == profile, nil
					}
					return false, fmt.Errorf("unknown condition %q", cond)
				},
				Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
					"emulator":       cmdEmulator,
					"emuctl":         cmdEmuctl,
					"sleep":          cmdSleep,
					"exits":          cmdExits,
					"perm":           cmdPerm,
					"nosecrets":      cmdNoSecrets,
					"ondemand-once":  cmdOnDemandOnce,
					"noondemand":     cmdNoOnDemand,
					"jsonlines":      cmdJSONLines,
					"graph-requests": cmdGraphRequests,
					"tenantfile":     cmdTenantFile,
				},
			})
		})
	}
}

// scriptLogLag is the log lag of the real profile in the scripts: long
// enough that --wait must really wait, short enough to keep tests quick.
const scriptLogLag = 600 * time.Millisecond

// cmdEmulator starts an in-process emulator for this script and exports
// its env file's variables:
// emulator [--auto-approve D] [--token-lifetime D] [--profile seed|real] [--log-lag D] [--rate-limit N/D]
// [--tenant-file F] [--restart]
func cmdEmulator(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! emulator")
	}
	opts := emulator.Options{Addr: "127.0.0.1:0", Dir: ts.MkAbs("emu"), EnvFile: ts.MkAbs("emu/env"), Profile: ts.Getenv("EMU_PROFILE")}
	if opts.Profile == emulator.ProfileReal {
		opts.LogLag, opts.LogLagSet = scriptLogLag, true
	}
	for i := 0; i < len(args); i++ {
		if args[i] == "--restart" {
			// Stop this script's emulator and start the new one on its
			// address: the Graph URL (and so any cache scoped by it) stays.
			restartEmulator(ts, &opts)
			continue
		}
		if i+1 >= len(args) {
			ts.Fatalf("emulator: %s needs a value", args[i])
		}
		name, value := args[i], args[i+1]
		i++
		switch name {
		case "--tenant-file":
			opts.TenantFile = ts.MkAbs(value)
			continue
		case "--profile":
			ts.Check(emulator.CheckProfile(value))
			opts.Profile = value
			continue
		case "--rate-limit":
			_, _, err := emulator.ParseRateLimit(value)
			ts.Check(err)
			opts.RateLimit = value
			continue
		}
		d, err := time.ParseDuration(value)
		ts.Check(err)
		switch name {
		case "--auto-approve":
			opts.AutoApprove = d
		case "--token-lifetime":
			opts.TokenLifetime = d
		case "--log-lag":
			if d < 0 {
				ts.Fatalf("emulator: --log-lag %s is negative", d)
			}
			opts.LogLag, opts.LogLagSet = d, true
		default:
			ts.Fatalf("emulator: unknown flag %s", name)
		}
	}
	ts.Check(os.MkdirAll(opts.Dir, 0o700))
	srv, err := emulator.Start(opts)
	ts.Check(err)
	ts.Defer(func() { _ = srv.Close() })
	scriptEmulators.Store(ts, srv)
	data, err := os.ReadFile(opts.EnvFile)
	ts.Check(err)
	for k, v := range parseEnvFile(data) {
		ts.Setenv(k, v)
	}
}

// cmdEmuctl calls the emulator's control API: emuctl METHOD PATH [JSON].
// The answer goes to stdout; a non-2xx status fails unless negated.
func cmdEmuctl(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: emuctl METHOD PATH [JSON]")
	}
	pool := x509.NewCertPool()
	pem, err := os.ReadFile(ts.Getenv("PROVCTL_CA_FILE"))
	ts.Check(err)
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	var body io.Reader
	if len(args) > 2 {
		body = strings.NewReader(strings.Join(args[2:], " "))
	}
	req, err := http.NewRequest(args[0], ts.Getenv("PROVCTL_EMULATOR_URL")+args[1], body)
	ts.Check(err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(ts.Stdout(), "%s\n", bytes.TrimSpace(data))
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok == neg {
		ts.Fatalf("emuctl %s %s: status %d: %s", args[0], args[1], resp.StatusCode, data)
	}
}

// cmdSleep waits: sleep 1s
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// cmdExits runs a command and checks its exit code: exits 3 provctl ...
// Its stdout and stderr are kept for the stdout/stderr commands.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Logf("stdout:\n%s\nstderr:\n%s", ts.ReadFile("stdout"), ts.ReadFile("stderr"))
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// cmdPerm checks a file's permission bits: perm PATH 0600
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm PATH MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm(); (uint64(got) == want) == neg {
		ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdNoSecrets checks that no token secret held in an MSAL cache file
// appears in the given files: nosecrets CACHE FILE...
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: nosecrets CACHE FILE...")
	}
	var doc map[string]map[string]struct {
		Secret string `json:"secret"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	var secrets []string
	for _, section := range doc {
		for _, item := range section {
			if len(item.Secret) >= 8 {
				secrets = append(secrets, item.Secret)
			}
		}
	}
	if len(secrets) == 0 {
		ts.Fatalf("no secrets in %s: the check would prove nothing", args[0])
	}
	for _, f := range args[1:] {
		data := ts.ReadFile(f)
		for _, sec := range secrets {
			if strings.Contains(data, sec) {
				ts.Fatalf("%s contains a token from the cache", f)
			}
			// a cut-off or partly masked token still leaks
			if len(sec) > 40 && strings.Contains(data, sec[len(sec)/2:len(sec)/2+20]) {
				ts.Fatalf("%s contains part of a token from the cache", f)
			}
		}
	}
}
