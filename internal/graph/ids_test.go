package graph

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateID(t *testing.T) {
	t.Parallel()
	const jobID = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	tests := []struct {
		id      string
		ok      bool
		whyPart string
	}{
		{"8783a342-f7a2-46fb-8243-3658cee556ce", true, ""},
		{jobID, true, ""},
		{"apply." + jobID, true, ""},
		{"SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa", true, ""},
		{"33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2", true, ""},
		{"alice@contoso.com", true, ""},
		{strings.Repeat("a", MaxIDLength), true, ""},

		{"", false, "empty"},
		{strings.Repeat("a", MaxIDLength+1), false, "longer than"},
		{"..", false, `".."`},
		{".", false, `".."`},
		{"../../users", false, `".."`},
		{"a..b", false, `".."`},
		{"a/b", false, "path separator"},
		{`a\b`, false, "path separator"},
		{"a%2F", false, `'%'`},
		{"a?b", false, `'?'`},
		{"O'Brien", false, `'\''`},
		{`a"b`, false, `'"'`},
		{"a b", false, "spaces"},
		{" leading", false, "spaces"},
		{"tab\there", false, "spaces"},
		{"nl\nhere", false, "control"},
		{"nul\x00", false, "control"},
		{"esc\x1b[31m", false, "control"},
		{"del\x7f", false, "control"},
		{"nbsp\u00a0", false, "spaces"},
		{"bad\xffutf8", false, "control"},
		{"$count", false, "OData system segment"},
		{"$ref", false, "OData system segment"},
	}
	for _, tt := range tests {
		err := ValidateID("job id", tt.id)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
			continue
		}
		if err == nil {
			continue
		}
		var ie *InvalidIDError
		if !errors.As(err, &ie) || ie.Kind != "job id" || ie.ID != tt.id {
			t.Errorf("ValidateID(%q): %#v", tt.id, err)
		}
		if !strings.Contains(err.Error(), tt.whyPart) || !strings.HasPrefix(err.Error(), "invalid job id ") {
			t.Errorf("ValidateID(%q) = %q, want mention of %s", tt.id, err, tt.whyPart)
		}
		if strings.ContainsAny(err.Error(), "\n\x00\x1b") {
			t.Errorf("error text carries raw control characters: %q", err)
		}
	}
}

func TestPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		segs []string
		want string
	}{
		{[]string{"servicePrincipals", "8783a342-f7a2-46fb-8243-3658cee556ce", "synchronization", "jobs"},
			"servicePrincipals/8783a342-f7a2-46fb-8243-3658cee556ce/synchronization/jobs"},
		{[]string{"jobs", "apply.BoxOutDelta.6a2d.397e"}, "jobs/apply.BoxOutDelta.6a2d.397e"},
		{[]string{"a/b", "c?d", "e#f", "g h", "100%"}, "a%2Fb/c%3Fd/e%23f/g%20h/100%25"},
		{[]string{"x", "..", "..", "users"}, "x/%2E%2E/%2E%2E/users"},
		{[]string{".", "a..b"}, "%2E/a..b"},
		{[]string{`a\b`, "semi;colon", "comma,"}, "a%5Cb/semi%3Bcolon/comma%2C"},
		{[]string{"O'Brien", "(appId='x')"}, "O%27Brien/%28appId=%27x%27%29"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Path(tt.segs...); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.segs, got, tt.want)
		}
	}
}

func TestQuoteODataString(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"O'Brien":    "'O''Brien'",
		"":           "''",
		"'":          "''''",
		"let's go''": "'let''s go'''''",
		"salesforce": "'salesforce'",
	}
	for in, want := range tests {
		if got := QuoteODataString(in); got != want {
			t.Errorf("QuoteODataString(%q) = %q, want %q", in, got, want)
		}
	}
}
