package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The emulator side of TestNoSecretInAnyOutput: its control API, and the
// checks that the run proves something.

// requireSecretKinds keeps the scan from passing for want of secrets.
func requireSecretKinds(t *testing.T, secrets []knownSecret, kinds ...string) {
	have := map[string]bool{}
	for _, s := range secrets {
		have[s.kind] = true
	}
	for _, k := range kinds {
		if !have[k] {
			t.Errorf("no %s was collected: the scan would prove nothing about it", k)
		}
	}
}

// requireEchoes checks the echo faults answered: the token endpoint with
// 400, Graph with 400 and with 401.
func requireEchoes(t *testing.T, emu *emuControl) {
	var recs []struct {
		Path   string
		Status int
	}
	if err := json.Unmarshal(emu.call(t, "GET", "/_emulator/requests", ""), &recs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		side := "Graph"
		if strings.HasSuffix(r.Path, "/oauth2/v2.0/token") {
			side = "the token endpoint"
		}
		seen[fmt.Sprintf("%s %d", side, r.Status)] = true
	}
	for _, want := range []string{"the token endpoint 400", "Graph 400", "Graph 401"} {
		if !seen[want] {
			t.Errorf("no request got %s: the echo faults did not fire", want)
		}
	}
}

// emuControl calls the emulator's control API.
type emuControl struct {
	env    map[string]string
	client *http.Client
}

func newEmuControl(t *testing.T, envFile string) *emuControl {
	env := readEnvFile(t, envFile)
	pem, err := os.ReadFile(env["PROVCTL_CA_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &emuControl{env: env, client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
}

func (e *emuControl) call(t *testing.T, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, e.env["PROVCTL_EMULATOR_URL"]+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return data
}
