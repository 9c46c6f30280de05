package cmd

import (
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/provision/resolvecache"
)

func TestRoffText(t *testing.T) {
	for md, want := range map[string]string{
		"plain":                      "plain\n",
		"use `--skipped-ok` here":    "use \\fB\\-\\-skipped\\-ok\\fR here\n",
		`C:\dir`:                     "C:\\edir\n",
		".starts with a dot":         "\\&.starts with a dot\n",
		"'quote first":               "\\&'quote first\n",
		"see *CI logs*, `PROVCTL_*`": "see \\fICI logs\\fR, \\fBPROVCTL_*\\fR\n",
	} {
		if got := roffText(md); got != want {
			t.Errorf("roffText(%q) = %q, want %q", md, got, want)
		}
	}
}

// The FILES table names the files the code writes, by the code's names.
func TestFileFactsNameTheFiles(t *testing.T) {
	paths := map[string]bool{}
	for _, f := range FileFacts() {
		paths[f.Path] = true
		if f.Mode != "0600" && f.Mode != "0700" {
			t.Errorf("%s: mode %s", f.Path, f.Mode)
		}
	}
	for _, want := range []string{"", "config.yaml", resolvecache.FileName, "pacing/", "msal_token_cache.json"} {
		if !paths[want] {
			t.Errorf("FILES lacks %q", want)
		}
	}
	var titles []string
	for _, s := range ManSections() {
		titles = append(titles, s.Title)
		if !strings.HasSuffix(s.Roff, "\n") || strings.Contains(s.Roff, "`") {
			t.Errorf("%s: %q", s.Title, s.Roff)
		}
	}
	if strings.Join(titles, ",") != "ENVIRONMENT,EXIT STATUS,FILES" {
		t.Errorf("sections %v", titles)
	}
}
