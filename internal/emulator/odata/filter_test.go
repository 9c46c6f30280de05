package odata

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	obj := map[string]any{
		"displayName":      "Contoso's Expenses",
		"jobId":            "BoxOutDelta.x",
		"activityDateTime": "2026-03-01T10:00:00Z",
		"duration":         float64(42),
		"servicePrincipal": map[string]any{"id": "ABC"},
		"status":           nil,
	}
	tests := []struct {
		filter string
		want   bool
	}{
		{"displayName eq 'Contoso''s Expenses'", true},
		{"displayName eq 'contoso''s expenses'", true},
		{"displayName eq 'Contoso'", false},
		{"startswith(displayName,'Contoso''s')", true},
		{"contains(tolower(displayName), 'expenses')", true},
		{"endswith(displayName,'x')", false},
		{"servicePrincipal/id eq 'abc'", true},
		{"jobid eq 'BoxOutDelta.x' and activityDateTime gt 2026-01-01T00:00:00Z", true},
		{"activityDateTime lt 2026-01-01", false},
		{"activityDateTime ge 2026-03-01T10:00:00Z and activityDateTime le 2026-03-01T10:00:00.000Z", true},
		{"(jobId eq 'a' or jobId eq 'BoxOutDelta.x') and duration gt 41", true},
		{"duration eq 42.0", true},
		{"status eq null", true},
		{"displayName ne 'x'", true},
		{"ServicePrincipal/Id eq 3f2504e0-4f89-11d3-9a0c-0305e82c3301", false},
	}
	for _, tt := range tests {
		n, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("%s: %v", tt.filter, err)
			continue
		}
		if got := n.Eval(MapGetter(obj)); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.filter, got, tt.want)
		}
	}

	for _, bad := range []string{
		"displayName eq 'open",
		"displayName eq",
		"displayName is 'x'",
		"startswith(displayName)",
		"startswith(displayName, 3)",
		"(displayName eq 'x'",
		"displayName eq 'x' and",
		"displayName eq bareword",
		"'x' eq displayName",
		"displayName eq 'x' extra",
	} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

func TestInOperator(t *testing.T) {
	obj := map[string]any{"id": "AB-1", "mail": "Adele@contoso.test", "n": float64(3)}
	tests := []struct {
		filter string
		want   bool
	}{
		{"id in ('ab-1')", true},
		{"id in ('x','AB-1','y')", true},
		{"id  IN  ( 'x' ,  'y' )", false},
		{"mail in ('adele@CONTOSO.test')", true},
		{"mail in ('o''brien@contoso.test') or id eq 'ab-1'", true},
		{"nope in ('x')", false},
		{"n in ('3')", false},
	}
	for _, tt := range tests {
		n, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("%s: %v", tt.filter, err)
			continue
		}
		if got := n.Eval(MapGetter(obj)); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.filter, got, tt.want)
		}
	}
	for _, bad := range []string{
		"id in ()",
		"id in ('a',)",
		"id in ('a' 'b')",
		"id in 'a'",
		"id in ('a'",
		"id in (3)",
		"id in (3f2504e0-4f89-11d3-9a0c-0305e82c3301)",
		"id 'in' ('a')",
		"in ('a')",
	} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

func TestOrClauses(t *testing.T) {
	list := func(n int) string {
		var vals []string
		for i := range n {
			vals = append(vals, fmt.Sprintf("'v%d'", i))
		}
		return "(" + strings.Join(vals, ",") + ")"
	}
	ors := func(n int) string {
		var cl []string
		for i := range n {
			cl = append(cl, fmt.Sprintf("id eq 'v%d'", i))
		}
		return strings.Join(cl, " or ")
	}
	tests := []struct {
		filter string
		want   int
	}{
		{"id eq 'a'", 1},
		{"id eq 'a' and mail eq 'b'", 1},
		{"id in " + list(15), 15},
		{"id in " + list(16), 16},
		{"id in " + list(15) + " or mail eq 'x'", 16},
		{"(id in " + list(10) + ") and (mail in " + list(10) + ")", 10},
		{ors(15), 15},
		{ors(16), 16},
		{"id eq 'a' or (mail eq 'b' and (id eq 'c' or id eq 'd' or id eq 'e'))", 3},
		{"(id eq 'a' or id eq 'b') or (id eq 'c' or id in ('d','e'))", 5},
	}
	for _, tt := range tests {
		n, err := ParseFilter(tt.filter)
		if err != nil {
			t.Fatalf("%s: %v", tt.filter, err)
		}
		if got := OrClauses(n); got != tt.want {
			t.Errorf("OrClauses(%.60s) = %d, want %d", tt.filter, got, tt.want)
		}
		msg := TooManyClauses(n)
		if (msg != "") != (tt.want > MaxOrClauses) {
			t.Errorf("TooManyClauses(%.60s) = %q", tt.filter, msg)
		}
	}
	n, _ := ParseFilter("id in " + list(16))
	if got := TooManyClauses(n); got != "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15." {
		t.Errorf("message = %q", got)
	}
}
