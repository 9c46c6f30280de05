package provision

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// Plan is what a run would do (--dry-run): every user resolved, the rule
// picked, and each user's assignment to the app checked, with nothing
// sent.
type Plan struct {
	ServicePrincipalID string      `json:"servicePrincipalId"`
	ServicePrincipal   string      `json:"servicePrincipal"`
	JobID              string      `json:"jobId"`
	Items              []PlanItem  `json:"items"`
	Unknown            []PlanRef   `json:"unknown"`
	Counts             PlanCounts  `json:"counts"`
	Lookups            int         `json:"lookups"`
	Assignments        *Assignment `json:"assignments"`
}

// PlanItem is one user and what would happen to it.
type PlanItem struct {
	Subject Subject    `json:"subject"`
	Request *Request   `json:"request"`
	RuleID  string     `json:"ruleId"`
	Action  string     `json:"action"` // send | skip
	Reason  NullString `json:"reason"` // why skip (or a caveat), null otherwise
}

// PlanRef is a user given but not found.
type PlanRef struct {
	Ref    string `json:"ref"`
	Origin string `json:"origin"`
}

// PlanCounts sum up a plan.
type PlanCounts struct {
	Send        int `json:"send"`
	NotAssigned int `json:"notAssigned"`
	Resumed     int `json:"resumed"`
	Unknown     int `json:"unknown"`
}

// Assignment says how the app's assignments were read.
type Assignment struct {
	Users  int `json:"users"`  // assigned directly
	Groups int `json:"groups"` // assigned groups, whose direct members are in scope
}

// Plan resolves a bulk request and checks each user's assignment without
// sending any provisionOnDemand. A user is assigned when the app lists it
// in appRoleAssignedTo, or lists a group it is a direct member of: Entra
// ID does not extend a group's assignment to nested groups.
func (s *Service) Plan(ctx context.Context, r RunRequest) (*Plan, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	res := &BulkResult{}
	sp, jobID, subjects, err := s.resolveBulk(ctx, r, res)
	if err != nil {
		return nil, err
	}
	plan := &Plan{ServicePrincipalID: sp.ID, ServicePrincipal: sp.DisplayName, JobID: jobID, Items: []PlanItem{}, Unknown: []PlanRef{}, Lookups: res.Lookups}
	for _, u := range res.Unknown {
		plan.Unknown = append(plan.Unknown, PlanRef{Ref: u.Ref, Origin: u.Origin})
	}
	plan.Counts.Unknown = len(res.Unknown)
	assigned, info, err := s.assignedUsers(ctx, sp.ID, subjects)
	if err != nil {
		return nil, err
	}
	plan.Assignments = info
	ruleFor := s.ruleChooser(sp.ID, jobID, r.Rule)
	for _, subj := range subjects {
		rule, err := ruleFor(ctx, subj.Type)
		if err != nil {
			return nil, err
		}
		item := PlanItem{
			Subject: Subject{ID: NullString(subj.ID), DisplayName: NullString(subj.DisplayName), Type: NullString(subjectType(subj.Type))},
			Request: &Request{Ref: cmp.Or(subj.Ref, subj.ID), ID: subj.ID, Origin: subj.Origin},
			RuleID:  rule, Action: "send",
		}
		var prior Prior
		var done bool
		if r.Prior != nil {
			prior, done = r.Prior.Lookup(subj.ID, subj.Ref)
			done = done && strings.EqualFold(prior.JobID, jobID)
		}
		switch {
		case done && prior.State.Final() && (prior.State != StateFailure || !r.RetryFailed):
			item.Action, item.Reason = "skip", NullString(fmt.Sprintf("recorded %s in the results file (line %d)", prior.State, prior.Line))
			plan.Counts.Resumed++
		case done && prior.State == StatePending && !prior.SentAt.IsZero():
			item.Action, item.Reason = "skip", NullString(fmt.Sprintf("sent before (line %d): its log entry is read, it is not sent again", prior.Line))
			plan.Counts.Resumed++
		case IsDistinguishedName(subj.ID):
			item.Reason = "an on-premises user (cloud sync): its scope is the agent's, not checked"
			plan.Counts.Send++
		case !assigned[strings.ToLower(subj.ID)]:
			item.Action, item.Reason = "skip", "not assigned to the app, directly or through a group: provisioning would skip it"
			plan.Counts.NotAssigned++
		default:
			plan.Counts.Send++
		}
		plan.Items = append(plan.Items, item)
	}
	return plan, nil
}

// assignedUsers is the set of users (lower-case ids) assigned to the app
// directly or through a group they are a direct member of. Groups are read
// only when a subject is not assigned directly.
func (s *Service) assignedUsers(ctx context.Context, spID string, subjects []RunSubject) (map[string]bool, *Assignment, error) {
	list, err := s.Graph.AppRoleAssignedTo(ctx, spID)
	if err != nil {
		return nil, nil, fmt.Errorf("read the app's assignments: %w", err)
	}
	assigned := map[string]bool{}
	var groups []string
	info := &Assignment{}
	for _, a := range list {
		switch strings.ToLower(a.PrincipalType) {
		case "user":
			assigned[strings.ToLower(a.PrincipalID)] = true
			info.Users++
		case "group":
			groups = append(groups, a.PrincipalID)
			info.Groups++
		}
	}
	missing := false
	for _, subj := range subjects {
		if !assigned[strings.ToLower(subj.ID)] && !IsDistinguishedName(subj.ID) {
			missing = true
			break
		}
	}
	if !missing {
		return assigned, info, nil
	}
	for _, g := range groups {
		if err := checkID("group id", g); err != nil {
			return nil, nil, fmt.Errorf("the app's assignments name an unusable group id: %w", err)
		}
		members, err := s.Graph.GroupUsers(ctx, g, false)
		if err != nil {
			return nil, nil, fmt.Errorf("read the members of assigned group %s: %w", g, err)
		}
		for _, m := range members {
			assigned[strings.ToLower(m.ID)] = true
		}
	}
	return assigned, info, nil
}
