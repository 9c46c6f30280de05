package graph

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestNewError(t *testing.T) {
	t.Parallel()
	const (
		rid  = "9f8e2c6a-1b7d-4e1a-9c33-0a1b2c3d4e5f"
		crid = "5b6c7d8e-aaaa-4bbb-8ccc-123456789abc"
	)
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		sentCRID   string // what we sent as client-request-id
		body       string
		want       Error
		wantInText []string
	}{
		{
			name:   "innerError spelling (what Graph sends)",
			status: 404,
			body:   `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.","innerError":{"date":"2021-05-18T19:03:10","request-id":"` + rid + `","client-request-id":"` + crid + `"}}}`,
			want: Error{StatusCode: 404, Code: "Request_ResourceNotFound", Message: "Resource 'x' does not exist.",
				RequestID: rid, ClientRequestID: crid, Date: "2021-05-18T19:03:10"},
			wantInText: []string{"Request_ResourceNotFound", "HTTP 404", rid, crid, "2021-05-18T19:03:10"},
		},
		{
			name:   "innererror spelling (what the schema text says)",
			status: 400,
			body:   `{"error":{"code":"BadRequest","message":"m","innererror":{"date":"2021-05-18T19:03:10","request-id":"` + rid + `"}}}`,
			want:   Error{StatusCode: 400, Code: "BadRequest", Message: "m", RequestID: rid, Date: "2021-05-18T19:03:10"},
		},
		{
			name:   "nested innererror: ids from the first level that has them",
			status: 400,
			body:   `{"error":{"code":"BadRequest","message":"outer","innererror":{"code":"inner1","innererror":{"code":"inner2","request-id":"` + rid + `","innerError":{"date":"2020-01-01T00:00:00","request-id":"deeper"}}}}}`,
			want:   Error{StatusCode: 400, Code: "BadRequest", Message: "outer", RequestID: rid, Date: "2020-01-01T00:00:00"},
		},
		{
			name:     "request-id header wins over body; our client-request-id wins",
			status:   403,
			header:   map[string]string{"request-id": "from-header"},
			sentCRID: "sent-crid",
			body:     `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"from-body","client-request-id":"body-crid"}}}`,
			want: Error{StatusCode: 403, Code: "Authorization_RequestDenied", Message: "Insufficient privileges to complete the operation.",
				RequestID: "from-header", ClientRequestID: "sent-crid"},
		},
		{
			name:   "documented throttling body",
			status: 429,
			header: map[string]string{"Retry-After": "2.128"},
			body:   `{"error":{"code":"TooManyRequests","message":"Please retry again later.","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"}}}`,
			want: Error{StatusCode: 429, Code: "TooManyRequests", Message: "Please retry again later.",
				RequestID: "94fb3b52-452a-4535-a601-69e0a90e3aa2", Date: "2020-08-18T12:51:51",
				RetryAfter: 2128 * time.Millisecond, HasRetryAfter: true},
			wantInText: []string{"TooManyRequests", "HTTP 429", "94fb3b52-452a-4535-a601-69e0a90e3aa2"},
		},
		{
			name:   "RequestParameterInvalid for a rule the job lacks",
			status: 400,
			body:   `{"error":{"code":"RequestParameterInvalid","message":"The request identified this synchronization job: scim.4b1ef4d54f6e4fcabfd7a2a6c4e2c4ee.1a2b. The request also identified this synchronization rule: . However, the job does not include the rule.","innerError":{"date":"2020-11-17T17:56:39","request-id":"` + rid + `","client-request-id":"` + crid + `"}}}`,
			want: Error{StatusCode: 400, Code: "RequestParameterInvalid",
				Message:   "The request identified this synchronization job: scim.4b1ef4d54f6e4fcabfd7a2a6c4e2c4ee.1a2b. The request also identified this synchronization rule: . However, the job does not include the rule.",
				RequestID: rid, ClientRequestID: crid, Date: "2020-11-17T17:56:39"},
			wantInText: []string{"RequestParameterInvalid", "HTTP 400", rid},
		},
		{
			name:       "HTML body: first line only",
			status:     502,
			header:     map[string]string{"Date": "Wed, 18 Nov 2026 10:00:00 GMT", "request-id": "gw"},
			body:       "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>…</body></html>",
			want:       Error{StatusCode: 502, Message: "<html>", RequestID: "gw", Date: "Wed, 18 Nov 2026 10:00:00 GMT"},
			wantInText: []string{"HTTP 502", "request-id gw"},
		},
		{
			name:   "plain text body",
			status: 503,
			body:   "Service Unavailable\n",
			want:   Error{StatusCode: 503, Message: "Service Unavailable"},
		},
		{
			name:       "empty body: message from the status",
			status:     404,
			want:       Error{StatusCode: 404},
			wantInText: []string{"Not Found (HTTP 404)"},
		},
		{
			name:   "JSON without error member",
			status: 500,
			body:   `{"value":[]}`,
			want:   Error{StatusCode: 500, Message: `{"value":[]}`},
		},
		{
			name:   "error member of the wrong type",
			status: 500,
			body:   `{"error":42}`,
			want:   Error{StatusCode: 500, Message: `{"error":42}`},
		},
		{
			name:   "error member null",
			status: 500,
			body:   `{"error":null}`,
			want:   Error{StatusCode: 500, Message: `{"error":null}`},
		},
		{
			name:       "OAuth-style error",
			status:     400,
			body:       `{"error":"invalid_grant","error_description":"AADSTS70000: The grant is expired.\r\nTrace ID: x"}`,
			want:       Error{StatusCode: 400, Code: "invalid_grant", Message: "AADSTS70000: The grant is expired."},
			wantInText: []string{"invalid_grant", "HTTP 400"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got := newError(&Response{StatusCode: tt.status, Header: h, Body: []byte(tt.body),
				RequestID: h.Get("request-id"), ClientRequestID: tt.sentCRID})
			if *got != tt.want {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
			text := got.Error()
			for _, s := range tt.wantInText {
				if !strings.Contains(text, s) {
					t.Errorf("Error() = %q lacks %q", text, s)
				}
			}
			if strings.ContainsAny(text, "\r\n") {
				t.Errorf("Error() spans lines: %q", text)
			}
		})
	}
}

func TestFirstLineCutsOnRuneBoundary(t *testing.T) {
	t.Parallel()
	s := strings.Repeat("é", 150) // 300 bytes
	got := firstLine(s, 201)
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || len(got) > 201+len("…") {
		t.Errorf("firstLine = %q", got)
	}
	if got := firstLine("ok\xff\nsecond", 200); got != "ok\uFFFD" {
		t.Errorf("firstLine invalid UTF-8 = %q", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	ref := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"   ", 0, false},
		{"0", 0, true},
		{"2", 2 * time.Second, true},
		{" 2 ", 2 * time.Second, true},
		{"2.128", 2128 * time.Millisecond, true},
		{"1.001", 1001 * time.Millisecond, true},
		{"0.000000001", time.Nanosecond, true},
		{"0.0000000019", time.Nanosecond, true}, // beyond ns: truncated
		{".5", 500 * time.Millisecond, true},
		{"5.", 5 * time.Second, true},
		{"007", 7 * time.Second, true},
		{"86400", 24 * time.Hour, true},
		{"86401", 24 * time.Hour, true},
		{"99999999999999999999999", 24 * time.Hour, true},
		{".", 0, false},
		{"-1", 0, false},
		{"+2", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"1.2.3", 0, false},
		{"2 s", 0, false},
		{"soon", 0, false},
		{ref.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{ref.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{ref.Add(48 * time.Hour).Format(http.TimeFormat), 24 * time.Hour, true},
		{ref.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second, true},
		{ref.Add(30 * time.Second).Format(time.ANSIC), 30 * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, ref)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestRetryPolicyNext(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{Jitter: func() float64 { return 0 }}.withDefaults()
	if p.MaxAttempts != 5 || p.BaseDelay != time.Second || p.MaxDelay != 30*time.Second || p.MaxTotal != 2*time.Minute {
		t.Errorf("defaults %+v", p)
	}
	e503 := &Error{StatusCode: 503}
	// Jitter 0 gives the lower half: b/2.
	for attempt, want := range map[int]time.Duration{1: 500 * time.Millisecond, 2: time.Second, 3: 2 * time.Second, 4: 4 * time.Second} {
		if got, ok := p.next(attempt, e503, 0); !ok || got != want {
			t.Errorf("attempt %d: %v %v, want %v", attempt, got, ok, want)
		}
	}
	if _, ok := p.next(5, e503, 0); ok {
		t.Error("retried past MaxAttempts")
	}
	huge := RetryPolicy{MaxAttempts: 1000, MaxTotal: time.Hour, Jitter: func() float64 { return 0.999 }}.withDefaults()
	if got, ok := huge.next(900, e503, 0); !ok || got != huge.MaxDelay {
		t.Errorf("huge attempt: %v %v", got, ok)
	}
	if _, ok := p.next(1, e503, 2*time.Minute); ok {
		t.Error("retried past MaxTotal")
	}
	if _, ok := p.next(1, &NetworkError{Err: &NetworkError{}}, 0); !ok {
		t.Error("network error not retried")
	}
}
