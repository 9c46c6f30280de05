package cmd

import (
	"strings"
	"testing"
)

// The --debug trace shows bodies as received; hidden runes in them (a
// display name with a zero-width space, a bidi mark, a tag character) must
// be shown escaped, as tables show them.
func TestDebugTraceShowsHiddenRunes(t *testing.T) {
	sp := `{"id":"` + jobTestSPID + `","appId":"11111111-1111-1111-1111-111111111111","displayName":"Box` + "\u200b\u200f\U000e0041" + `"}`
	srv := jobTestGraph(t, map[string]jobTestAnswer{
		"/servicePrincipals/" + jobTestSPID:                           {200, sp},
		"/servicePrincipals/" + jobTestSPID + "/synchronization/jobs": {200, `{"value":[]}`},
	})
	stdout, stderr, code := jobTestRun(t, srv, "job", "list", "--sp", jobTestSPID, "--debug")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, `"displayName":"Box\u200b\u200f\U000e0041"`) {
		t.Errorf("trace does not show the name escaped:\n%s", stderr)
	}
	for _, raw := range []string{"\u200b", "\u200f", "\U000e0041"} {
		if strings.Contains(stderr, raw) || strings.Contains(stdout, raw) {
			t.Errorf("output holds raw %q", raw)
		}
	}
}
