package output

import (
	"bytes"
	"strings"
	"testing"
)

func TestAzureEscapers(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%AZP25", "100%AZP25"},
		{"%3B", "%AZP253B", "%AZP253B"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"a;b]c", "a;b]c", "a%3Bb%5Dc"},
	} {
		if got := azureData(tt.in); got != tt.data {
			t.Errorf("azureData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := azureProperty(tt.in); got != tt.prop {
			t.Errorf("azureProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
		if got := azUnescape(azureProperty(tt.in)); got != tt.in {
			t.Errorf("property does not round-trip: %q -> %q", tt.in, got)
		}
	}
}

// Each ciHostile string gives one logissue line that the agent reads as that
// command alone, with no second "##vso[" in it.
func TestAzureAnnotationsWithHostileStrings(t *testing.T) {
	for _, h := range ciHostile {
		var w bytes.Buffer
		err := CI{kind: ciAzure}.Report(&w, CIReport{Command: "provctl provision run", Outcomes: []CIOutcome{
			{Subject: h, State: "failure", Reason: h},
			{Subject: h, State: "pending"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("%q: %d lines, want 2:\n%s", h, len(lines), w.String())
		}
		for i, line := range lines {
			c, n, ok := azureParse(line)
			level := []string{"error", "warning"}[i]
			if !ok || n != 1 || !strings.HasPrefix(line, "##vso[") || c.area != "task.logissue" || c.props["type"] != level || len(c.props) != 1 {
				t.Fatalf("%q: line %q is read as %+v (%d commands)", h, line, c, n)
			}
			if strings.Contains(line, "##[") || strings.ContainsAny(line, "\r\n") {
				t.Errorf("%q: %q", h, line)
			}
			state, reason := []string{"failure", "pending"}[i], []string{h, "no reason given"}[i]
			want := neutralizeCommands(Sanitize(h) + ": " + state + ": " + sanitizeText(reason+" (provctl provision run)"))
			if c.data != want {
				t.Errorf("%q: data %q, want %q", h, c.data, want)
			}
			assertTerminalSafe(t, c.data, false)
		}
	}
}
