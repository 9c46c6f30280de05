package odata

import (
	"net/url"
	"testing"
)

func TestSkipTokenRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 100, 12345} {
		if got, ok := DecodeSkipToken(EncodeSkipToken(n)); !ok || got != n {
			t.Errorf("%d: got %d, %v", n, got, ok)
		}
	}
	for _, bad := range []string{"", "!!", EncodeSkipToken(-1), "ZW11LXNraXA6eA"} {
		if _, ok := DecodeSkipToken(bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestPageBounds(t *testing.T) {
	tests := []struct {
		p          Page
		n          int
		start, end int
		more       bool
	}{
		{Page{0, 2}, 5, 0, 2, true},
		{Page{4, 2}, 5, 4, 5, false},
		{Page{9, 2}, 5, 5, 5, false},
	}
	for _, tt := range tests {
		s, e, m := tt.p.Bounds(tt.n)
		if s != tt.start || e != tt.end || m != tt.more {
			t.Errorf("%+v.Bounds(%d) = %d, %d, %v", tt.p, tt.n, s, e, m)
		}
	}
}

func TestSelectAndNextLink(t *testing.T) {
	sample := map[string]any{"id": 1, "displayName": "x", "appId": "y"}
	fields, unknown := SelectFields("ID, displayname", sample)
	if unknown != "" || len(fields) != 2 || fields[0] != "id" || fields[1] != "displayName" {
		t.Fatalf("SelectFields = %v, %q", fields, unknown)
	}
	if _, unknown := SelectFields("id,nope", sample); unknown != "nope" {
		t.Errorf("unknown = %q", unknown)
	}
	if got := SelectContext("servicePrincipals", fields); got != "servicePrincipals(id,displayName)" {
		t.Errorf("SelectContext = %q", got)
	}
	if got := Project(sample, []string{"appId"}); len(got) != 1 || got["appId"] != "y" {
		t.Errorf("Project = %v", got)
	}
	q := url.Values{"$filter": {"a eq 'b c'"}, "skiptoken": {"old"}}
	if got := NextLinkQuery(q, 3); got != "$filter=a%20eq%20%27b%20c%27&$skiptoken="+EncodeSkipToken(3) {
		t.Errorf("NextLinkQuery = %q", got)
	}
}
