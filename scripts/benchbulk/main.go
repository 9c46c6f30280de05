// Command benchbulk measures `provision run --from` against the emulator
// (run by `make bench`): how close to the rate limit provisionOnDemand
// requests go out, how many 429s they draw, how many lookups the users
// cost, and the peak memory of a run over 5,000 users read from a file.
// Figures are ratios against references measured in the same run: the
// emulator's limit, and `provctl version` for memory.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/provctl/provctl/internal/emulator"
)

func main() {
	provctl := flag.String("provctl", "bin/provctl", "the provctl binary to measure")
	tenantFile := flag.String("tenant", "bench/testdata/tenant-bulk.json", "emulator tenant with the bulk users")
	rate := flag.String("rate", "5/1s", "the emulator's --rate-limit, and provctl's PROVCTL_ON_DEMAND_RATE")
	users := flag.Int("users", 100, "users to provision (bulk001… in the tenant file)")
	big := flag.Int("big", 5000, "users in the file of the memory run")
	flag.Parse()
	if err := run(*provctl, *tenantFile, *rate, *users, *big); err != nil {
		fmt.Fprintln(os.Stderr, "benchbulk:", err)
		os.Exit(1)
	}
}

func run(provctl, tenantFile, rate string, users, big int) error {
	limit, window, err := emulator.ParseRateLimit(rate)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "provctl-benchbulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: dir, EnvFile: filepath.Join(dir, "env"),
		TenantFile: tenantFile, RateLimit: rate, Log: io.Discard})
	if err != nil {
		return err
	}
	defer srv.Close()
	env, err := readEnv(filepath.Join(dir, "env"))
	if err != nil {
		return err
	}
	env = append(env, "PROVCTL_ACCESS_TOKEN="+lookup(env, "PROVCTL_EMULATOR_TOKEN"), "PROVCTL_ON_DEMAND_RATE="+rate,
		"PROVCTL_CONFIG_DIR="+filepath.Join(dir, "config"), "HOME="+dir, "PATH="+os.Getenv("PATH"))
	ctl := newControl(srv.URL(), lookup(env, "PROVCTL_CA_FILE"))

	list := filepath.Join(dir, "users.txt")
	if err := writeUsers(list, users, 0); err != nil {
		return err
	}
	if err := ctl.reset(); err != nil {
		return err
	}
	start := time.Now()
	usage, err := measure(provctl, env, "provision", "run", "--sp", "Box", "--from", list, "-o", "jsonl", "-q")
	if err != nil {
		return err
	}
	wall := time.Since(start)
	recs, err := ctl.requests()
	if err != nil {
		return err
	}
	sends, throttled, lookups, userLookups := tally(recs)
	fmt.Printf("bulk run: %d users from a file, emulator and provctl at %s (%d per %s)\n", users, rate, limit, window)
	fmt.Printf("  wall                          %s (%s)\n", wall.Round(time.Millisecond), usage)
	fmt.Printf("  provisionOnDemand sent        %d (429s: %d)\n", len(sends), throttled)
	if len(sends) > 1 {
		span := sends[len(sends)-1].Sub(sends[0])
		// n requests at the limit need ceil(n/limit) windows; the span of
		// arrival times covers span/window of them, plus the last.
		windows := span.Seconds()/window.Seconds() + 1
		perWindow := float64(len(sends)) / windows
		fmt.Printf("  achieved                      %.2f requests per window of %s (limit %d) = %.1f %% of the limit, over %s\n",
			perWindow, window, limit, 100*perWindow/float64(limit), span.Round(time.Millisecond))
		fmt.Printf("  busiest window                %d requests in any %s (limit %d)\n", busiest(sends, window), window, limit)
	}
	fmt.Printf("  lookup requests               %d for %d users (%.1f per 100; %d of them for users, the rest the app)\n", lookups, users, 100*float64(lookups)/float64(users), userLookups)

	bigList := filepath.Join(dir, "big.txt")
	if err := writeUsers(bigList, users, big-users); err != nil {
		return err
	}
	ref, err := measure(provctl, env, "version")
	if err != nil {
		return err
	}
	dry, err := measure(provctl, env, "provision", "run", "--sp", "Box", "--from", bigList, "--dry-run", "-o", "json")
	if err != nil {
		return err
	}
	fmt.Printf("memory: %d users read from a file, resolved and checked (--dry-run -o json)\n", big)
	fmt.Printf("  peak RSS                      %.1f MiB (provctl version: %.1f MiB; ratio %.2f)\n", dry.maxRSSMiB(), ref.maxRSSMiB(), dry.maxRSSMiB()/ref.maxRSSMiB())
	fmt.Printf("  wall                          %s\n", dry.wall.Round(time.Millisecond))
	return nil
}

// usage is what a finished process cost.
type usage struct {
	wall      time.Duration
	user, sys time.Duration
	maxRSSKiB int64
}

func (u usage) maxRSSMiB() float64 { return float64(u.maxRSSKiB) / 1024 }

func (u usage) String() string {
	return fmt.Sprintf("CPU %s, peak RSS %.1f MiB", (u.user + u.sys).Round(time.Millisecond), u.maxRSSMiB())
}

// measure runs provctl with env, its stdout discarded, and returns its cost
// from the kernel's accounting (no /usr/bin/time needed).
func measure(provctl string, env []string, args ...string) (usage, error) {
	cmd := exec.Command(provctl, args...)
	cmd.Env = env
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	u := usage{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u.user = time.Duration(ru.Utime.Nano())
			u.sys = time.Duration(ru.Stime.Nano())
			u.maxRSSKiB = ru.Maxrss
		}
	}
	// Exit codes 3 and 6 are outcomes (failed or skipped users), not errors.
	if ee, ok := err.(*exec.ExitError); ok && (ee.ExitCode() == 3 || ee.ExitCode() == 6) {
		err = nil
	}
	if err != nil {
		return u, fmt.Errorf("provctl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return u, nil
}

// writeUsers writes the tenant's bulk users, then extra unknown ones.
func writeUsers(path string, known, unknown int) error {
	var b strings.Builder
	for i := 1; i <= known; i++ {
		fmt.Fprintf(&b, "bulk%03d@contoso.test\n", i)
	}
	for i := 1; i <= unknown; i++ {
		fmt.Fprintf(&b, "absent%05d@contoso.test\n", i)
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

type record struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
	Time   string `json:"time"`
}

// tally reads the request log: the arrival times of accepted
// provisionOnDemand requests, the 429s, and the directory lookups.
func tally(recs []record) (sends []time.Time, throttled, lookups, userLookups int) {
	for _, r := range recs {
		switch {
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/provisionOnDemand"):
			if r.Status == http.StatusTooManyRequests {
				throttled++
				continue
			}
			if t, err := time.Parse(time.RFC3339Nano, r.Time); err == nil {
				sends = append(sends, t)
			}
		case r.Method == "GET" && (strings.Contains(r.Path, "/users") || strings.Contains(r.Path, "/servicePrincipals") || strings.Contains(r.Path, "/groups")):
			if !strings.Contains(r.Path, "/synchronization/") {
				lookups++
				if strings.HasSuffix(r.Path, "/users") {
					userLookups++
				}
			}
		}
	}
	sort.Slice(sends, func(i, j int) bool { return sends[i].Before(sends[j]) })
	return sends, throttled, lookups, userLookups
}

// busiest is the most requests in any sliding window (as the server counts).
func busiest(sends []time.Time, window time.Duration) int {
	most, j := 0, 0
	for i := range sends {
		for sends[i].Sub(sends[j]) >= window {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// control talks to the emulator's control API.
type control struct {
	base   string
	client *http.Client
}

func newControl(base, caFile string) *control {
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(caFile); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	return &control{base: base, client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
}

func (c *control) reset() error {
	req, err := http.NewRequest(http.MethodDelete, c.base+"/_emulator/requests", nil)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func (c *control) requests() ([]record, error) {
	resp, err := c.client.Get(c.base + "/_emulator/requests")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var recs []record
	return recs, json.NewDecoder(resp.Body).Decode(&recs)
}

// readEnv reads the emulator's env file (export NAME='value' lines).
func readEnv(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "export ")
		if !ok {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		env = append(env, name+"="+strings.Trim(value, "'"))
	}
	return env, sc.Err()
}

func lookup(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}
