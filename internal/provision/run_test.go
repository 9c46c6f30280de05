package provision

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPacingKeepsFivePerTenSeconds(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var slept []time.Duration
	p := &Pacing{Limit: 5, Window: 10 * time.Second,
		now:   func() time.Time { return now },
		sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil },
	}
	for i := 0; i < 7; i++ {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Second)
	}
	// Requests at 0..4 s fit; the 6th (at 5 s) waits until 10 s, the 7th
	// (at 11 s) until the window has room again at 11 s.
	if len(slept) != 1 || slept[0] != 5*time.Second {
		t.Fatalf("slept %v, want one 5s wait", slept)
	}
}

func TestPacingCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := &Pacing{Limit: 1, Window: time.Hour}
	_ = p.Wait(ctx)
	if err := p.Wait(ctx); err == nil {
		t.Fatal("a cancelled wait must return the context error")
	}
}

func TestProvisionOnDemandBody(t *testing.T) {
	svc, _ := newFakeGraph(t, map[string]fakeAnswer{
		"POST servicePrincipals/sp/synchronization/jobs/J/provisionOnDemand": {200, `{"key":"{\"result\":\"Success\",\"details\":{}}","value":"{}"}`},
	})
	sub, err := svc.Submit(context.Background(), "sp", "J", "33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2",
		RunSubject{ID: "g1", DisplayName: "Sales", Type: "Group", MemberIDs: []string{"u1", "u2"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := sub.Answer
	if o.State != StateSuccess || o.Subject.ID != "g1" || o.Subject.DisplayName != "Sales" || len(o.Steps) != 0 {
		t.Fatalf("outcome = %+v", o)
	}
	if !json.Valid(o.Raw) {
		t.Fatalf("raw = %s", o.Raw)
	}
	for _, bad := range []RunSubject{{ID: "x\x1b[2J", Type: "User"}, {ID: "", Type: "User"}, {ID: "g", Type: "Group", MemberIDs: []string{"m\n"}}} {
		if _, err := svc.Submit(context.Background(), "sp", "J", "r", bad, nil); err == nil || !strings.Contains(err.Error(), "invalid") {
			t.Fatalf("a bad subject id %q must be refused: %v", bad.ID, err)
		}
	}
}
