package doctor

import (
	"strings"
	"testing"
)

func TestProxyProblem(t *testing.T) {
	for _, tc := range []struct {
		value   string
		problem string // "" when fine
		ignored bool
	}{
		{"", "", false},
		{"http://proxy.contoso.test:3128", "", false},
		{"proxy.contoso.test:3128", "", false}, // net/http adds http://
		{"socks5://127.0.0.1:1080", "", false},
		{"::bad::", "it is not a URL (missing protocol scheme)", true},
		{"http://user:pa%zzss@proxy:3128", "it is not a URL (invalid URL escape", true},
		{"ftp://proxy:21", "its scheme ftp:// is not one of", false},
	} {
		problem, ignored := ProxyProblem(tc.value)
		if (tc.problem == "") != (problem == "") || !strings.HasPrefix(problem, tc.problem) || ignored != tc.ignored {
			t.Errorf("ProxyProblem(%q) = %q, %v; want %q…, %v", tc.value, problem, ignored, tc.problem, tc.ignored)
		}
		if tc.value != "" && strings.Contains(problem, tc.value) || strings.Contains(problem, "pa%zzss") {
			t.Errorf("ProxyProblem(%q) repeats the value: %q", tc.value, problem)
		}
	}
}
