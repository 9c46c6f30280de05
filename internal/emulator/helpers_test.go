package emulator

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Well-known ids of the built-in tenant used across the tests.
const (
	tenantID  = "6a2de586-6d0e-4e39-a06f-39c6893e0873"
	boxSP     = "8783a342-f7a2-46fb-8243-3658cee556ce"
	boxJob    = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	boxRule   = "ea807875-5618-4f0a-9125-0b46a05298ca"
	boxGRule  = "33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2"
	sfSP      = "2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801"
	sfJob     = "SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa"
	sfRule    = "1d3f5a7c-9e1b-4d3f-a5c7-9e1b3d5f7a9c"
	slackSP   = "5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20"
	slackJob  = "slackOutDelta.0d4c2e6a8b1f4d3e9c7a5b2e1f0d8c6a.5d1e9b3c-7a2f-4c8d-b6e0-1f3a5c7e9b20"
	slackRule = "5e7a9c1e-3b5d-4f7a-9c1e-3b5d7f9a1c3e"
	hrSP      = "1f3a5c7e-9b2d-4e6f-a8c0-3e5a7c9b1d2f"
	adeleID   = "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13"
	meganID   = "e1b7c6a3-5d24-4f89-b0e2-9a8c7d6f5e41"
	salesID   = "0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e"
	appID     = "b5e0c8a7-3f2d-4e1b-9c6a-7d8e9f0a1b2c"
)

// harness is a running emulator plus an HTTPS client that trusts its CA.
type harness struct {
	t     *testing.T
	s     *Server
	c     *http.Client
	token string // PROVCTL_EMULATOR_TOKEN: all delegated scopes
}

func start(t *testing.T, opts Options) *harness {
	t.Helper()
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &harness{t: t, s: s, c: trustingClient(t, s.CAFile()), token: s.envToken}
}

// shared is one emulator for tests that only read; tests that change state
// start their own.
var (
	sharedOnce sync.Once
	sharedSrv  *Server
	sharedErr  error
)

// TestMain closes the shared emulator, which removes its temporary directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if sharedSrv != nil {
		_ = sharedSrv.Close()
	}
	os.Exit(code)
}

func shared(t *testing.T) *harness {
	t.Helper()
	sharedOnce.Do(func() { sharedSrv, sharedErr = Start(Options{Addr: "127.0.0.1:0"}) })
	if sharedErr != nil {
		t.Fatalf("Start: %v", sharedErr)
	}
	return &harness{t: t, s: sharedSrv, c: trustingClient(t, sharedSrv.CAFile()), token: sharedSrv.envToken}
}

func trustingClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("CA file holds no certificate")
	}
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// call sends a request; body is JSON-encoded unless it is a string (sent as
// is, form-encoded when it contains '=' and no '{').
func (h *harness) call(method, path string, body any, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		ctype = "application/x-www-form-urlencoded"
		if strings.HasPrefix(strings.TrimSpace(b), "{") {
			ctype = "application/json"
		}
	default:
		buf, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(buf), "application/json"
	}
	url := path
	if !strings.HasPrefix(path, "https://") {
		url = h.s.URL() + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.c.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// graph calls Graph with the all-scopes token.
func (h *harness) graph(method, path string, body any, headers ...string) response {
	h.t.Helper()
	return h.call(method, path, body, append([]string{"Authorization", "Bearer " + h.token}, headers...)...)
}

// tokenWith mints a delegated token for Adele holding only perms.
func (h *harness) tokenWith(perms ...string) string {
	u := h.s.dir.FindUser(adeleID)
	tok, _ := h.s.tokens.mint(subject{user: u, clientID: defaultPublicClient, perms: perms}, h.s.opts.TokenLifetime)
	return tok
}

// get walks a decoded JSON value: get(v, "status", "lastExecution", "state").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// keys returns the sorted key set of a JSON object as one string.
func keys(v any) string {
	m, _ := v.(map[string]any)
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
}

// wantGraphError checks the Graph error envelope, request ids and code.
func wantGraphError(t *testing.T, r response, status int, code string) {
	t.Helper()
	wantStatus(t, r, status)
	if got := get(r.body, "error", "code"); got != code {
		t.Errorf("error.code = %v, want %s; body %s", got, code, r.raw)
	}
	if keys(get(r.body, "error")) != "code,innerError,message" {
		t.Errorf("error keys = %s", keys(get(r.body, "error")))
	}
	inner := get(r.body, "error", "innerError")
	date, _ := get(inner, "date").(string)
	if _, err := time.Parse(graphDateFormat, date); err != nil {
		t.Errorf("innerError.date %q: %v", date, err)
	}
	if rid := get(inner, "request-id"); rid == "" || rid != r.header.Get("request-id") {
		t.Errorf("innerError.request-id %v, header %q", rid, r.header.Get("request-id"))
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutines to write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonOf re-encodes a decoded JSON value (object keys come out sorted).
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// orderedKeys returns the member names of a JSON object text in the order
// they were written, which decoding into a map would lose.
func orderedKeys(t *testing.T, text string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %.80s", text)
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(names, ",")
}

// rawMember returns the raw JSON of a member of a JSON text: a name for an
// object member, an int for an array element.
func rawMember(t *testing.T, text string, path ...any) string {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(text), &m); err != nil {
				t.Fatalf("member %s of %.80s: %v", k, text, err)
			}
			text = string(m[k])
		case int:
			var a []json.RawMessage
			if err := json.Unmarshal([]byte(text), &a); err != nil || k >= len(a) {
				t.Fatalf("element %d of %.80s: %v", k, text, err)
			}
			text = string(a[k])
		}
	}
	return text
}
