package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
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
