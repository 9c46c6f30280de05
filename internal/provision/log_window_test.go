package provision

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

var followT0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// logAt is a log entry with an id and an activityDateTime.
func logAt(id string, at time.Time) graph.ProvisioningObjectSummary {
	return graph.ProvisioningObjectSummary{ID: id, ActivityDateTime: graph.Time{Time: at}}
}

// newestFirstLogs orders entries as Graph answers ($orderby desc).
func newestFirstLogs(es ...graph.ProvisioningObjectSummary) []graph.ProvisioningObjectSummary {
	out := slices.Clone(es)
	slices.SortStableFunc(out, func(a, b graph.ProvisioningObjectSummary) int {
		return b.ActivityDateTime.Compare(a.ActivityDateTime.Time)
	})
	return out
}

// visible is what a query with the bound returns of what Graph has
// published: entries after from, newest first.
func visible(published []graph.ProvisioningObjectSummary, from time.Time) []graph.ProvisioningObjectSummary {
	var out []graph.ProvisioningObjectSummary
	for _, e := range published {
		if e.ActivityDateTime.After(from) {
			out = append(out, e)
		}
	}
	return newestFirstLogs(out...)
}

func ids(entries []graph.ProvisioningObjectSummary, idx []int) []string {
	out := []string{}
	for _, i := range idx {
		out = append(out, entries[i].ID)
	}
	return out
}

// Without --since, the first poll only records what is there; entries that
// appear later are shown once each, oldest first, however late and out of
// order they are published, as long as they are within the lag.
func TestLogWindowLateAndOutOfOrder(t *testing.T) {
	lag := 5 * time.Minute
	w := newLogWindow(followT0, time.Time{}, lag)
	published := []graph.ProvisioningObjectSummary{logAt("old", followT0.Add(-time.Minute)), logAt("ancient", followT0.Add(-time.Hour))}

	poll := func(now time.Time) []string {
		t.Helper()
		from := w.next(now)
		got := visible(published, from)
		return ids(got, w.take(got, nil, true, now))
	}
	if got := poll(followT0); len(got) != 0 {
		t.Fatalf("first poll shows %v: it only records what was there", got)
	}
	if w.from != followT0.Add(-lag) {
		t.Errorf("first bound %v, want the start less the lag", w.from)
	}

	// A new entry, then one published late with an older time.
	published = append(published, logAt("new", followT0.Add(10*time.Second)))
	if got := poll(followT0.Add(20 * time.Second)); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("poll 2 shows %v", got)
	}
	published = append(published, logAt("late", followT0.Add(-2*time.Minute)), logAt("newer", followT0.Add(25*time.Second)))
	if got := poll(followT0.Add(30 * time.Second)); !slices.Equal(got, []string{"late", "newer"}) {
		t.Fatalf("poll 3 shows %v, want the late entry first (oldest first)", got)
	}
	// Nothing new: nothing shown again, whatever the overlap.
	for i := range 10 {
		if got := poll(followT0.Add(time.Duration(40+10*i) * time.Second)); len(got) != 0 {
			t.Fatalf("poll %d shows %v again", 4+i, got)
		}
	}
	// Too late: published with a time older than the window.
	published = append(published, logAt("too-late", followT0.Add(-10*time.Minute)))
	if got := poll(followT0.Add(3 * time.Minute)); len(got) != 0 {
		t.Fatalf("an entry older than the lag is shown: %v", got)
	}
}

// With --since, the first poll shows what is there since then, oldest
// first, and the window then slides on from there.
func TestLogWindowSince(t *testing.T) {
	w := newLogWindow(followT0, followT0.Add(-time.Hour), 5*time.Minute)
	published := newestFirstLogs(logAt("a", followT0.Add(-50*time.Minute)), logAt("b", followT0.Add(-2*time.Minute)), logAt("c", followT0.Add(-2*time.Hour)))
	from := w.next(followT0)
	if from != followT0.Add(-time.Hour) {
		t.Errorf("first bound %v, want --since", from)
	}
	got := visible(published, from)
	if shown := ids(got, w.take(got, nil, true, followT0)); !slices.Equal(shown, []string{"a", "b"}) {
		t.Errorf("first poll shows %v", shown)
	}
	if from := w.next(followT0.Add(time.Minute)); from != followT0.Add(-4*time.Minute) {
		t.Errorf("second bound %v, want the last lag", from)
	}
	// a is now outside the window: forgotten; b still remembered.
	got = visible(published, w.from)
	if shown := ids(got, w.take(got, nil, true, followT0.Add(time.Minute))); len(shown) != 0 || w.remembered() != 1 {
		t.Errorf("second poll shows %v and remembers %d", shown, w.remembered())
	}
}

// The bound never moves back, even when the clock does, and it is whole
// seconds, as sent.
func TestLogWindowBound(t *testing.T) {
	w := newLogWindow(followT0, time.Time{}, time.Minute)
	w.next(followT0)
	w.take(nil, nil, true, followT0)
	b1 := w.next(followT0.Add(90*time.Second + 300*time.Millisecond))
	if b1 != followT0.Add(30*time.Second) {
		t.Errorf("bound %v, want whole seconds", b1)
	}
	if b2 := w.next(followT0.Add(10 * time.Second)); b2 != b1 {
		t.Errorf("clock set back: bound %v moved back from %v", b2, b1)
	}
}

// Memory is bounded: ids are forgotten once the window has passed them,
// however long the follow runs.
func TestLogWindowForgets(t *testing.T) {
	lag := time.Minute
	w := newLogWindow(followT0, time.Time{}, lag)
	var published []graph.ProvisioningObjectSummary
	shown := 0
	for i := range 600 { // ten minutes, one poll and one entry a second
		now := followT0.Add(time.Duration(i) * time.Second)
		published = append(published, logAt(fmt.Sprint("e", i), now.Add(-time.Second)))
		got := visible(published, w.next(now))
		shown += len(w.take(got, nil, true, now))
		if w.remembered() > 61 {
			t.Fatalf("after %d polls the window remembers %d entries", i+1, w.remembered())
		}
	}
	if shown != 599 { // the first poll's entry was already there
		t.Errorf("shown %d entries, want 599", shown)
	}
}

// A poll that could not read its whole window gives up the entries older
// than the oldest it read: they are never shown, even when a later, smaller
// window reaches them.
func TestLogWindowCapped(t *testing.T) {
	w := newLogWindow(followT0, time.Time{}, 10*time.Minute)
	w.next(followT0)
	w.take(nil, nil, true, followT0)
	read := newestFirstLogs(logAt("n1", followT0.Add(5*time.Second)), logAt("n2", followT0.Add(4*time.Second)))
	w.next(followT0.Add(10 * time.Second))
	if got := ids(read, w.take(read, nil, false, followT0.Add(10*time.Second))); !slices.Equal(got, []string{"n2", "n1"}) {
		t.Errorf("capped poll shows %v", got)
	}
	if w.floor != followT0.Add(4*time.Second) {
		t.Errorf("floor %v, want the oldest read", w.floor)
	}
	unread := newestFirstLogs(logAt("n1", followT0.Add(5*time.Second)), logAt("unread", followT0.Add(2*time.Second)))
	w.next(followT0.Add(20 * time.Second))
	if got := ids(unread, w.take(unread, nil, true, followT0.Add(20*time.Second))); len(got) != 0 {
		t.Errorf("an entry older than the capped poll's oldest is shown: %v", got)
	}
}

// Entries without an id are told apart by their content; Graph's looser
// filtering (an entry at or before the bound) is checked again.
func TestLogWindowKeys(t *testing.T) {
	w := newLogWindow(followT0, followT0.Add(-time.Minute), time.Minute)
	entries := []graph.ProvisioningObjectSummary{logAt("", followT0.Add(-10*time.Second)), logAt("", followT0.Add(-20*time.Second)), logAt("x", followT0.Add(-2*time.Minute))}
	raws := []json.RawMessage{json.RawMessage(`{"a":1}`), json.RawMessage(`{"a":2}`), json.RawMessage(`{}`)}
	w.next(followT0)
	if got := w.take(entries, raws, true, followT0); !slices.Equal(got, []int{1, 0}) {
		t.Errorf("shown %v, want both id-less entries, oldest first, and not the one before the bound", got)
	}
	w.next(followT0.Add(time.Second))
	if got := w.take(entries, raws, true, followT0.Add(time.Second)); len(got) != 0 {
		t.Errorf("shown again: %v", got)
	}
}
