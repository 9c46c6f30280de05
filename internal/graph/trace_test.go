package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Secret strings that must never reach a trace. None is JWT-shaped except
// the two marked, so the field-based redaction is what is tested.
const (
	secAccessJWT    = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJncmFwaCJ9.c2lnbmF0dXJlLWFjY2Vzcw" // JWT
	secIDJWT        = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhbGljZSJ9.aWQtdG9rZW4tc2ln"                         // JWT
	secAccessOpaque = "EwBwA8l6BAAUopaqueACCESSsecret0001"
	secRefresh      = "0.AXoAopaqueREFRESHsecret-0002_not_a_jwt"
	secRefresh2     = "M.C105_BAY.opaqueREFRESHsecret0003!$"
	secClientSecret = "Qx8Q~opaqueCLIENTsecret0004~abc"
	secAssertion    = "opaqueASSERTIONsecret0005"
	secDeviceCode   = "DAQABAAEAAAopaqueDEVICEcode0006"
	secBearer       = "opaqueBEARERsecret0007"
	secClientInfo   = "eyJ1aWQiOiJvcGFxdWVDTElFTlRJTkZPIn0" // base64 JSON, not a JWT
	secAuthCode     = "opaqueAUTHcode0008"
	secPassword     = "hunter2-opaquePASSWORD0009"
	secCookie       = "opaqueCOOKIE0010"
	secBig          = "opaqueBIGrefreshSECRET0011"
	secCamel        = "opaqueCAMELsecret0012"
	secQuery        = "opaqueQUERYsecret0013"
)

var allSecrets = []string{secAccessJWT, secIDJWT, secAccessOpaque, secRefresh, secRefresh2, secClientSecret, secAssertion,
	secDeviceCode, secBearer, secClientInfo, secAuthCode, secPassword, secCookie, secBig, secCamel, secQuery}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTraceRedactsSecrets(t *testing.T) {
	t.Parallel()
	bigJSON := func() string {
		m := map[string]any{"token_type": "Bearer", "padding": strings.Repeat("p", 6000), "refresh_token": secBig, "access_token": secAccessOpaque}
		b, _ := json.Marshal(m)
		return string(b)
	}()
	if len(bigJSON) <= traceBodyLimit {
		t.Fatal("big body is not big")
	}
	type exchange struct {
		name        string
		method      string
		path        string
		reqType     string
		reqBody     string
		reqHeader   map[string]string
		respType    string
		respHeader  map[string]string
		respStatus  int
		respBody    string
		wantVisible []string
	}
	tests := []exchange{
		{
			name: "refresh grant form and JSON token response", method: "POST", path: "/tenant/oauth2/v2.0/token",
			reqType:     "application/x-www-form-urlencoded",
			reqBody:     url.Values{"grant_type": {"refresh_token"}, "client_id": {"04b07795"}, "refresh_token": {secRefresh}, "scope": {"https://graph.microsoft.com/.default offline_access"}}.Encode(),
			respType:    "application/json; charset=utf-8",
			respBody:    `{"token_type":"Bearer","scope":"User.Read","expires_in":3599,"ext_expires_in":3599,"access_token":"` + secAccessJWT + `","refresh_token":"` + secRefresh2 + `","id_token":"` + secIDJWT + `","client_info":"` + secClientInfo + `"}`,
			wantVisible: []string{"grant_type=refresh_token", "04b07795", `"token_type":"Bearer"`, `"expires_in":3599`},
		},
		{
			name: "client secret form", method: "POST", path: "/tenant/oauth2/v2.0/token",
			reqType:     "application/x-www-form-urlencoded",
			reqBody:     "grant_type=client_credentials&client_id=app&client_secret=" + url.QueryEscape(secClientSecret) + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
			respType:    "application/json",
			respBody:    `{"token_type":"Bearer","access_token":"` + secAccessOpaque + `"}`,
			wantVisible: []string{"client_credentials"},
		},
		{
			name: "client assertion form", method: "POST", path: "/tenant/oauth2/v2.0/token",
			reqType:     "application/x-www-form-urlencoded",
			reqBody:     "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + secAssertion,
			respType:    "application/json",
			respBody:    `{"access_token":"` + secAccessOpaque + `"}`,
			wantVisible: []string{"client_assertion_type=urn"},
		},
		{
			name: "device code request and poll", method: "POST", path: "/tenant/oauth2/v2.0/token",
			reqType:     "application/x-www-form-urlencoded",
			reqBody:     "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=14d82eec&device_code=" + secDeviceCode,
			respType:    "application/json",
			respStatus:  400,
			respBody:    `{"error":"authorization_pending","error_description":"AADSTS70016: pending","device_code":"` + secDeviceCode + `","user_code":"ABCD-EFGH"}`,
			wantVisible: []string{"authorization_pending", "ABCD-EFGH", "AADSTS70016"},
		},
		{
			name: "Authorization header, cookies and Graph error code", method: "GET", path: "/v1.0/me",
			reqHeader:   map[string]string{"Authorization": "Bearer " + secBearer, "Cookie": "s=" + secCookie, "Proxy-Authorization": "Basic " + secPassword},
			respType:    "application/json",
			respHeader:  map[string]string{"Set-Cookie": "x=" + secCookie, "request-id": "rid-visible"},
			respStatus:  401,
			respBody:    `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.","innerError":{"request-id":"rid-visible"}}}`,
			wantVisible: []string{`"code":"InvalidAuthenticationToken"`, "rid-visible", "Authorization: [redacted]", "Access token is empty."},
		},
		{
			name: "token response larger than the display limit", method: "POST", path: "/tenant/oauth2/v2.0/token",
			reqType: "application/x-www-form-urlencoded", reqBody: "grant_type=refresh_token&refresh_token=" + url.QueryEscape(secRefresh),
			respType: "application/json", respBody: bigJSON,
			wantVisible: []string{"…(truncated)"},
		},
		{
			name: "mislabelled bodies: JSON as text/plain, form without type", method: "POST", path: "/x",
			reqBody:     "refresh_token=" + secRefresh + "&password=" + secPassword,
			respType:    "text/plain",
			respBody:    `{"accessToken":"` + secCamel + `","secretText":"` + secClientSecret + `","n":12345678901234567890}`,
			wantVisible: []string{"12345678901234567890"},
		},
		{
			name: "unparseable JSON body", method: "POST", path: "/x",
			respType: "application/json", respBody: `{"refresh_token": "` + secRefresh + `", "access_token":` + `"` + secAccessOpaque,
			wantVisible: []string{`"refresh_token": "[redacted]"`},
		},
		{
			name: "secrets in the query", method: "GET", path: "/cb?code=" + secAuthCode + "&state=visible-state&access_token=" + secQuery,
			respStatus: 204, wantVisible: []string{"state=visible-state"},
		},
		{
			name: "HTML answer quoting a form", method: "GET", path: "/html",
			respType: "text/html", respBody: "<p>client_secret=" + secClientSecret + "&amp;x</p>",
			wantVisible: []string{"<p>client_secret=[redacted]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				for k, v := range tt.respHeader {
					w.Header().Set(k, v)
				}
				if tt.respType != "" {
					w.Header().Set("Content-Type", tt.respType)
				}
				w.WriteHeader(max(tt.respStatus, 200))
				_, _ = io.WriteString(w, tt.respBody)
			}))
			defer srv.Close()
			var out syncBuffer
			hc := &http.Client{Transport: &TraceTransport{Base: srv.Client().Transport, Out: &out}}
			var body io.Reader
			if tt.reqBody != "" {
				body = strings.NewReader(tt.reqBody)
			}
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.reqType != "" {
				req.Header.Set("Content-Type", tt.reqType)
			}
			for k, v := range tt.reqHeader {
				req.Header.Set(k, v)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(got) != tt.respBody {
				t.Errorf("caller's body changed by the trace: %v\n%q", err, got)
			}
			trace := out.String()
			for _, s := range allSecrets {
				if strings.Contains(trace, s) || strings.Contains(trace, url.QueryEscape(s)) {
					t.Errorf("secret %q in trace:\n%s", s, trace)
				}
			}
			for _, s := range tt.wantVisible {
				if !strings.Contains(trace, s) {
					t.Errorf("trace lacks %q:\n%s", s, trace)
				}
			}
			if !strings.Contains(trace, "> "+tt.method+" ") {
				t.Errorf("trace lacks the request line:\n%s", trace)
			}
		})
	}
}

func TestTraceKeepsLargeBodiesWhole(t *testing.T) {
	t.Parallel()
	// Larger than what the trace reads: the caller still gets every byte.
	big := `{"value":"` + strings.Repeat("v", traceReadLimit+1000) + `","refresh_token":"` + secRefresh + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, big)
	}))
	defer srv.Close()
	var out syncBuffer
	c := &Client{BaseURL: srv.URL, HTTP: &http.Client{Transport: &TraceTransport{Out: &out}}, MaxBodyBytes: int64(len(big))}
	resp, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != big {
		t.Errorf("body of %d bytes, want %d", len(resp.Body), len(big))
	}
	if strings.Contains(out.String(), secRefresh) || len(out.String()) > traceBodyLimit+4096 {
		t.Errorf("trace of %d bytes", len(out.String()))
	}
	c.MaxBodyBytes = int64(len(big)) - 1
	if _, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x"}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("size cap not enforced behind the trace: %v", err)
	}
}

type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

type brokenBody struct{ n int }

func (b *brokenBody) Read(p []byte) (int, error) {
	if b.n > 0 {
		b.n--
		p[0] = 'x'
		return 1, nil
	}
	return 0, errors.New("connection reset")
}
func (b *brokenBody) Close() error { return nil }

type bodyTransport struct{ body io.ReadCloser }

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: b.body, Request: r}, nil
}

func TestTraceErrors(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	tr := &TraceTransport{Base: failingTransport{errors.New("dial tcp: refused")}, Out: &out}
	req, _ := http.NewRequest(http.MethodPost, "https://user:"+secPassword+"@login.example/token?client_secret="+secClientSecret,
		strings.NewReader("client_secret="+secClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := tr.RoundTrip(req); err == nil {
		t.Fatal("no error")
	}
	trace := out.String()
	if !strings.Contains(trace, "< error after") || !strings.Contains(trace, "refused") {
		t.Errorf("trace:\n%s", trace)
	}
	for _, s := range []string{secPassword, secClientSecret} {
		if strings.Contains(trace, s) {
			t.Errorf("secret %q in trace:\n%s", s, trace)
		}
	}

	// A body that fails mid-way: the caller sees the bytes, then the error.
	tr = &TraceTransport{Base: bodyTransport{&brokenBody{n: 3}}, Out: io.Discard}
	req, _ = http.NewRequest(http.MethodGet, "https://graph.example/x", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if string(got) != "xxx" || err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestRedactBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ctype, body, want string
	}{
		{"application/json", `{"error":{"code":"Forbidden","message":"<b>"}}`, `{"error":{"code":"Forbidden","message":"<b>"}}`},
		{"application/json", `{"code":"visible","Refresh_Token":"x","nested":[{"password":7}],"secret":{"value":"y","token":null}}`,
			`{"code":"visible","Refresh_Token":"[redacted]","nested":[{"password":"[redacted]"}],"secret":{"value":"y","token":null}}`},
		{"application/x-www-form-urlencoded", "code=abc&state=s", "code=%5Bredacted%5D&state=s"},
		{"application/x-www-form-urlencoded", "%zz=1", "[unparseable form body redacted]"},
		{"", "note: code=abc&user_code=U1 token=t2", "note: code=[redacted]&user_code=U1 token=[redacted]"},
		{"text/plain", "Bearer " + secAccessJWT, "Bearer [redacted-jwt]"},
		{"application/json", `{"a":1} trailing refresh_token=zz`, `{"a":1} trailing refresh_token=[redacted]`},
	}
	for _, tt := range tests {
		if got := redactBody(tt.ctype, []byte(tt.body)); got != tt.want {
			t.Errorf("redactBody(%q, %q)\n got %q\nwant %q", tt.ctype, tt.body, got, tt.want)
		}
	}
}
