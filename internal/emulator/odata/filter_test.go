package odata

import "testing"

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
