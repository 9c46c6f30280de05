package graph

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// wireRecorder answers every request with a fixed body and records each
// as "METHOD /path?query" with its Content-Type and body.
type wireRecorder struct {
	mu   sync.Mutex
	seen []wireRequest
}

type wireRequest struct {
	line, contentType, body string
}

func newWireServer(t *testing.T, status int, header http.Header, body string) (*Client, *wireRecorder) {
	t.Helper()
	rec := &wireRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		line := r.Method + " " + r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			line += "?" + r.URL.RawQuery
		}
		rec.mu.Lock()
		rec.seen = append(rec.seen, wireRequest{line, r.Header.Get("Content-Type"), string(b)})
		rec.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return &Client{BaseURL: srv.URL, HTTP: srv.Client(), Retry: RetryPolicy{MaxAttempts: 1}}, rec
}

func (r *wireRecorder) only(t *testing.T) wireRequest {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seen) != 1 {
		t.Fatalf("requests = %+v, want exactly one", r.seen)
	}
	return r.seen[0]
}

// The endpoint methods send exactly these requests: paths, query strings,
// headers and bodies are what Graph (and the emulator) expect.
func TestEndpointRequests(t *testing.T) {
	ctx := context.Background()
	const list = `{"value":[]}`
	cases := []struct {
		name, answer, want, contentType, body string
		call                                  func(c *Client) error
	}{
		{"ListJobs", list, "GET /beta/servicePrincipals/sp/synchronization/jobs", "", "",
			func(c *Client) error { _, err := c.ListJobs(ctx, "sp"); return err }},
		{"GetJob", `{"id":"J.1"}`, "GET /beta/servicePrincipals/sp/synchronization/jobs/J.1", "", "",
			func(c *Client) error { _, err := c.GetJob(ctx, "sp", "J.1"); return err }},
		{"GetApplyResource", `{}`, "GET /beta/servicePrincipals/sp/synchronization/jobs/apply.J.1", "application/json", "",
			func(c *Client) error { _, err := c.GetApplyResource(ctx, "sp", "J.1"); return err }},
		{"GetSchema", `{}`, "GET /beta/servicePrincipals/sp/synchronization/jobs/J.1/schema", "", "",
			func(c *Client) error { _, err := c.GetSchema(ctx, "sp", "J.1"); return err }},
		{"StartJob", ``, "POST /beta/servicePrincipals/sp/synchronization/jobs/J.1/start", "", "",
			func(c *Client) error { return c.StartJob(ctx, "sp", "J.1") }},
		{"PauseJob", ``, "POST /beta/servicePrincipals/sp/synchronization/jobs/J.1/pause", "", "",
			func(c *Client) error { return c.PauseJob(ctx, "sp", "J.1") }},
		{"RestartJob", ``, "POST /beta/servicePrincipals/sp/synchronization/jobs/J.1/restart", "", "",
			func(c *Client) error { return c.RestartJob(ctx, "sp", "J.1", "") }},
		{"RestartJob scope", ``, "POST /beta/servicePrincipals/sp/synchronization/jobs/J.1/restart", "application/json", `{"criteria":{"resetScope":"Watermark, Full"}}`,
			func(c *Client) error { return c.RestartJob(ctx, "sp", "J.1", "Watermark, Full") }},
		{"ProvisionOnDemand", `{"key":"","value":""}`, "POST /beta/servicePrincipals/sp/synchronization/jobs/J.1/provisionOnDemand", "application/json",
			`{"parameters":[{"ruleId":"r1","subjects":[{"objectId":"u1","objectTypeName":"User"}]}]}`,
			func(c *Client) error {
				_, err := c.ProvisionOnDemand(ctx, "sp", "J.1", OnDemandRequest{Parameters: []OnDemandParameters{{RuleID: "r1", Subjects: []OnDemandSubject{{ObjectID: "u1", ObjectTypeName: "User"}}}}})
				return err
			}},
		{"GetServicePrincipal", `{}`, "GET /beta/servicePrincipals/sp?$select=id%2CappId%2CdisplayName", "", "",
			func(c *Client) error { _, err := c.GetServicePrincipal(ctx, "sp"); return err }},
		{"ServicePrincipalsByAppID", list, "GET /beta/servicePrincipals?$filter=appId+eq+%27a%27%27b%27&$select=id%2CappId%2CdisplayName%2Ctags&$top=100", "", "",
			func(c *Client) error { _, err := c.ServicePrincipalsByAppID(ctx, "a'b", 50); return err }},
		{"ServicePrincipalsByName", list, "GET /beta/servicePrincipals?$filter=displayName+eq+%27Box%27&$select=id%2CappId%2CdisplayName%2Ctags&$top=100", "", "",
			func(c *Client) error { _, err := c.ServicePrincipalsByName(ctx, "Box", 50); return err }},
		{"ServicePrincipalsByPrefix", list, "GET /beta/servicePrincipals?$filter=startswith%28displayName%2C%27Bo%27%29&$select=id%2CappId%2CdisplayName%2Ctags&$top=100", "", "",
			func(c *Client) error { _, err := c.ServicePrincipalsByPrefix(ctx, "Bo", 50); return err }},
		{"ServicePrincipalsByPrefix all", list, "GET /beta/servicePrincipals?$select=id%2CappId%2CdisplayName%2Ctags&$top=100", "", "",
			func(c *Client) error { _, err := c.ServicePrincipalsByPrefix(ctx, "", 0); return err }},
		{"GetUser", `{}`, "GET /beta/users/u1?$select=id%2CdisplayName%2CuserPrincipalName", "", "",
			func(c *Client) error { _, err := c.GetUser(ctx, "u1"); return err }},
		{"UsersByUPN", list, "GET /beta/users?$filter=userPrincipalName+eq+%27o%27%27neil%40contoso.com%27&$select=id%2CdisplayName%2CuserPrincipalName", "", "",
			func(c *Client) error { _, err := c.UsersByUPN(ctx, "o'neil@contoso.com", 2); return err }},
		{"GetGroup", `{}`, "GET /beta/groups/g1?$select=id%2CdisplayName", "", "",
			func(c *Client) error { _, err := c.GetGroup(ctx, "g1"); return err }},
		{"GroupsByName", list, "GET /beta/groups?$filter=displayName+eq+%27Sales%27&$select=id%2CdisplayName", "", "",
			func(c *Client) error { _, err := c.GroupsByName(ctx, "Sales", 20); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status := http.StatusOK
			if tc.answer == "" {
				status = http.StatusNoContent
			}
			c, rec := newWireServer(t, status, nil, tc.answer)
			if err := tc.call(c); err != nil {
				t.Fatal(err)
			}
			got := rec.only(t)
			if got.line != tc.want {
				t.Errorf("request\n got %s\nwant %s", got.line, tc.want)
			}
			if got.contentType != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got.contentType, tc.contentType)
			}
			if tc.body != "" && got.body != tc.body {
				t.Errorf("body\n got %s\nwant %s", got.body, tc.body)
			}
		})
	}
}

func TestGetApplyResourceKeepsRawAndRefusesNull(t *testing.T) {
	body := `{"id":"apply.J.1","templateId":"T","status":{}}`
	c, _ := newWireServer(t, http.StatusOK, nil, body)
	res, err := c.GetApplyResource(context.Background(), "sp", "J.1")
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Raw) != body || res.TemplateID != "T" {
		t.Errorf("resource = %+v, raw %s", res, res.Raw)
	}
	c, _ = newWireServer(t, http.StatusOK, nil, `null`)
	if _, err := c.GetApplyResource(context.Background(), "sp", "J.1"); err == nil || !strings.Contains(err.Error(), "unexpected response") {
		t.Fatalf("err = %v, want an unexpected-response error", err)
	}
}

func TestProvisionOnDemandAnswer(t *testing.T) {
	body := `{"key":"{\"result\":\"Success\"}","value":"{\"changeId\":\"c1\"}"}`
	date := "Mon, 30 Nov 2026 09:00:05 GMT"
	c, _ := newWireServer(t, http.StatusOK, http.Header{"Date": {date}}, body)
	resp, err := c.ProvisionOnDemand(context.Background(), "sp", "J.1", OnDemandRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Date != date || string(resp.Raw) != body || resp.Sent.IsZero() || resp.Received.Before(resp.Sent) {
		t.Errorf("response = %+v", resp)
	}
	if len(resp.Answer.Records) != 1 || resp.Answer.Records[0].ChangeID != "c1" {
		t.Errorf("answer = %+v", resp.Answer)
	}
	// An answer that cannot be read may still have been applied.
	c, _ = newWireServer(t, http.StatusOK, nil, `{"key":"{bad","value":""}`)
	if _, err := c.ProvisionOnDemand(context.Background(), "sp", "J.1", OnDemandRequest{}); !MayHaveBeenApplied(err) {
		t.Fatalf("err = %v, want a may-have-been-applied error", err)
	}
}

func TestStatusOf(t *testing.T) {
	gerr := &Error{StatusCode: http.StatusNotFound}
	wrapped := &MaybeAppliedError{Method: "POST", Path: "/x", Err: gerr}
	if StatusOf(gerr) != 404 || StatusOf(wrapped) != 404 || StatusOf(io.EOF) != 0 || StatusOf(nil) != 0 {
		t.Error("StatusOf")
	}
	if !IsStatus(wrapped, 400, 404) || IsStatus(wrapped, 400) || IsStatus(io.EOF, 0) || IsStatus(gerr) {
		t.Error("IsStatus")
	}
}
