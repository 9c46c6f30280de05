package resolvecache

import (
	"cmp"
	"slices"
)

// Caps keep the file small enough to read on every command (about 170
// bytes an entry: 2000 make some 350 KB). A user works with a handful of
// tenants and apps; past the caps the oldest entries go, costing a lookup.
const (
	maxPerScope = 1000 // so one busy tenant cannot evict every other
	maxEntries  = 2000 // in the whole file
)

// prune drops expired entries and applies the caps, oldest first. Other
// processes' entries are judged by this process's TTL: a shorter setting
// elsewhere costs them a lookup, never a wrong answer.
func prune(t table, fresh func(at int64) bool) {
	t.deleteIf(func(e entry) bool { return !fresh(e.At) })
	byScope := map[string][]entry{}
	for _, e := range t {
		byScope[e.Scope] = append(byScope[e.Scope], e)
	}
	for _, es := range byScope {
		dropOldest(t, es, len(es)-maxPerScope)
	}
	if len(t) > maxEntries {
		dropOldest(t, t.entries(), len(t)-maxEntries)
	}
}

// shrink halves what t holds: other scopes go first, then the oldest half
// of keep's entries. apply calls it until the file fits.
func shrink(t table, keep string) {
	n := len(t)
	t.deleteIf(func(e entry) bool { return e.Scope != keep })
	if len(t) < n {
		return
	}
	dropOldest(t, t.entries(), max(len(t)/2, 1))
}

// dropOldest deletes the n oldest of es from t.
func dropOldest(t table, es []entry, n int) {
	if n <= 0 {
		return
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.At, b.At) })
	for _, e := range es[:n] {
		delete(t, e.k())
	}
}

func (t table) entries() []entry {
	es := make([]entry, 0, len(t))
	for _, e := range t {
		es = append(es, e)
	}
	return es
}
