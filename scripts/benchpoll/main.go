// Command benchpoll compares `provision poll` with curl on the same
// apply.{jobId} GET against the emulator (run by `make bench`): every Graph
// request is delayed by -delay, as a remote tenant would be, and each case
// runs -runs times after 2 warm-up runs. It prints the medians of wall time,
// CPU (user+sys) and peak RSS with their ratios to curl, and how many Graph
// requests one run of each case sends, read from the emulator's request log;
// then a `--wait` run against a pending outcome, to count requests per
// interval. Wall time is measured from os/exec, and by hyperfine as well
// when it is on PATH; CPU and peak RSS come from the child's rusage (what
// /usr/bin/time -v reports). A benchmark, not a test: it fails only on
// errors, never on a ratio.
package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/provctl/provctl/internal/emulator"
)

// The seeded tenant's Box app and its job.
const (
	boxSP       = "8783a342-f7a2-46fb-8243-3658cee556ce"
	boxJob      = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	boxTemplate = "BoxOutDelta"
	boxName     = "Box"
	warmups     = 2
)

func main() {
	provctl := flag.String("provctl", "bin/provctl", "the provctl binary to measure")
	runs := flag.Int("runs", 20, "measured runs per case (after 2 warm-up runs)")
	delay := flag.Duration("delay", 100*time.Millisecond, "the emulator's delay before answering each Graph request")
	curl := flag.String("curl", "curl", "the curl binary of the reference")
	flag.Parse()
	if *runs < 1 || *delay < 0 {
		fmt.Fprintln(os.Stderr, "benchpoll: -runs must be at least 1 and -delay not negative")
		os.Exit(2)
	}
	if err := run(*provctl, *curl, *runs, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "benchpoll:", err)
		os.Exit(1)
	}
}

// benchCase is one command measured: curl or a provctl poll.
type benchCase struct {
	name    string
	argv    []string
	provctl bool         // exit codes 3, 5 and 6 are outcomes
	prepare func() error // before each run (warm-ups included), untimed; nil for none
	prepCmd []string     // the same for hyperfine's --prepare
	results []usage
	hfWall  time.Duration // hyperfine's median; 0 when not measured
	reqs    []record      // the Graph requests of one run
}

func run(provctl, curl string, runs int, delay time.Duration) error {
	if _, err := exec.LookPath(curl); err != nil {
		return fmt.Errorf("curl: %w", err)
	}
	if p, err := filepath.Abs(provctl); err == nil {
		provctl = p
	}
	if _, err := os.Stat(provctl); err != nil {
		return fmt.Errorf("%w (run `make build` first)", err)
	}
	dir, err := os.MkdirTemp("", "provctl-benchpoll-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0", Dir: dir, EnvFile: filepath.Join(dir, "env"),
		Profile: emulator.ProfileSeed, Log: io.Discard})
	if err != nil {
		return err
	}
	defer srv.Close()
	env, err := readEnv(filepath.Join(dir, "env"))
	if err != nil {
		return err
	}
	token := lookup(env, "PROVCTL_EMULATOR_TOKEN")
	if token == "" {
		return errors.New("the emulator's env file has no PROVCTL_EMULATOR_TOKEN")
	}
	configDir := filepath.Join(dir, "config")
	if err := os.Mkdir(configDir, 0o700); err != nil {
		return err
	}
	env = append(env, "PROVCTL_ACCESS_TOKEN="+token, "PROVCTL_CONFIG_DIR="+configDir, "HOME="+dir, "PATH="+os.Getenv("PATH"))
	caFile := lookup(env, "PROVCTL_CA_FILE")
	ctl := newControl(srv.URL(), caFile)

	// The token goes to curl in a header file, never on a command line
	// (where ps, and hyperfine's JSON export, would show it).
	header := filepath.Join(dir, "auth-header")
	if err := os.WriteFile(header, []byte("Authorization: Bearer "+token+"\n"), 0o600); err != nil {
		return err
	}

	// Delay Graph only: its paths start with /beta/ or /v1.0/ (faults match
	// by strings.Contains). The token endpoint (/{tenant}/oauth2/v2.0/token)
	// matches neither, and the control API (/_emulator/…) never gets faults.
	ms := int(delay / time.Millisecond)
	if ms > 0 {
		if err := ctl.post("/_emulator/faults", []map[string]any{
			{"path": "/beta/", "delayMs": ms, "count": -1},
			{"path": "/v1.0/", "delayMs": ms, "count": -1},
		}); err != nil {
			return err
		}
	}

	// The cold case: --refresh where provctl has it, else the config dir
	// (which holds nothing but caches here: the token comes from the
	// environment) emptied before each run.
	help, err := exec.Command(provctl, "provision", "poll", "--help").CombinedOutput()
	if err != nil {
		return fmt.Errorf("provctl provision poll --help: %v: %s", err, help)
	}
	byNames := []string{provctl, "provision", "poll", "--sp", boxName, "--job", boxTemplate, "-o", "json"}
	cold := &benchCase{name: "provctl poll by names, cold", provctl: true, argv: append(byNames[:len(byNames):len(byNames)], "--refresh")}
	coldHow := "--refresh"
	if !refreshFlag.Match(help) {
		coldHow = "the config dir emptied before each run (`provision poll` has no --refresh)"
		cold.argv = byNames
		cold.prepare = func() error { return emptyDir(configDir) }
		cold.prepCmd = []string{"find", configDir, "-mindepth", "1", "-delete"}
	}

	applyURL := lookup(env, "PROVCTL_GRAPH_URL") + "/beta/servicePrincipals/" + boxSP + "/synchronization/jobs/apply." + boxJob
	cases := []*benchCase{
		{name: "curl (the apply GET)", argv: []string{curl, "-s", "-o", "/dev/null", "--fail", "--cacert", caFile, "-H", "@" + header, applyURL}},
		{name: "provctl poll by ids", provctl: true, argv: []string{provctl, "provision", "poll", "--sp", boxSP, "--job", boxJob, "-o", "json"}},
		{name: "provctl poll by names, warm", provctl: true, argv: byNames},
		cold,
	}

	hyperfine, _ := exec.LookPath("hyperfine")
	for _, c := range cases {
		for i := 0; i < warmups+runs; i++ {
			u, err := c.runOnce(env)
			if err != nil {
				return err
			}
			if i >= warmups {
				c.results = append(c.results, u)
			}
		}
		if hyperfine != "" {
			if c.hfWall, err = c.hyperfine(hyperfine, env, dir, runs); err != nil {
				return err
			}
		}
		if err := ctl.reset(); err != nil {
			return err
		}
		if _, err := c.runOnce(env); err != nil {
			return err
		}
		if c.reqs, err = ctl.requests(); err != nil {
			return err
		}
	}

	wait, err := waitCheck(ctl, env, provctl)
	if err != nil {
		return err
	}
	report(os.Stdout, cases, runs, delay, hyperfine, coldHow, wait)
	return nil
}

// refreshFlag finds --refresh among the flags of a --help.
var refreshFlag = regexp.MustCompile(`(?m)^\s+(-\w, )?--refresh\s`)

// runOnce prepares the case, then runs and measures it.
func (c *benchCase) runOnce(env []string) (usage, error) {
	if c.prepare != nil {
		if err := c.prepare(); err != nil {
			return usage{}, err
		}
	}
	return measure(c.argv, env, c.provctl)
}

// hyperfine measures the case's wall time again with hyperfine (no shell:
// -N) and returns its median.
func (c *benchCase) hyperfine(bin string, env []string, dir string, runs int) (time.Duration, error) {
	out := filepath.Join(dir, "hyperfine.json")
	args := []string{"-N", "--style", "none", "--warmup", fmt.Sprint(warmups), "--runs", fmt.Sprint(runs), "--export-json", out}
	if c.prepCmd != nil {
		args = append(args, "--prepare", shellJoin(c.prepCmd))
	}
	args = append(args, shellJoin(c.argv))
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("hyperfine on %s: %v: %s", c.name, err, strings.TrimSpace(stderr.String()))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return 0, err
	}
	var res struct {
		Results []struct {
			Median float64 `json:"median"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res.Results) != 1 {
		return 0, fmt.Errorf("hyperfine's export for %s: unreadable (%v)", c.name, err)
	}
	return time.Duration(res.Results[0].Median * float64(time.Second)), nil
}

// waitResult is what one `poll --wait` over a pending outcome sent.
type waitResult struct {
	pending   int
	interval  time.Duration
	wall      time.Duration
	exitState string
	first     []record        // the requests up to the first apply. GET, included
	later     []record        // the requests after it: those of the intervals
	applies   int             // apply. GETs in all
	gaps      []time.Duration // between consecutive apply. GETs' arrivals
}

// waitCheck makes the next 3 polls pending and waits them out by ids.
func waitCheck(ctl *control, env []string, provctl string) (*waitResult, error) {
	w := &waitResult{pending: 3, interval: 200 * time.Millisecond}
	if err := ctl.post("/_emulator/outcomes", map[string]any{"jobId": boxJob, "pendingPolls": w.pending}); err != nil {
		return nil, err
	}
	if err := ctl.reset(); err != nil {
		return nil, err
	}
	u, err := measure([]string{provctl, "provision", "poll", "--sp", boxSP, "--job", boxJob, "--wait",
		"--interval", w.interval.String(), "--timeout", "5s", "-o", "json"}, env, true)
	if err != nil {
		return nil, err
	}
	w.wall, w.exitState = u.wall, u.exitState
	recs, err := ctl.requests()
	if err != nil {
		return nil, err
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time < recs[j].Time }) // RFC 3339, 9 digits, UTC
	var last time.Time
	for _, r := range recs {
		if w.applies == 0 {
			w.first = append(w.first, r)
		} else {
			w.later = append(w.later, r)
		}
		if isApply(r) {
			t, _ := time.Parse(time.RFC3339Nano, r.Time)
			if w.applies > 0 {
				w.gaps = append(w.gaps, t.Sub(last))
			}
			w.applies++
			last = t
		}
	}
	return w, nil
}

func isApply(r record) bool {
	return r.Method == http.MethodGet && strings.Contains(r.Path, "/jobs/apply.")
}

func report(out io.Writer, cases []*benchCase, runs int, delay time.Duration, hyperfine, coldHow string, w *waitResult) {
	fmt.Fprintf(out, "poll vs curl: the Box job's apply. GET, emulator delaying each Graph request by %s; %d runs per case after %d warm-ups (medians)\n", delay, runs, warmups)
	if hyperfine != "" {
		fmt.Fprintf(out, "wall: hyperfine (%s, -N, its median) and os/exec; CPU (user+sys) and peak RSS: the child's rusage, as /usr/bin/time -v\n", hyperfineVersion(hyperfine))
	} else {
		fmt.Fprintln(out, "wall: os/exec (hyperfine is not on PATH: `apt-get install hyperfine` adds its measure); CPU (user+sys) and peak RSS: the child's rusage, as /usr/bin/time -v")
	}
	fmt.Fprintf(out, "warm: the warm-up runs fill any cache; cold: %s\n", coldHow)
	fmt.Fprintln(out)
	width := 0
	for _, c := range cases {
		width = max(width, len(c.name))
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := fmt.Sprintf("%-*s\t", width, "case") + "wall\t×curl\tCPU\t×curl\tpeak RSS\t×curl\tGraph requests/run\t"
	if hyperfine != "" {
		head = fmt.Sprintf("%-*s\t", width, "case") + "wall (hyperfine)\t×curl\twall (exec)\t×curl\tCPU\t×curl\tpeak RSS\t×curl\tGraph requests/run\t"
	}
	fmt.Fprintln(tw, head)
	ref := cases[0]
	for _, c := range cases {
		row := []string{fmt.Sprintf("%-*s", width, c.name)}
		if hyperfine != "" {
			row = append(row, ms(c.hfWall), ratio(c.hfWall.Seconds(), ref.hfWall.Seconds()))
		}
		wall, cpu, rss := c.medians()
		rw, rc, rr := ref.medians()
		row = append(row, ms(wall), ratio(wall.Seconds(), rw.Seconds()),
			ms(cpu), ratio(cpu.Seconds(), rc.Seconds()),
			fmt.Sprintf("%.1f MiB", float64(rss)/1024), ratio(float64(rss), float64(rr)),
			fmt.Sprint(len(c.reqs)))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()

	fmt.Fprintln(out)
	fmt.Fprintln(out, "Graph requests of one run (from GET /_emulator/requests):")
	for _, c := range cases {
		fmt.Fprintf(out, "  %s: %d\n", c.name, len(c.reqs))
		for _, r := range c.reqs {
			fmt.Fprintf(out, "    %s\n", describe(r))
		}
	}

	if warm, cold := cases[2], cases[3]; sameRequests(warm.reqs, cold.reqs) {
		fmt.Fprintln(out, "  (warm and cold send the same requests: this binary keeps no resolution cache between commands)")
	}

	fmt.Fprintln(out)
	fmt.Fprintf(out, "--wait by ids over %d pending polls (--interval %s): %d Graph requests in %s (%s), %d of them apply. GETs\n",
		w.pending, w.interval, len(w.first)+len(w.later), ms(w.wall), w.exitState, w.applies)
	fmt.Fprintf(out, "  up to the first poll: %d; after it, over %d intervals: %d = %.2f per interval\n",
		len(w.first), w.pending, len(w.later), float64(len(w.later))/float64(w.pending))
	if len(w.gaps) > 0 {
		gaps := make([]string, len(w.gaps))
		for i, g := range w.gaps {
			gaps[i] = ms(g)
		}
		fmt.Fprintf(out, "  between apply. GETs: %s (the interval %s, the delay %s)\n", strings.Join(gaps, ", "), w.interval, delay)
	}
	for _, r := range append(w.first, w.later...) {
		fmt.Fprintf(out, "    %s\n", describe(r))
	}
}

func sameRequests(a, b []record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Method != b[i].Method || a[i].Path != b[i].Path || a[i].Query != b[i].Query {
			return false
		}
	}
	return true
}

// describe names a request with the Box ids shortened.
func describe(r record) string {
	p := strings.ReplaceAll(r.Path, boxJob, "{job}")
	p = strings.ReplaceAll(p, boxSP, "{sp}")
	if r.Query != "" {
		p += "?" + r.Query
	}
	return fmt.Sprintf("%s %s → %d", r.Method, p, r.Status)
}

// shellJoin quotes argv for hyperfine, which splits commands as a POSIX
// shell would even without one (-N).
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsFunc(a, func(r rune) bool {
			return !strings.ContainsRune("@%+=:,./-_", r) && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
		}) {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

func hyperfineVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "hyperfine"
	}
	return strings.TrimSpace(string(out))
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// usage is what a finished process cost.
type usage struct {
	wall      time.Duration
	user, sys time.Duration
	maxRSSKiB int64
	exitState string
}

// medians of wall, CPU and peak RSS (KiB) over the measured runs.
func (c *benchCase) medians() (wall, cpu time.Duration, rssKiB int64) {
	var walls, cpus []time.Duration
	var rss []int64
	for _, u := range c.results {
		walls = append(walls, u.wall)
		cpus = append(cpus, u.user+u.sys)
		rss = append(rss, u.maxRSSKiB)
	}
	return median(walls), median(cpus), median(rss)
}

func median[T int64 | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := append([]T(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// measure runs argv with env, its stdout discarded, and returns its cost
// from the kernel's accounting (no /usr/bin/time needed). With outcomes
// (provctl), exit codes 3, 5 and 6 are outcomes (failure, pending,
// skipped), not errors.
func measure(argv, env []string, outcomes bool) (usage, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	u := usage{wall: time.Since(start), exitState: "exit 0"}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u.user = time.Duration(ru.Utime.Nano())
			u.sys = time.Duration(ru.Stime.Nano())
			u.maxRSSKiB = ru.Maxrss
		}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && outcomes {
		switch ee.ExitCode() {
		case 3, 5, 6:
			u.exitState, err = fmt.Sprintf("exit %d", ee.ExitCode()), nil
		}
	}
	if err != nil {
		return u, fmt.Errorf("%s %s: %v: %s", filepath.Base(argv[0]), strings.Join(argv[1:], " "), err, strings.TrimSpace(stderr.String()))
	}
	return u, nil
}

// emptyDir removes what dir holds, keeping dir (and its mode).
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

type record struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Status int    `json:"status"`
	Time   string `json:"time"`
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

func (c *control) do(method, path string, body any) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		resp.Body.Close()
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

func (c *control) post(path string, body any) error {
	resp, err := c.do(http.MethodPost, path, body)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func (c *control) reset() error {
	resp, err := c.do(http.MethodDelete, "/_emulator/requests", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// requests are the Graph (and Entra) requests recorded since the last
// reset; control requests are never recorded, and are left out anyway.
func (c *control) requests() ([]record, error) {
	resp, err := c.do(http.MethodGet, "/_emulator/requests", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var recs, out []record
	if err := json.NewDecoder(resp.Body).Decode(&recs); err != nil {
		return nil, err
	}
	for _, r := range recs {
		if !strings.HasPrefix(r.Path, "/_emulator/") {
			out = append(out, r)
		}
	}
	return out, nil
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
