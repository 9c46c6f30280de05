package resolvecache

import (
	"errors"
	"strings"
	"testing"
)

// fakeDirectory stands in for Graph as the caller (internal/provision)
// sees it, counting requests.
type fakeDirectory struct {
	byName   map[string]SP // display name → current object
	requests int
}

var errNotFound = errors.New("404")

func (d *fakeDirectory) get(id string) (SP, error) {
	d.requests++
	for _, sp := range d.byName {
		if sp.ID == id {
			return sp, nil
		}
	}
	return SP{}, errNotFound
}

func (d *fakeDirectory) find(name string) (SP, error) {
	d.requests++
	sp, ok := d.byName[strings.ToLower(name)]
	if !ok {
		return SP{}, errNotFound
	}
	return sp, nil
}

// resolve is the caller's pattern: a cached id is still sent to Graph,
// and a 404 for it drops the entry and resolves the name again.
func resolve(c *Cache, d *fakeDirectory, ref string) (SP, error) {
	if sp, ok := c.ServicePrincipal(ref); ok {
		got, err := d.get(sp.ID)
		if err == nil {
			return got, nil
		}
		if !errors.Is(err, errNotFound) {
			return SP{}, err
		}
		_ = c.ForgetServicePrincipal(sp.ID)
	}
	sp, err := d.find(ref)
	if err != nil {
		return SP{}, err
	}
	_ = c.PutServicePrincipal(ref, sp)
	return sp, nil
}

// Box was deleted and recreated after it was cached: the stale id costs
// one extra request and the answer is the new object, never the old one.
func TestStaleIDCostsOneRequestNeverAWrongAnswer(t *testing.T) {
	dir := t.TempDir()
	recreated := SP{ID: "55555555-5555-5555-5555-555555555555", AppID: box.AppID, DisplayName: "Box"}
	d := &fakeDirectory{byName: map[string]SP{"box": recreated}}
	mustNil(t, mustOpen(t, dir, testScope, nil).PutServicePrincipal("Box", box)) // the old id

	sp, err := resolve(mustOpen(t, dir, testScope, nil), d, "Box")
	mustNil(t, err)
	if sp.ID != recreated.ID {
		t.Fatalf("resolved %s, want the recreated %s", sp.ID, recreated.ID)
	}
	if d.requests != 2 {
		t.Errorf("%d requests with a stale id, want 2 (the 404 and one re-resolve)", d.requests)
	}

	// The next command finds the corrected entry: one request.
	d.requests = 0
	sp, err = resolve(mustOpen(t, dir, testScope, nil), d, "Box")
	mustNil(t, err)
	if sp.ID != recreated.ID || d.requests != 1 {
		t.Errorf("second run: %s in %d requests, want %s in 1", sp.ID, d.requests, recreated.ID)
	}
}

// Forget holds for this process even when the file cannot be written.
func TestForgetHoldsInProcessWhenWriteFails(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir, testScope, nil)
	mustNil(t, c.PutServicePrincipal("Box", box))
	breakFile(t, dir) // a directory where the file goes: rename fails
	if err := c.ForgetServicePrincipal(box.ID); err == nil {
		t.Fatal("write into a directory reported success")
	}
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("forgotten entry still served after a failed write")
	}
}
