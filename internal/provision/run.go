package provision

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// MaxGroupMembers is how many --member a group request may carry.
const MaxGroupMembers = 5

// RunSubject is one provisionOnDemand subject, already resolved to ids.
type RunSubject struct {
	ID          string
	DisplayName string
	Type        string   // "User" or "Group"
	MemberIDs   []string // group members (at most MaxGroupMembers)
	memberNames []string // their UPNs, for progress and placeholders
	// Ref and Origin are the subject as given and where (bulk runs).
	Ref, Origin string
	// resumed is an earlier run's pending record: read its entry, not send.
	resumed *Prior
}

// Submission is one provisionOnDemand request as Graph answered it.
type Submission struct {
	Subject RunSubject
	// Answer is the synchronous answer mapped to an Outcome.
	Answer *Outcome
	// NotBefore is the earliest activityDateTime a provisioning-log entry of
	// this request can carry, on Graph's clock (see requestTime).
	NotBefore time.Time
	// SubjectMismatch: Graph's answer names another object than the one sent.
	SubjectMismatch bool
}

// Submit sends one provisionOnDemand request and keeps, beside the answer,
// the time Graph received it, so its log entry can be told from older ones.
// A nil pace sends at once (the caller paced).
func (s *Service) Submit(ctx context.Context, spID, jobID, ruleID string, subj RunSubject, pace Pacer) (*Submission, error) {
	if err := checkID("service principal id", spID); err != nil {
		return nil, err
	}
	if err := checkID("job id", jobID); err != nil {
		return nil, err
	}
	// A subject id goes into the body and a quoted filter, never a path:
	// AD distinguished names (cloud sync) have spaces and commas.
	if subj.ID == "" {
		return nil, usagef("invalid subject id: it is empty")
	}
	for _, id := range append([]string{subj.ID}, subj.MemberIDs...) {
		if err := CheckFilterValue("subject id", id); err != nil {
			return nil, err
		}
	}
	if ruleID == "" || len(ruleID) > graph.MaxIDLength {
		return nil, usagef("invalid rule id %q", ruleID)
	}
	if len(subj.MemberIDs) > MaxGroupMembers {
		return nil, usagef("at most %d --member per request, got %d", MaxGroupMembers, len(subj.MemberIDs))
	}
	body := graph.OnDemandRequest{Parameters: []graph.OnDemandParameters{{
		RuleID:   ruleID,
		Subjects: []graph.OnDemandSubject{subjectBody(subj)},
	}}}
	if pace != nil {
		if err := pace.Wait(ctx); err != nil {
			return nil, err
		}
	}
	// An unreadable answer to this POST may still mean it was applied:
	// graph's decode errors say so.
	resp, err := s.Graph.ProvisionOnDemand(ctx, spID, jobID, body)
	if err != nil {
		return nil, requestError(err, "provision %s on demand", subj.DisplayName)
	}
	o := FromOnDemand(spID, jobID, resp.Answer, resp.Raw)
	mismatch := fillSubject(o, subj)
	sub := &Submission{Subject: subj, Answer: o, NotBefore: requestTime(resp.Date, resp.Sent, resp.Received), SubjectMismatch: mismatch}
	return sub, nil
}

// fillSubject completes the answer's subject from the request where Graph
// left it out (a group's answer is "{}"), and never replaces what Graph
// says: an answer about another object is reported as such, true.
func fillSubject(o *Outcome, subj RunSubject) (mismatch bool) {
	if o.Subject == nil {
		o.Subject = &Subject{}
	}
	if o.Subject.ID != "" && !strings.EqualFold(o.Subject.ID.String(), subj.ID) {
		// Cloud sync answers with the object's GUID for a DN subject.
		return !IsDistinguishedName(subj.ID)
	}
	if o.Subject.ID == "" {
		o.Subject.ID = NullString(subj.ID)
	}
	if o.Subject.DisplayName == "" {
		o.Subject.DisplayName = NullString(subj.DisplayName)
	}
	if o.Subject.Type == "" {
		o.Subject.Type = NullString(subjectType(subj.Type))
	}
	return false
}

// clockSkew is the slack allowed between the Date header (whole seconds)
// and the entry's activityDateTime.
const clockSkew = 2 * time.Second

// requestTime estimates when Graph received a request on Graph's own
// clock: the answer's Date less the round trip, less a little skew. A
// local clock that is wrong by hours cannot then match an old log entry.
// Without a Date header the local send time is used.
func requestTime(date string, sent, received time.Time) time.Time {
	d, err := http.ParseTime(date)
	if err != nil {
		return sent.Add(-clockSkew).UTC()
	}
	return d.Add(-received.Sub(sent)).Add(-clockSkew).UTC()
}

func subjectBody(subj RunSubject) graph.OnDemandSubject {
	out := graph.OnDemandSubject{ObjectID: subj.ID, ObjectTypeName: subj.Type}
	if len(subj.MemberIDs) > 0 {
		out.Links = &graph.OnDemandLinks{}
		for _, m := range subj.MemberIDs {
			out.Links.Members = append(out.Links.Members, graph.OnDemandSubject{ObjectID: m, ObjectTypeName: "User"})
		}
	}
	return out
}
