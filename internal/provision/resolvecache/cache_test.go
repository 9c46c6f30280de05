package resolvecache

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRoundTripAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir, testScope, nil)
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Fatal("hit in an empty cache")
	}
	mustNil(t, c.PutServicePrincipal("Box", box))
	mustNil(t, c.PutJob(box.ID, "BoxOutDelta", "BoxOutDelta.abc.def"))
	mustNil(t, c.PutJob(box.ID, "", "BoxOutDelta.abc.def"))
	mustNil(t, c.MarkVerified(box.ID, "BoxOutDelta.abc.def"))
	mustNil(t, c.MarkApplyAbsent())

	// A later command (a new Open) sees everything without a request.
	c2 := mustOpen(t, dir, testScope, nil)
	if sp, ok := c2.ServicePrincipal("Box"); !ok || sp != box {
		t.Errorf("ServicePrincipal = %+v, %v", sp, ok)
	}
	for _, ref := range []string{"BoxOutDelta", ""} {
		if id, ok := c2.Job(box.ID, ref); !ok || id != "BoxOutDelta.abc.def" {
			t.Errorf("Job(%q) = %q, %v", ref, id, ok)
		}
	}
	if !c2.Verified(box.ID, "BoxOutDelta.abc.def") {
		t.Error("pair not verified")
	}
	if c2.Verified(box.ID, "Other.abc") || c2.Verified("22222222-2222-2222-2222-222222222222", "BoxOutDelta.abc.def") {
		t.Error("another pair reads as verified")
	}
	if !c2.ApplyAbsent() {
		t.Error("ApplyAbsent not kept")
	}
}

func TestRefsAreCaseInsensitiveAndTrimmed(t *testing.T) {
	c := mustOpen(t, t.TempDir(), testScope, nil)
	mustNil(t, c.PutServicePrincipal("  Box Prod ", box))
	for _, ref := range []string{"box prod", "BOX PROD", "Box Prod\t"} {
		if _, ok := c.ServicePrincipal(ref); !ok {
			t.Errorf("miss for %q", ref)
		}
	}
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("a prefix matched")
	}
	upper := strings.ToUpper(box.ID)
	mustNil(t, c.PutJob(upper, "boxoutdelta", "BoxOutDelta.abc"))
	if id, ok := c.Job(box.ID, " BoxOutDelta"); !ok || id != "BoxOutDelta.abc" {
		t.Errorf("Job = %q, %v", id, ok)
	}
	mustNil(t, c.MarkVerified(upper, "BoxOutDelta.ABC"))
	if !c.Verified(box.ID, "boxoutdelta.abc") {
		t.Error("verified pair missed across case")
	}
}

// The same name in two tenants (or two clouds) is two objects.
func TestScopesAreSeparate(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, testScope, nil)
	b := mustOpen(t, dir, otherScope, nil)
	gov := mustOpen(t, dir, Scope{Cloud: "https://graph.microsoft.us", Tenant: testScope.Tenant}, nil)
	other := SP{ID: "99999999-9999-9999-9999-999999999999", DisplayName: "Box"}
	mustNil(t, a.PutServicePrincipal("Box", box))
	mustNil(t, b.PutServicePrincipal("Box", other))
	mustNil(t, a.MarkApplyAbsent())

	if sp, _ := mustOpen(t, dir, testScope, nil).ServicePrincipal("Box"); sp.ID != box.ID {
		t.Errorf("tenant A: %q", sp.ID)
	}
	if sp, _ := mustOpen(t, dir, otherScope, nil).ServicePrincipal("Box"); sp.ID != other.ID {
		t.Errorf("tenant B: %q", sp.ID)
	}
	if _, ok := gov.ServicePrincipal("Box"); ok {
		t.Error("another cloud sees tenant A's entry")
	}
	if mustOpen(t, dir, otherScope, nil).ApplyAbsent() {
		t.Error("ApplyAbsent leaked to another tenant")
	}
	// Tenant case, spaces and a trailing slash on the Graph root are the same scope.
	same := Scope{Cloud: "HTTPS://graph.microsoft.com/ ", Tenant: " Contoso.OnMicrosoft.com"}
	if sp, ok := mustOpen(t, dir, same, nil).ServicePrincipal("box"); !ok || sp.ID != box.ID {
		t.Errorf("normalized scope missed: %+v %v", sp, ok)
	}
}

func TestTTL(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock()
	c := mustOpen(t, dir, testScope, clk)
	mustNil(t, c.PutServicePrincipal("Box", box))
	mustNil(t, c.PutJob(box.ID, "", "job1"))
	mustNil(t, c.MarkVerified(box.ID, "job1"))
	mustNil(t, c.MarkApplyAbsent())

	clk.Advance(DefaultTTL - time.Second)
	c = mustOpen(t, dir, testScope, clk)
	_, spOK := c.ServicePrincipal("Box")
	_, jobOK := c.Job(box.ID, "")
	if !spOK || !jobOK || !c.Verified(box.ID, "job1") || !c.ApplyAbsent() {
		t.Fatal("entries expired before the TTL")
	}

	clk.Advance(time.Second)
	_, spOK = c.ServicePrincipal("Box")
	_, jobOK = c.Job(box.ID, "")
	if spOK || jobOK || c.Verified(box.ID, "job1") || c.ApplyAbsent() {
		t.Fatal("entries served at the TTL")
	}

	// The next write prunes them from the file; the fresh one stays.
	mustNil(t, c.PutServicePrincipal("Other", SP{ID: "x"}))
	if tb := readDisk(t, dir); len(tb) != 1 {
		t.Errorf("expired entries not pruned: %+v", tb)
	}

	// An entry from the future (the clock went back) is not trusted.
	clk.Advance(-2 * time.Hour)
	if _, ok := mustOpen(t, dir, testScope, clk).ServicePrincipal("Other"); ok {
		t.Error("entry stamped two hours ahead served")
	}
}

func TestShortTTLSetting(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock()
	c, err := OpenWithOptions(dir, testScope, time.Minute, clk.opts())
	mustNil(t, err)
	mustNil(t, c.PutServicePrincipal("Box", box))
	clk.Advance(59 * time.Second)
	if _, ok := c.ServicePrincipal("Box"); !ok {
		t.Error("miss within a 1m TTL")
	}
	clk.Advance(time.Second)
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("hit after a 1m TTL")
	}
}

func TestForgetServicePrincipal(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir, testScope, nil)
	keep := SP{ID: "33333333-3333-3333-3333-333333333333", DisplayName: "Slack"}
	mustNil(t, c.PutServicePrincipal("Box", box))
	mustNil(t, c.PutServicePrincipal(box.AppID, box))
	mustNil(t, c.PutServicePrincipal("Slack", keep))
	mustNil(t, c.PutJob(box.ID, "", "box-job"))
	mustNil(t, c.PutJob(keep.ID, "", "slack-job"))
	mustNil(t, c.MarkVerified(box.ID, "box-job"))
	mustNil(t, c.MarkVerified(keep.ID, "slack-job"))

	mustNil(t, c.ForgetServicePrincipal(strings.ToUpper(box.ID)))
	for _, cc := range []*Cache{c, mustOpen(t, dir, testScope, nil)} {
		if _, ok := cc.ServicePrincipal("Box"); ok {
			t.Error("name still cached")
		}
		if _, ok := cc.ServicePrincipal(box.AppID); ok {
			t.Error("appId still cached")
		}
		if _, ok := cc.Job(box.ID, ""); ok {
			t.Error("its job still cached")
		}
		if cc.Verified(box.ID, "box-job") {
			t.Error("its pair still verified")
		}
		if _, ok := cc.ServicePrincipal("Slack"); !ok {
			t.Error("another service principal was dropped")
		}
		if _, ok := cc.Job(keep.ID, ""); !ok || !cc.Verified(keep.ID, "slack-job") {
			t.Error("another job was dropped")
		}
	}
}

func TestForgetJob(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir, testScope, nil)
	mustNil(t, c.PutServicePrincipal("Box", box))
	mustNil(t, c.PutJob(box.ID, "", "job1"))
	mustNil(t, c.PutJob(box.ID, "BoxOutDelta", "job1"))
	mustNil(t, c.PutJob(box.ID, "BoxInbound", "job2"))
	mustNil(t, c.MarkVerified(box.ID, "job1"))
	mustNil(t, c.MarkVerified(box.ID, "job2"))

	mustNil(t, c.ForgetJob(box.ID, "JOB1"))
	for _, cc := range []*Cache{c, mustOpen(t, dir, testScope, nil)} {
		if _, ok := cc.Job(box.ID, ""); ok {
			t.Error(`job "" still cached`)
		}
		if _, ok := cc.Job(box.ID, "BoxOutDelta"); ok {
			t.Error("BoxOutDelta still cached")
		}
		if cc.Verified(box.ID, "job1") {
			t.Error("pair still verified")
		}
		if id, ok := cc.Job(box.ID, "BoxInbound"); !ok || id != "job2" || !cc.Verified(box.ID, "job2") {
			t.Error("the other job was dropped")
		}
		if _, ok := cc.ServicePrincipal("Box"); !ok {
			t.Error("the service principal was dropped")
		}
	}
}

func TestRefreshReadsNothingButWrites(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir, testScope, nil)
	mustNil(t, c.PutServicePrincipal("Box", box))
	mustNil(t, c.MarkApplyAbsent())

	r := mustOpen(t, dir, testScope, nil)
	r.Refresh()
	if _, ok := r.ServicePrincipal("Box"); ok || r.ApplyAbsent() {
		t.Fatal("hit under Refresh")
	}
	fresh := SP{ID: "44444444-4444-4444-4444-444444444444", DisplayName: "Box"}
	mustNil(t, r.PutServicePrincipal("Box", fresh))
	if _, ok := r.ServicePrincipal("Box"); ok {
		t.Error("hit under Refresh after Put")
	}
	if sp, ok := mustOpen(t, dir, testScope, nil).ServicePrincipal("Box"); !ok || sp.ID != fresh.ID {
		t.Errorf("the next command reads %+v, %v; want the refreshed id", sp, ok)
	}
}

func TestDisabled(t *testing.T) {
	for _, ttl := range []time.Duration{0, -time.Hour} {
		dir := t.TempDir() + "/never"
		c, err := Open(dir, testScope, ttl)
		mustNil(t, err)
		mustNil(t, c.PutServicePrincipal("Box", box))
		mustNil(t, c.PutJob(box.ID, "", "j"))
		mustNil(t, c.MarkVerified(box.ID, "j"))
		mustNil(t, c.MarkApplyAbsent())
		mustNil(t, c.ForgetServicePrincipal(box.ID))
		mustNil(t, c.ForgetJob(box.ID, "j"))
		if _, ok := c.ServicePrincipal("Box"); ok {
			t.Error("disabled cache hit")
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("ttl %v: disabled cache created %s", ttl, dir)
		}
	}
}

// A nil *Cache (Open failed) behaves as a disabled one.
func TestNilCache(t *testing.T) {
	var c *Cache
	c.Refresh()
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("hit")
	}
	if _, ok := c.Job("a", ""); ok || c.Verified("a", "b") || c.ApplyAbsent() {
		t.Error("hit")
	}
	for _, err := range []error{
		c.PutServicePrincipal("Box", box), c.PutJob("a", "", "b"), c.MarkVerified("a", "b"),
		c.MarkApplyAbsent(), c.ForgetServicePrincipal("a"), c.ForgetJob("a", "b"),
	} {
		mustNil(t, err)
	}
}

func TestRefusesEmptyAndHugeValues(t *testing.T) {
	c := mustOpen(t, t.TempDir(), testScope, nil)
	long := strings.Repeat("x", maxField+1)
	for name, err := range map[string]error{
		"empty ref":    c.PutServicePrincipal("  ", box),
		"empty id":     c.PutServicePrincipal("Box", SP{DisplayName: "Box"}),
		"long ref":     c.PutServicePrincipal(long, box),
		"long name":    c.PutServicePrincipal("Box", SP{ID: "x", DisplayName: long}),
		"empty job":    c.PutJob(box.ID, "", ""),
		"empty sp":     c.PutJob("", "", "j"),
		"long job ref": c.PutJob(box.ID, long, "j"),
		"empty pair":   c.MarkVerified(box.ID, " "),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, ok := c.ServicePrincipal("Box"); ok {
		t.Error("a refused value was cached")
	}
}

// Two Cache values (two processes) writing different entries: each write
// merges with the file, so neither undoes the other, and a writer's view
// picks up what the other wrote.
func TestWritesMerge(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, testScope, nil)
	b := mustOpen(t, dir, testScope, nil)
	mustNil(t, a.PutServicePrincipal("Box", box))
	mustNil(t, b.PutServicePrincipal("Slack", SP{ID: "s"}))
	if _, ok := b.ServicePrincipal("Box"); !ok {
		t.Error("b's view lacks a's entry after its own write")
	}
	c := mustOpen(t, dir, testScope, nil)
	for _, ref := range []string{"Box", "Slack"} {
		if _, ok := c.ServicePrincipal(ref); !ok {
			t.Errorf("%s lost", ref)
		}
	}
}

// Names come from Graph and from the command line: whatever they hold,
// they cannot add or alter another entry (json.Marshal escapes newlines,
// and a lookup matches only at a line start).
func TestValuesCannotForgeEntries(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir, testScope, nil)
	at := strconv.FormatInt(time.Now().Unix(), 10)
	forged := "\n{\"kind\":\"sp\",\"key\":\"evil\",\"id\":\"forged\",\"at\":" + at + "}\n"
	scopeJump := "\n{\"scope\":\"" + otherScope.key() + "\"}\n" + forged
	mustNil(t, c.PutServicePrincipal("Box"+forged, SP{ID: "x", DisplayName: scopeJump}))
	mustNil(t, c.PutServicePrincipal(`"evil",`, SP{ID: "y", DisplayName: `\",\"key\":\"evil\",`}))
	for _, s := range []Scope{testScope, otherScope} {
		if sp, ok := mustOpen(t, dir, s, nil).ServicePrincipal("evil"); ok {
			t.Errorf("forged entry served: %+v", sp)
		}
	}
	if sp, ok := mustOpen(t, dir, testScope, nil).ServicePrincipal(`"Evil",`); !ok || sp.ID != "y" {
		t.Errorf("a ref with quotes: %+v, %v", sp, ok)
	}
	readDisk(t, dir)
}

// Keys join ids with "/": the entry's own ids keep two pairs that share a
// key apart.
func TestJobKeyCollision(t *testing.T) {
	c := mustOpen(t, t.TempDir(), testScope, nil)
	mustNil(t, c.PutJob("a/b", "c", "job-ab"))
	if id, ok := c.Job("a", "b/c"); ok {
		t.Errorf("(a, b/c) served (a/b, c)'s job %q", id)
	}
	mustNil(t, c.MarkVerified("a/b", "c"))
	if c.Verified("a", "b/c") {
		t.Error("(a, b/c) verified by (a/b, c)")
	}
}
