package tenant

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	boxSP            = "8783a342-f7a2-46fb-8243-3658cee556ce"
	boxJob           = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
	adeleID          = "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13"
	meganID          = "e1b7c6a3-5d24-4f89-b0e2-9a8c7d6f5e41"
	waveGroup        = "3b0e7a00-5c1d-4e2f-9b00-000000000001"
	contractorsGroup = "3b0e7a00-5c1d-4e2f-9b00-000000000002"
)

func waveUser(n int) string { return fmt.Sprintf("3b0e7a00-5c1d-4e2f-9a00-0000000000%02d", n) }

func TestBuiltinWave(t *testing.T) {
	d := newTestDirectory(t)
	for n := 1; n <= 36; n++ {
		u := d.FindUser(fmt.Sprintf("user%02d@contoso.test", n))
		if u == nil || u.ID != waveUser(n) || u.DisplayName != fmt.Sprintf("Wave User %02d", n) || u.Mail != u.UserPrincipalName {
			t.Errorf("user%02d = %+v", n, u)
		}
	}
	if g := d.FindGroup(waveGroup); g == nil || g.DisplayName != "Onboarding Wave" || len(g.Members) != 31 {
		t.Errorf("Onboarding Wave = %+v", g)
	}
	if g := d.FindGroup(contractorsGroup); g == nil || g.DisplayName != "Wave Contractors" || len(g.Members) != 3 {
		t.Errorf("Wave Contractors = %+v", g)
	}
	// The first user is still Adele (device codes sign in as her).
	if d.Users()[0].ID != adeleID {
		t.Errorf("first user = %s", d.Users()[0].ID)
	}
}

func TestAssignmentThroughGroupIsDirectOnly(t *testing.T) {
	d := newTestDirectory(t)
	box := d.LookupSP(boxSP, false)
	in := map[string]bool{adeleID: true}
	for n := 1; n <= 30; n++ {
		in[waveUser(n)] = true
	}
	for _, u := range d.Users() {
		if got := box.assigned(u.ID); got != in[u.ID] {
			t.Errorf("%s assigned to Box = %v, want %v", u.UserPrincipalName, got, in[u.ID])
		}
	}
	if box.assigned(waveGroup) || box.assigned(strings.ToUpper(meganID)) || !box.assigned(strings.ToUpper(adeleID)) {
		t.Error("assigned() compares user ids case-insensitively and never holds groups")
	}
	// The job's last run counted the users in scope.
	status := d.JobJSON(box.Job(boxJob))["status"].(map[string]any)
	if n := status["lastExecution"].(map[string]any)["countEntitled"]; n != 31 {
		t.Errorf("countEntitled = %v", n)
	}

	got := d.AppRoleAssignments(box)
	if len(got) != 2 || got[0] != (AppRoleAssignment{adeleID, "User", "Adele Vance"}) || got[1] != (AppRoleAssignment{waveGroup, "Group", "Onboarding Wave"}) {
		t.Errorf("AppRoleAssignments = %+v", got)
	}

	for n, want := range map[int]string{1: "Success", 31: "Skipped", 34: "Skipped"} {
		r, err := d.ProvisionUser(box.Job(boxJob), waveUser(n), Initiator{Kind: "user"}, time.Now())
		if err != nil || r.result != want {
			t.Errorf("user%02d on demand: %v, %v", n, r, err)
		}
		if n != 1 && r.err != errNotEntitled {
			t.Errorf("user%02d: %v", n, r.err)
		}
	}
}

func TestGroupMembersTransitive(t *testing.T) {
	d := newTestDirectory(t)
	names := func(ms []Member) []string {
		var out []string
		for _, m := range ms {
			if m.User != nil {
				out = append(out, m.User.UserPrincipalName)
			} else {
				out = append(out, "group:"+m.Group.DisplayName)
			}
		}
		return out
	}
	g, direct := d.GroupMembers(waveGroup, false)
	if g == nil || len(direct) != 31 || names(direct)[30] != "group:Wave Contractors" {
		t.Errorf("direct = %v", names(direct))
	}
	_, all := d.GroupMembers(strings.ToUpper(waveGroup), true)
	if got := names(all); len(got) != 34 || got[31] != "user31@contoso.test" || got[33] != "user33@contoso.test" {
		t.Errorf("transitive = %v", got)
	}
	if g, ms := d.GroupMembers(adeleID, true); g != nil || ms != nil {
		t.Error("a user is no group")
	}
}

func TestSeedHistoryLeavesOutNewObjects(t *testing.T) {
	d := newTestDirectory(t)
	for _, e := range d.ProvisioningLogs(time.Now(), nil, true) {
		id, _ := e["sourceIdentity"].(map[string]any)["id"].(string)
		if strings.HasPrefix(id, "3b0e7a00-") {
			t.Errorf("history names %s", id)
		}
	}
}

func TestAssignmentValidation(t *testing.T) {
	base := `{"tenantId":"t","domain":"d","application":{"clientId":"c"},
	  "users":[{"id":"u1","userPrincipalName":"u1@d"},{"id":"u2","userPrincipalName":"u2@d"}],
	  "groups":[%s],
	  "servicePrincipals":[{"id":"sp","appId":"a","displayName":"App","assignments":[%s]}]}`
	tests := []struct {
		groups, assignments, wantErr string
	}{
		{`{"id":"g1","displayName":"G1","members":["u1","g2"]},{"id":"g2","displayName":"G2","members":["u2"]}`, `"u1","g1"`, ""},
		{`{"id":"g1","displayName":"G1","members":["u1"]}`, `"nobody"`, "unknown assignment nobody"},
		{`{"id":"g1","displayName":"G1","members":["ghost"]}`, `"g1"`, "unknown member ghost"},
		{`{"id":"g1","displayName":"G1","members":["g1"]}`, `"g1"`, "member of itself"},
		{`{"id":"u1","displayName":"G1","members":[]}`, `"u1"`, "used twice"},
		{`{"id":"g1","displayName":"A","members":["g2"]},{"id":"g2","displayName":"B","members":["g1","u2"]}`, `"g1"`, ""},
	}
	for i, tt := range tests {
		path := filepath.Join(t.TempDir(), "t.json")
		if err := os.WriteFile(path, []byte(fmt.Sprintf(base, tt.groups, tt.assignments)), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Load(path)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%d: %v", i, err)
				continue
			}
			// Direct members of an assigned group only: u2 is in the nested group (case 0).
			sp := New(f, time.Now()).LookupSP("sp", false)
			if i == 0 && (!sp.assigned("u1") || sp.assigned("u2")) {
				t.Errorf("%d: scope u1 %v, u2 %v", i, sp.assigned("u1"), sp.assigned("u2"))
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%d: error %v, want %q", i, err, tt.wantErr)
		}
	}
}

func TestOnDemandRateIsConfigurable(t *testing.T) {
	d := newTestDirectory(t)
	j := d.LookupSP(boxSP, false).Job(boxJob)
	cfg := d.Configure(ConfigChange{OnDemandRate: &OnDemandRate{Limit: 5, Window: time.Second}})
	if !cfg.RateLimit || cfg.OnDemandRate != (OnDemandRate{5, time.Second}) {
		t.Errorf("config = %+v", cfg)
	}
	t0 := time.Now()
	for i := 0; i < 5; i++ {
		if _, ok := d.AdmitOnDemand(j, t0.Add(time.Duration(i)*100*time.Millisecond)); !ok {
			t.Fatalf("call %d refused", i+1)
		}
	}
	wait, ok := d.AdmitOnDemand(j, t0.Add(500*time.Millisecond))
	if ok || wait != 500*time.Millisecond {
		t.Errorf("6th call: %s, %v; want refused for 500ms", wait, ok)
	}
	if _, ok := d.AdmitOnDemand(j, t0.Add(time.Second)); !ok {
		t.Error("a second after the first call the window has room")
	}
	// Lowering the limit below the calls in the window waits for enough of
	// them to leave it.
	d.Configure(ConfigChange{OnDemandRate: &OnDemandRate{Limit: 2, Window: time.Second}})
	wait, ok = d.AdmitOnDemand(j, t0.Add(1050*time.Millisecond))
	if ok || wait != 350*time.Millisecond {
		t.Errorf("after lowering: %s, %v; want refused for 350ms", wait, ok)
	}
}
