package provision

import (
	"context"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// stubGraph swaps Graph for a test: the methods a test sets answer, any
// other one panics (GraphAPI is nil).
type stubGraph struct {
	GraphAPI
	onDemand func(spID, jobID string, req graph.OnDemandRequest) (*graph.OnDemandResponse, error)
	restart  func(spID, jobID, resetScope string) error
}

func (s *stubGraph) ProvisionOnDemand(_ context.Context, spID, jobID string, req graph.OnDemandRequest) (*graph.OnDemandResponse, error) {
	return s.onDemand(spID, jobID, req)
}

func (s *stubGraph) RestartJob(_ context.Context, spID, jobID, resetScope string) error {
	return s.restart(spID, jobID, resetScope)
}

func TestSubmitUsesTheAnswersDateAndTiming(t *testing.T) {
	sent := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) // a local clock 3 hours ahead
	stub := &stubGraph{onDemand: func(spID, jobID string, req graph.OnDemandRequest) (*graph.OnDemandResponse, error) {
		if spID != "sp" || jobID != "J.1" || len(req.Parameters) != 1 || req.Parameters[0].RuleID != "r1" ||
			req.Parameters[0].Subjects[0].ObjectID != "u1" {
			t.Errorf("request = %s %s %+v", spID, jobID, req)
		}
		return &graph.OnDemandResponse{
			Answer: &graph.OnDemandAnswer{}, Raw: []byte(`{"key":"","value":""}`),
			Date: "Mon, 30 Nov 2026 09:00:05 GMT", Sent: sent, Received: sent.Add(4 * time.Second),
		}, nil
	}}
	svc := &Service{Graph: stub}
	sub, err := svc.Submit(context.Background(), "sp", "J.1", "r1", RunSubject{ID: "u1", DisplayName: "Adele", Type: "User"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 9, 0, 1, 0, time.UTC).Add(-clockSkew); !sub.NotBefore.Equal(want) {
		t.Errorf("NotBefore = %v, want %v", sub.NotBefore, want)
	}
	if sub.Answer.Subject == nil || sub.Answer.Subject.ID != "u1" || sub.SubjectMismatch {
		t.Errorf("answer subject = %+v, mismatch %v", sub.Answer.Subject, sub.SubjectMismatch)
	}
}

func TestControlJobRestartPassesTheResetScope(t *testing.T) {
	var got string
	svc := &Service{Graph: &stubGraph{restart: func(_, _, scope string) error { got = scope; return nil }}}
	if err := svc.ControlJob(context.Background(), "sp", "J.1", JobRestart, "Watermark, Full"); err != nil {
		t.Fatal(err)
	}
	if got != "Watermark, Full" {
		t.Errorf("resetScope = %q", got)
	}
	if err := svc.ControlJob(context.Background(), "sp", "J.1", JobAction("delete"), ""); err == nil {
		t.Error("an unknown action was accepted")
	}
}
