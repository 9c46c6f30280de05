package emulator

import (
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestStartWritesEnvFileAndCertificates(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "sub", "emulator.env")
	if err := os.MkdirAll(filepath.Dir(env), 0o700); err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{EnvFile: env})

	if !regexp.MustCompile(`^https://127\.0\.0\.1:\d+$`).MatchString(h.s.URL()) {
		t.Fatalf("URL() = %q", h.s.URL())
	}
	if want := filepath.Join(dir, "sub", "ca.pem"); h.s.CAFile() != want {
		t.Errorf("CAFile() = %q, want %q (the env file's directory)", h.s.CAFile(), want)
	}
	info, err := os.Stat(env)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("env file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(env)
	vars := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		m := regexp.MustCompile(`^export ([A-Z_]+)='([^']*)'$`).FindStringSubmatch(line)
		if m != nil {
			vars[m[1]] = m[2]
		} else if line != "" && !strings.HasPrefix(line, "#") {
			t.Errorf("unexpected env line %q", line)
		}
	}
	want := map[string]string{
		"PROVCTL_GRAPH_URL":          h.s.URL(),
		"PROVCTL_AUTHORITY_HOST":     h.s.URL(),
		"PROVCTL_EMULATOR_URL":       h.s.URL(),
		"PROVCTL_TENANT":             tenantID,
		"PROVCTL_CA_FILE":            h.s.CAFile(),
		"PROVCTL_EMULATOR_CLIENT_ID": appID,
	}
	for k, v := range want {
		if vars[k] != v {
			t.Errorf("%s = %q, want %q", k, vars[k], v)
		}
	}
	for _, k := range []string{"PROVCTL_EMULATOR_TOKEN", "PROVCTL_EMULATOR_CLIENT_SECRET", "PROVCTL_EMULATOR_CLIENT_CERTIFICATE"} {
		if vars[k] == "" {
			t.Errorf("%s missing", k)
		}
	}
	certPEM, err := os.ReadFile(vars["PROVCTL_EMULATOR_CLIENT_CERTIFICATE"])
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		types = append(types, b.Type)
	}
	if strings.Join(types, ",") != "CERTIFICATE,PRIVATE KEY" {
		t.Errorf("certificate file blocks = %v", types)
	}

	// The env token works against Graph.
	h.token = vars["PROVCTL_EMULATOR_TOKEN"]
	wantStatus(t, h.graph("GET", "/v1.0/servicePrincipals", nil), http.StatusOK)
}

func TestCloseRemovesOwnTempDir(t *testing.T) {
	s, err := Start(Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(s.CAFile())
	if _, err := os.Stat(s.CAFile()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir still there: %v", err)
	}
}

func TestStartRejectsBadTenantFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "tenant.json")
	_ = os.WriteFile(f, []byte(`{"tenantId":"x","domain":"d","application":{"clientId":"c"},"users":[],"servicePrincipals":[{"id":"1","appId":"2","jobs":[{"id":"j","templateId":"t","state":"Running","outcome":"success","rules":[]}]}]}`), 0o600)
	if _, err := Start(Options{Addr: "127.0.0.1:0", TenantFile: f}); err == nil || !strings.Contains(err.Error(), "state") {
		t.Fatalf("Start = %v, want an error about the job state", err)
	}
}

func TestEveryGraphResponseCarriesRequestIDs(t *testing.T) {
	h := shared(t)
	for _, path := range []string{"/beta/servicePrincipals", "/v1.0/servicePrincipals/nope", "/beta/nothing"} {
		r := h.graph("GET", path, nil, "client-request-id", "11111111-2222-3333-4444-555555555555")
		if r.header.Get("request-id") == "" || r.header.Get("Date") == "" {
			t.Errorf("%s: request-id %q Date %q", path, r.header.Get("request-id"), r.header.Get("Date"))
		}
		if got := r.header.Get("client-request-id"); got != "11111111-2222-3333-4444-555555555555" {
			t.Errorf("%s: client-request-id echoed as %q", path, got)
		}
		if r.status >= 400 && get(r.body, "error", "innerError", "client-request-id") != "11111111-2222-3333-4444-555555555555" {
			t.Errorf("%s: innerError.client-request-id = %v", path, get(r.body, "error", "innerError", "client-request-id"))
		}
	}
}
