package provision

import (
	"crypto/sha256"
	"encoding/json"
	"sort"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// logWindow decides what each poll of `provision logs --follow` asks for
// and which of the entries it reads are new. Graph publishes provisioning
// entries minutes after their activityDateTime and not in order, so every
// poll reads again the last lag's worth of entries (activityDateTime after
// from) and shows only those whose id it has not seen. Ids are forgotten
// once the window has passed their time, so memory stays bounded by what
// one window holds.
type logWindow struct {
	lag   time.Duration
	floor time.Time            // nothing older is ever shown (--since, or the start less lag)
	from  time.Time            // the lower bound of the last poll: it never moves back
	seen  map[string]time.Time // entry key → activityDateTime, for the entries inside the window
	// primed is set after the first poll. Without --since the first poll
	// only records what is already there: follow shows what appears later.
	primed    bool
	showFirst bool
}

// newLogWindow starts a window at start. With since (non-zero), the
// entries since then are shown by the first poll; without, the first poll
// records the last lag's entries as already seen.
func newLogWindow(start, since time.Time, lag time.Duration) *logWindow {
	w := &logWindow{lag: lag, seen: map[string]time.Time{}, showFirst: !since.IsZero()}
	if w.showFirst {
		w.floor = since.UTC().Truncate(time.Second)
	} else {
		w.floor = start.Add(-lag).UTC().Truncate(time.Second)
	}
	return w
}

// next is the lower bound (exclusive) of the poll made at now: the last
// lag, never before the floor and never before the previous poll's bound
// (a clock set back must not show entries again). It is whole seconds,
// as the query sends it, so that what is forgotten is exactly what the
// query no longer returns.
func (w *logWindow) next(now time.Time) time.Time {
	from := now.Add(-w.lag).UTC().Truncate(time.Second)
	if !w.primed || from.Before(w.floor) {
		from = w.floor
	}
	if from.Before(w.from) {
		from = w.from
	}
	w.from = from
	return from
}

// take returns the positions of the entries read by the poll whose bound
// next returned, that were not seen before, oldest first, and records
// them. whole is false when the poll could not read its whole window (more
// entries than the cap): entries older than the oldest it read are then
// given up, or they would be shown as new when a later, smaller window
// reaches them. now stands in for an entry's missing activityDateTime.
func (w *logWindow) take(entries []graph.ProvisioningObjectSummary, raws []json.RawMessage, whole bool, now time.Time) []int {
	if !whole && len(entries) > 0 {
		oldest := now
		for i := range entries {
			if t := entries[i].ActivityDateTime.Time; !t.IsZero() && t.Before(oldest) {
				oldest = t
			}
		}
		if oldest.After(w.floor) {
			w.floor = oldest.UTC()
		}
	}
	var fresh []int
	for i := range entries {
		at := entries[i].ActivityDateTime.Time
		if at.IsZero() {
			at = now
		}
		// Graph may filter more loosely than asked: the bound is checked
		// again here, as the forgetting below relies on it.
		if !at.After(w.from) || at.Before(w.floor) {
			continue
		}
		key := entryKey(&entries[i], raws, i)
		if _, ok := w.seen[key]; ok {
			continue
		}
		w.seen[key] = at
		fresh = append(fresh, i)
	}
	for key, at := range w.seen {
		if !at.After(w.from) || at.Before(w.floor) {
			delete(w.seen, key)
		}
	}
	show := w.primed || w.showFirst
	w.primed = true
	if !show {
		return nil
	}
	// Oldest first; Graph sent them newest first, so equal times keep the
	// order they happened in when read backwards.
	sort.SliceStable(fresh, func(a, b int) bool { return fresh[a] > fresh[b] })
	sort.SliceStable(fresh, func(a, b int) bool {
		return entries[fresh[a]].ActivityDateTime.Before(entries[fresh[b]].ActivityDateTime.Time)
	})
	return fresh
}

// remembered is how many entries the window holds (for tests: it must
// stay bounded).
func (w *logWindow) remembered() int { return len(w.seen) }

// entryKey identifies an entry across polls: its id, or for an entry
// without one (never seen from Graph) a hash of what was received.
func entryKey(e *graph.ProvisioningObjectSummary, raws []json.RawMessage, i int) string {
	if e.ID != "" {
		return "id:" + e.ID
	}
	var raw []byte
	if i < len(raws) {
		raw = raws[i]
	}
	sum := sha256.Sum256(raw)
	return "raw:" + string(sum[:])
}
