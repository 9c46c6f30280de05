package graph

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProvisioningLogQueryFilter(t *testing.T) {
	q := ProvisioningLogQuery{JobID: "J", ChangeID: "c'1", Status: "failure", Since: "2026-11-01T00:00:00Z"}
	want := "jobid eq 'J' and changeid eq 'c''1' and provisioningStatusInfo/status eq 'failure' and activityDateTime gt 2026-11-01T00:00:00Z"
	if got := q.Filter(); got != want {
		t.Fatalf("filter\n got %s\nwant %s", got, want)
	}
	all := ProvisioningLogQuery{ServicePrincipalID: "sp", JobID: "J", ChangeID: "c", SubjectID: "u", Status: "success", Action: "create",
		Since: "2026-11-01T00:00:00Z", After: "2026-11-02T00:00:00Z", Until: "2026-11-03T00:00:00Z"}
	want = "servicePrincipal/id eq 'sp' and jobid eq 'J' and changeid eq 'c' and sourceIdentity/id eq 'u' and provisioningStatusInfo/status eq 'success' and provisioningAction eq 'create'" +
		" and activityDateTime gt 2026-11-01T00:00:00Z and activityDateTime gt 2026-11-02T00:00:00Z and activityDateTime lt 2026-11-03T00:00:00Z"
	if got := all.Filter(); got != want {
		t.Fatalf("filter\n got %s\nwant %s", got, want)
	}
	if got := (ProvisioningLogQuery{}).Filter(); got != "" {
		t.Fatalf("empty query filter = %q", got)
	}
}

func TestProvisioningLogsKeepsRawEntries(t *testing.T) {
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		_, _ = w.Write([]byte(`{"value":[{"id":"e1","jobId":"J","extra":1},{"id":"e2"}]}`))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, HTTP: srv.Client()}
	entries, raws, err := c.ProvisioningLogs(context.Background(), ProvisioningLogQuery{JobID: "J", Top: 10, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if want := "$filter=jobid+eq+%27J%27&$orderby=activityDateTime+desc&$top=10"; query != want {
		t.Errorf("query\n got %s\nwant %s", query, want)
	}
	if len(entries) != 2 || entries[0].ID != "e1" || entries[0].JobID != "J" || entries[1].ID != "e2" {
		t.Errorf("entries = %+v", entries)
	}
	if len(raws) != 2 || string(raws[0]) != `{"id":"e1","jobId":"J","extra":1}` {
		t.Errorf("raws = %s", raws)
	}
}

func TestProvisioningLogsBadEntry(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"value":[{"id":"e1"},{"id":7}]}`))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, HTTP: srv.Client()}
	_, _, err := c.ProvisioningLogs(context.Background(), ProvisioningLogQuery{})
	var derr *DecodeError
	if !errors.As(err, &derr) {
		t.Fatalf("err = %v, want a *DecodeError", err)
	}
}
