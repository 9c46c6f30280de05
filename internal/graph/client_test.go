package graph

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const okBody = `{"id":"1"}`

func TestRetry(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	throttle := func(h map[string]string) step {
		return step{status: 429, header: h, body: `{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`}
	}
	ok := step{status: 200, body: okBody}
	tests := []struct {
		name       string
		policy     RetryPolicy
		steps      []step
		wantReqs   int
		wantWaits  []time.Duration
		wantStatus int // 0: success
	}{
		{
			name:      "429 Retry-After integer",
			steps:     []step{throttle(map[string]string{"Retry-After": "2"}), ok},
			wantReqs:  2,
			wantWaits: []time.Duration{2 * time.Second},
		},
		{
			name:      "429 Retry-After fractional",
			steps:     []step{throttle(map[string]string{"Retry-After": "2.128"}), ok},
			wantReqs:  2,
			wantWaits: []time.Duration{2128 * time.Millisecond},
		},
		{
			name:      "429 Retry-After fractional exact decimal",
			steps:     []step{throttle(map[string]string{"Retry-After": "1.001"}), ok},
			wantReqs:  2,
			wantWaits: []time.Duration{1001 * time.Millisecond},
		},
		{
			name: "429 Retry-After HTTP date, measured from the answer's Date",
			steps: []step{throttle(map[string]string{
				"Date":        date.Format(http.TimeFormat),
				"Retry-After": date.Add(7 * time.Second).Format(http.TimeFormat),
			}), ok},
			wantReqs:  2,
			wantWaits: []time.Duration{7 * time.Second},
		},
		{
			name: "429 Retry-After HTTP date in the past",
			steps: []step{throttle(map[string]string{
				"Date":        date.Format(http.TimeFormat),
				"Retry-After": date.Add(-time.Minute).Format(http.TimeFormat),
			}), ok},
			wantReqs:  2,
			wantWaits: []time.Duration{0},
		},
		{
			name:   "429 without Retry-After: exponential backoff, jitter 0.5, capped by MaxDelay",
			policy: RetryPolicy{BaseDelay: time.Second, MaxDelay: 2 * time.Second, MaxAttempts: 5},
			steps:  []step{throttle(nil), throttle(nil), throttle(nil), throttle(nil), ok},
			// backoff b = 1s,2s,4s,8s → b/2 + b/2*0.5 = 0.75s,1.5s,3s,6s → capped at 2s
			wantReqs:  5,
			wantWaits: []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 2 * time.Second, 2 * time.Second},
		},
		{
			name:      "garbage Retry-After falls back to backoff",
			policy:    RetryPolicy{BaseDelay: 100 * time.Millisecond},
			steps:     []step{throttle(map[string]string{"Retry-After": "soon"}), ok},
			wantReqs:  2,
			wantWaits: []time.Duration{75 * time.Millisecond},
		},
		{
			name:      "503 retried",
			steps:     []step{{status: 503, header: map[string]string{"Retry-After": "1"}}, ok},
			wantReqs:  2,
			wantWaits: []time.Duration{time.Second},
		},
		{
			name:      "504 retried",
			policy:    RetryPolicy{BaseDelay: 200 * time.Millisecond},
			steps:     []step{{status: 504}, {status: 504}, ok},
			wantReqs:  3,
			wantWaits: []time.Duration{150 * time.Millisecond, 300 * time.Millisecond},
		},
		{name: "500 not retried", steps: []step{{status: 500}, ok}, wantReqs: 1, wantStatus: 500},
		{name: "400 not retried", steps: []step{{status: 400, body: `{"error":{"code":"BadRequest"}}`}, ok}, wantReqs: 1, wantStatus: 400},
		{name: "404 not retried", steps: []step{{status: 404}, ok}, wantReqs: 1, wantStatus: 404},
		{name: "403 not retried", steps: []step{{status: 403}, ok}, wantReqs: 1, wantStatus: 403},
		{
			name:       "give up after MaxAttempts",
			policy:     RetryPolicy{MaxAttempts: 3},
			steps:      []step{throttle(map[string]string{"Retry-After": "1"})},
			wantReqs:   3,
			wantWaits:  []time.Duration{time.Second, time.Second},
			wantStatus: 429,
		},
		{
			name:       "MaxTotal bounds the sum of waits",
			policy:     RetryPolicy{MaxAttempts: 10, MaxTotal: 5 * time.Second},
			steps:      []step{throttle(map[string]string{"Retry-After": "2"})},
			wantReqs:   3, // waits 2s+2s; a third 2s wait would reach 6s > 5s
			wantWaits:  []time.Duration{2 * time.Second, 2 * time.Second},
			wantStatus: 429,
		},
		{
			name:       "Retry-After beyond MaxTotal is not waited for",
			policy:     RetryPolicy{MaxTotal: time.Minute},
			steps:      []step{throttle(map[string]string{"Retry-After": "3600"})},
			wantReqs:   1,
			wantStatus: 429,
		},
		{
			name:      "network error retried",
			policy:    RetryPolicy{BaseDelay: 10 * time.Millisecond},
			steps:     []step{{hijack: true}, ok},
			wantReqs:  2,
			wantWaits: []time.Duration{7500 * time.Microsecond},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newScriptServer(t, true, tt.steps...)
			c, rec := newTestClient(srv.Server, nil)
			pol := tt.policy
			pol.Jitter = c.Retry.Jitter
			c.Retry = pol
			var out map[string]any
			err := c.Get(context.Background(), "things", nil, &out)
			if got := len(srv.requests()); got != tt.wantReqs {
				t.Errorf("requests = %d, want %d", got, tt.wantReqs)
			}
			if got := rec.recorded(); !reflect.DeepEqual(got, tt.wantWaits) && (len(got) != 0 || len(tt.wantWaits) != 0) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if out["id"] != "1" {
					t.Errorf("decoded %v", out)
				}
				return
			}
			var gerr *Error
			if !errors.As(err, &gerr) {
				t.Fatalf("err = %T %v, want *Error", err, err)
			}
			if gerr.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", gerr.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestRetryFinalErrorCarriesLastRequestID(t *testing.T) {
	t.Parallel()
	var steps []step
	for i := 1; i <= 3; i++ {
		steps = append(steps, step{status: 429, header: map[string]string{
			"Retry-After": "1", "request-id": fmt.Sprintf("rid-%d", i),
		}, body: `{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`})
	}
	srv := newScriptServer(t, true, steps...)
	c, _ := newTestClient(srv.Server, nil)
	c.Retry.MaxAttempts = 3
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x"})
	var gerr *Error
	if !errors.As(err, &gerr) {
		t.Fatalf("err = %v", err)
	}
	reqs := srv.requests()
	if gerr.StatusCode != 429 || gerr.Code != "TooManyRequests" || gerr.RequestID != "rid-3" {
		t.Errorf("got %+v", gerr)
	}
	if gerr.ClientRequestID != reqs[2].Header.Get("client-request-id") {
		t.Errorf("client-request-id %q, last sent %q", gerr.ClientRequestID, reqs[2].Header.Get("client-request-id"))
	}
	if !gerr.HasRetryAfter || gerr.RetryAfter != time.Second {
		t.Errorf("RetryAfter = %v/%v", gerr.RetryAfter, gerr.HasRetryAfter)
	}
	for _, want := range []string{"TooManyRequests", "HTTP 429", "rid-3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err.Error(), want)
		}
	}
}

func TestRequestHeadersOnEveryAttempt(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true,
		step{status: 503},
		step{status: 429, header: map[string]string{"Retry-After": "0"}},
		step{status: 200, header: map[string]string{"request-id": "server-rid"}, body: okBody})
	tokens := &fakeTokens{}
	c, _ := newTestClient(srv.Server, tokens)
	c.Retry.BaseDelay = time.Millisecond
	resp, err := c.Do(context.Background(), &Request{
		Method: http.MethodGet, Path: "servicePrincipals",
		Query:  url.Values{"$filter": {"displayName eq 'a b'"}},
		Header: http.Header{"ConsistencyLevel": {"eventual"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	ids := map[string]bool{}
	for i, r := range reqs {
		crid := r.Header.Get("client-request-id")
		if !guidRe.MatchString(crid) {
			t.Errorf("attempt %d: client-request-id %q is not a v4 GUID", i+1, crid)
		}
		if ids[crid] {
			t.Errorf("attempt %d: client-request-id %q reused", i+1, crid)
		}
		ids[crid] = true
		wantAttempt := ""
		if i > 0 {
			wantAttempt = strconv.Itoa(i)
		}
		if got := r.Header.Get("Retry-Attempt"); got != wantAttempt {
			t.Errorf("attempt %d: Retry-Attempt %q, want %q", i+1, got, wantAttempt)
		}
		if got := r.Header.Get("User-Agent"); got != "provctl/1.2.3" {
			t.Errorf("User-Agent %q", got)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer cached-token" {
			t.Errorf("Authorization %q", got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("Accept %q", got)
		}
		if got := r.Header.Get("ConsistencyLevel"); got != "eventual" {
			t.Errorf("ConsistencyLevel %q", got)
		}
		if !strings.HasPrefix(r.URL, "/v1.0/servicePrincipals?$filter=displayName+eq+%27a+b%27") {
			t.Errorf("URL %q", r.URL)
		}
	}
	if resp.RequestID != "server-rid" || resp.ClientRequestID != reqs[2].Header.Get("client-request-id") {
		t.Errorf("response ids %q %q", resp.RequestID, resp.ClientRequestID)
	}
	if got := tokens.refreshFlags(); !reflect.DeepEqual(got, []bool{false, false, false}) {
		t.Errorf("token calls %v", got)
	}
}

func TestUnauthorizedForcesOneRefresh(t *testing.T) {
	t.Parallel()
	unauth := step{status: 401, header: map[string]string{"request-id": "rid-401"},
		body: `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`}
	ok := step{status: 200, body: okBody}
	tests := []struct {
		name       string
		steps      []step
		wantCalls  []bool
		wantAuth   []string
		wantStatus int
	}{
		{
			name:      "refresh then success",
			steps:     []step{unauth, ok},
			wantCalls: []bool{false, true},
			wantAuth:  []string{"Bearer cached-token", "Bearer fresh-token"},
		},
		{
			name:       "second 401 is returned",
			steps:      []step{unauth, unauth, ok},
			wantCalls:  []bool{false, true},
			wantAuth:   []string{"Bearer cached-token", "Bearer fresh-token"},
			wantStatus: 401,
		},
		{
			name:      "refresh only on the attempt after the 401",
			steps:     []step{unauth, {status: 429, header: map[string]string{"Retry-After": "0"}}, ok},
			wantCalls: []bool{false, true, false},
			wantAuth:  []string{"Bearer cached-token", "Bearer fresh-token", "Bearer cached-token"},
		},
		{
			name:       "401 after a retry still refreshes once",
			steps:      []step{{status: 503, header: map[string]string{"Retry-After": "0"}}, unauth, unauth},
			wantCalls:  []bool{false, false, true},
			wantAuth:   []string{"Bearer cached-token", "Bearer cached-token", "Bearer fresh-token"},
			wantStatus: 401,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newScriptServer(t, true, tt.steps...)
			tokens := &fakeTokens{}
			c, _ := newTestClient(srv.Server, tokens)
			err := c.Get(context.Background(), "me", nil, nil)
			if got := tokens.refreshFlags(); !reflect.DeepEqual(got, tt.wantCalls) {
				t.Errorf("refresh flags %v, want %v", got, tt.wantCalls)
			}
			var auth []string
			for _, r := range srv.requests() {
				auth = append(auth, r.Header.Get("Authorization"))
			}
			if !reflect.DeepEqual(auth, tt.wantAuth) {
				t.Errorf("Authorization %v, want %v", auth, tt.wantAuth)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var gerr *Error
			if !errors.As(err, &gerr) || gerr.StatusCode != tt.wantStatus || gerr.Code != "InvalidAuthenticationToken" || gerr.RequestID != "rid-401" {
				t.Fatalf("err = %#v", err)
			}
		})
	}
}

func TestUnauthorizedWithoutTokenSourceIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 401}, step{status: 200, body: okBody})
	c, rec := newTestClient(srv.Server, nil)
	err := c.Get(context.Background(), "me", nil, nil)
	var gerr *Error
	if !errors.As(err, &gerr) || gerr.StatusCode != 401 {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 || len(rec.recorded()) != 0 {
		t.Errorf("requests %d, waits %v", n, rec.recorded())
	}
	if h := srv.requests()[0].Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization sent without a token source: %q", h)
	}
}

func TestTokenSourceError(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: okBody})
	boom := errors.New("sign-in required")
	c, _ := newTestClient(srv.Server, &fakeTokens{err: boom})
	if err := c.Get(context.Background(), "me", nil, nil); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

func TestContextCancelDuringSleep(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 429, header: map[string]string{"Retry-After": "30"}})
	c, rec := newTestClient(srv.Server, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel while "sleeping", then wait with the real timer-based sleep.
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		_ = rec.sleep(context.Background(), d)
		cancel()
		return (&Client{}).sleep(ctx, d)
	}
	err := c.Get(ctx, "x", nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests", n)
	}
	if w := rec.recorded(); len(w) != 1 || w[0] != 30*time.Second {
		t.Errorf("waits %v", w)
	}
}

func TestDefaultSleep(t *testing.T) {
	t.Parallel()
	c := &Client{}
	if err := c.sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep on canceled ctx: %v", err)
	}
}

func TestContextCanceledBeforeSend(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: okBody})
	c, rec := newTestClient(srv.Server, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Get(ctx, "x", nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(rec.recorded()) != 0 {
		t.Errorf("context error was retried: %v", rec.recorded())
	}
}

func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: okBody})
	c, rec := newTestClient(srv.Server, nil)
	c.HTTP = &http.Client{} // does not trust the test server's certificate
	err := c.Get(context.Background(), "x", nil, nil)
	var nerr *NetworkError
	if !errors.As(err, &nerr) {
		t.Fatalf("err = %T %v", err, err)
	}
	if len(rec.recorded()) != 0 {
		t.Errorf("certificate error retried: %v", rec.recorded())
	}
}

func TestNetworkErrorGivesUp(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, false, step{hijack: true})
	c, rec := newTestClient(srv.Server, nil)
	c.Retry.MaxAttempts = 3
	c.Retry.BaseDelay = time.Millisecond
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x", Query: url.Values{"$filter": {"secret eq 'x'"}}})
	var nerr *NetworkError
	if !errors.As(err, &nerr) {
		t.Fatalf("err = %T %v", err, err)
	}
	if strings.Contains(nerr.Error(), "secret") || strings.Contains(nerr.URL, "?") {
		t.Errorf("network error shows the query: %v", nerr)
	}
	if len(rec.recorded()) != 2 {
		t.Errorf("waits %v", rec.recorded())
	}
}

func TestPostBodyAndNoContent(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 503, header: map[string]string{"Retry-After": "0"}}, step{status: 204})
	c, _ := newTestClient(srv.Server, &fakeTokens{})
	body := OnDemandRequest{Parameters: []OnDemandParameters{{
		RuleID:   "33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2",
		Subjects: []OnDemandSubject{{ObjectID: "9bb0f679-a883-4a6f-8260-35b491b8b8c8", ObjectTypeName: "User"}},
	}}}
	out := map[string]any{"untouched": true}
	if err := c.Post(context.Background(), Path("servicePrincipals", "sp", "synchronization", "jobs", "j", "start"), body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Errorf("out changed by a 204: %v", out)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	want := `{"parameters":[{"ruleId":"33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2","subjects":[{"objectId":"9bb0f679-a883-4a6f-8260-35b491b8b8c8","objectTypeName":"User"}]}]}`
	for _, r := range reqs {
		if r.Method != http.MethodPost || r.Body != want || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %q %q", r.Method, r.Body, r.Header.Get("Content-Type"))
		}
		if r.URL != "/v1.0/servicePrincipals/sp/synchronization/jobs/j/start" {
			t.Errorf("URL %q", r.URL)
		}
	}
}

func TestPostUnencodableBody(t *testing.T) {
	t.Parallel()
	c := &Client{BaseURL: "https://127.0.0.1:1"}
	if err := c.Post(context.Background(), "x", func() {}, nil); err == nil || !strings.Contains(err.Error(), "encode request body") {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeErrorOnBadJSON(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, header: map[string]string{"request-id": "rid-bad"}, body: `<html>`})
	c, _ := newTestClient(srv.Server, nil)
	var out struct{}
	err := c.Get(context.Background(), "x", nil, &out)
	var derr *DecodeError
	if !errors.As(err, &derr) || derr.RequestID != "rid-bad" || !strings.Contains(err.Error(), "rid-bad") {
		t.Fatalf("err = %v", err)
	}
	if errors.Unwrap(derr) == nil {
		t.Error("DecodeError does not unwrap")
	}
}

func TestResponseSizeCap(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: `{"value":"` + strings.Repeat("x", 100) + `"}`})
	c, _ := newTestClient(srv.Server, nil)
	c.MaxBodyBytes = 50
	if err := c.Get(context.Background(), "x", nil, nil); err == nil || !strings.Contains(err.Error(), "larger than 50 bytes") {
		t.Fatalf("err = %v", err)
	}
	c.MaxBodyBytes = 200
	if err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatalf("err = %v", err)
	}
}

func TestURLBuilding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, version, path string
		q                   url.Values
		want                string
	}{
		{"https://graph.microsoft.com", "", "servicePrincipals", nil, "https://graph.microsoft.com/beta/servicePrincipals"},
		{"https://graph.microsoft.com/", "v1.0", "/servicePrincipals", nil, "https://graph.microsoft.com/v1.0/servicePrincipals"},
		{"https://graph.microsoft.us", "v1.0", "auditLogs/provisioning",
			url.Values{"$top": {"500"}, "$filter": {"jobId eq 'a$b'"}},
			"https://graph.microsoft.us/v1.0/auditLogs/provisioning?$filter=jobId+eq+%27a$b%27&$top=500"},
		{"https://h", "v1.0", "x", url.Values{"q": {"100%24"}}, "https://h/v1.0/x?q=100%2524"},
	}
	for _, tt := range tests {
		c := &Client{BaseURL: tt.base, APIVersion: tt.version}
		if got := c.url(tt.path, tt.q); got != tt.want {
			t.Errorf("url(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestDefaultUserAgent(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, false, step{status: 200, body: okBody})
	c, _ := newTestClient(srv.Server, nil)
	c.UserAgent = ""
	if err := c.Get(context.Background(), "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if ua := srv.requests()[0].Header.Get("User-Agent"); ua != "provctl/dev" {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestNewGUID(t *testing.T) {
	t.Parallel()
	seenIDs := map[string]bool{}
	for range 1000 {
		g := newGUID()
		if !guidRe.MatchString(g) || seenIDs[g] {
			t.Fatalf("bad or repeated GUID %q", g)
		}
		seenIDs[g] = true
	}
}

func TestPermanentNetworkError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&net.DNSError{Err: "no such host", Name: "graph.invalid", IsNotFound: true}, true},
		{&net.DNSError{Err: "server misbehaving", Name: "graph.microsoft.com", IsTemporary: true}, false},
		{fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), true},
		{x509.HostnameError{Host: "evil"}, true},
		{x509.CertificateInvalidError{Reason: x509.Expired}, true},
		{&tls.CertificateVerificationError{Err: errors.New("x")}, true},
		{io.ErrUnexpectedEOF, false},
		{syscall.ECONNRESET, false},
	}
	for _, tt := range tests {
		if got := permanentNetworkError(tt.err); got != tt.want {
			t.Errorf("permanentNetworkError(%v) = %v", tt.err, got)
		}
		if got := retryable(&NetworkError{Err: tt.err}); got == tt.want {
			t.Errorf("retryable(%v) = %v", tt.err, got)
		}
	}
}

// Request.Header reaches Graph on a body-less GET, Content-Type included
// (the apply. resource lists it as a required request header).
func TestRequestHeaderOnGet(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: okBody})
	c, _ := newTestClient(srv.Server, &fakeTokens{})
	var out struct{ ID string }
	resp, err := c.Do(context.Background(), &Request{
		Method: http.MethodGet,
		Path:   "servicePrincipals/sp/synchronization/jobs/apply.J",
		Header: http.Header{"Content-Type": {"application/json"}},
	})
	if err == nil {
		err = DecodeObject(resp, &out)
	}
	if err != nil || out.ID != "1" {
		t.Fatalf("%+v %v", out, err)
	}
	r := srv.requests()[0]
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q, want application/json", got)
	}
	if r.Method != http.MethodGet || r.Body != "" {
		t.Errorf("%s with body %q", r.Method, r.Body)
	}
}
