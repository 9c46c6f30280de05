package ratebucket

import (
	"slices"
	"testing"
	"time"
)

// checkSpacing asserts that no window holds more than limit of the sent
// times. Times are those recorded under the lock, so the check is about
// correctness and does not depend on how fast a loaded machine runs.
func checkSpacing(t *testing.T, sent []time.Time, limit int, window time.Duration) {
	t.Helper()
	s := slices.Clone(sent)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	for i := 0; i+limit < len(s); i++ {
		if d := s[i+limit].Sub(s[i]); d < window {
			t.Errorf("sends %d..%d span %s: %d sends within %s", i, i+limit, d, limit+1, window)
		}
	}
}
