package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/provctl/provctl/internal/emulator"
	"github.com/provctl/provctl/internal/emulator/tenant"
)

// The testscript commands of bulk runs: they read the emulator's request
// log and the files provctl wrote, so a script can say "each user was
// sent once" or "every line parses" rather than match text.

// requestRecord is one entry of GET /_emulator/requests.
type requestRecord struct {
	Method   string   `json:"method"`
	Path     string   `json:"path"`
	Status   int      `json:"status"`
	Time     string   `json:"time"`
	Subjects []string `json:"subjects"`
}

// emulatorRequests reads the emulator's request log.
func emulatorRequests(ts *testscript.TestScript) []requestRecord {
	pool := x509.NewCertPool()
	pem, err := os.ReadFile(ts.Getenv("PROVCTL_CA_FILE"))
	ts.Check(err)
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(ts.Getenv("PROVCTL_EMULATOR_URL") + "/_emulator/requests")
	ts.Check(err)
	defer resp.Body.Close()
	var recs []requestRecord
	ts.Check(json.NewDecoder(resp.Body).Decode(&recs))
	return recs
}

func isOnDemand(r requestRecord) bool {
	return r.Method == "POST" && strings.HasSuffix(r.Path, "/provisionOnDemand")
}

// cmdOnDemandOnce checks the request log: no provisionOnDemand drew a 429,
// no subject was accepted twice, and (given N) N subjects in all.
// ondemand-once [N]
func cmdOnDemandOnce(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 {
		ts.Fatalf("usage: ondemand-once [N]")
	}
	seen := map[string]int{}
	throttled := 0
	var problems []string
	for _, r := range emulatorRequests(ts) {
		if !isOnDemand(r) {
			continue
		}
		if r.Status == 429 {
			throttled++
			continue
		}
		if r.Status/100 != 2 {
			continue
		}
		for _, s := range r.Subjects {
			seen[strings.ToLower(s)]++
			if seen[strings.ToLower(s)] == 2 {
				problems = append(problems, "subject "+s+" was provisioned more than once")
			}
		}
	}
	if throttled > 0 {
		problems = append(problems, strconv.Itoa(throttled)+" provisionOnDemand requests drew a 429")
	}
	if len(args) == 1 {
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		if len(seen) != want {
			problems = append(problems, strconv.Itoa(len(seen))+" subjects were provisioned, want "+args[0])
		}
	}
	if len(problems) > 0 {
		ts.Fatalf("request log: %s", strings.Join(problems, "; "))
	}
}

// cmdNoOnDemand checks that no provisionOnDemand was sent: noondemand
func cmdNoOnDemand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: noondemand")
	}
	for _, r := range emulatorRequests(ts) {
		if isOnDemand(r) {
			ts.Fatalf("a provisionOnDemand was sent: %s %s", r.Method, r.Path)
		}
	}
}

// cmdJSONLines checks that every line of FILE is a JSON object with a
// state and, given N, that there are N lines: jsonlines FILE [N]
func cmdJSONLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: jsonlines FILE [N]")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ts.Fatalf("%s ends with a torn line", args[0])
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		n++
		var o struct {
			State string `json:"state"`
		}
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil || o.State == "" {
			ts.Fatalf("%s:%d is not an outcome: %v: %.200s", args[0], n, err, sc.Text())
		}
	}
	ts.Check(sc.Err())
	if len(args) == 2 {
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if n != want {
			ts.Fatalf("%s has %d lines, want %d", args[0], n, want)
		}
	}
}

// scriptEmulators holds each script's running emulator, for --restart.
var scriptEmulators sync.Map // *testscript.TestScript → *emulator.Server

// restartEmulator closes the script's emulator and points opts at its
// address, so the next one serves the same Graph URL.
func restartEmulator(ts *testscript.TestScript, opts *emulator.Options) {
	v, ok := scriptEmulators.Load(ts)
	if !ok {
		ts.Fatalf("emulator --restart: no emulator is running")
	}
	u, err := url.Parse(ts.Getenv("PROVCTL_GRAPH_URL"))
	ts.Check(err)
	ts.Check(v.(*emulator.Server).Close())
	opts.Addr = u.Host
}

// cmdGraphRequests checks how many Graph requests (not the control API,
// not sign-in) the emulator's log holds: graph-requests N
func cmdGraphRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: graph-requests N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	var got []string
	for _, r := range emulatorRequests(ts) {
		if strings.HasPrefix(r.Path, "/v1.0/") || strings.HasPrefix(r.Path, "/beta/") {
			got = append(got, r.Method+" "+r.Path)
		}
	}
	if len(got) != want {
		ts.Fatalf("%d Graph requests, want %d:\n  %s", len(got), want, strings.Join(got, "\n  "))
	}
}

// cmdTenantFile writes the built-in tenant with changes, for a restarted
// emulator: tenantfile OUT [rename OLD NEW] [reid NAME NEWID]
func cmdTenantFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || (len(args)-1)%3 != 0 {
		ts.Fatalf("usage: tenantfile OUT [rename OLD NEW] [reid NAME NEWID]...")
	}
	t, err := tenant.Load("")
	ts.Check(err)
	for i := 1; i < len(args); i += 3 {
		op, name, value := args[i], args[i+1], args[i+2]
		found := false
		for j := range t.ServicePrincipals {
			sp := &t.ServicePrincipals[j]
			if sp.DisplayName != name {
				continue
			}
			found = true
			switch op {
			case "rename":
				sp.DisplayName = value
			case "reid":
				sp.ID = value
			default:
				ts.Fatalf("tenantfile: unknown change %s", op)
			}
		}
		if !found {
			ts.Fatalf("tenantfile: no service principal %q", name)
		}
	}
	data, err := json.MarshalIndent(t, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o600))
}
