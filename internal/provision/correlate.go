package provision

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// LogMatch says which provisioning-log entry is the outcome of one
// request: the same job and subject, no older than the request, and the
// same change id when one is known. Graph filters on all of it, and every
// entry is checked again here, so a server that ignores part of a filter
// still cannot hand over another subject's outcome.
type LogMatch struct {
	ServicePrincipalID string
	JobID              string
	SubjectID          string
	SubjectType        string // for the pending placeholder only
	SubjectName        string // for the pending placeholder only
	ChangeID           string
	NotBefore          time.Time
	// Seen are entry ids already in the log before the request was sent:
	// never its outcome, however close their time (Date has whole seconds).
	Seen map[string]bool
}

// query is the Graph filter for m.
func (m LogMatch) query() LogQuery {
	q := LogQuery{JobID: m.JobID, SubjectID: filterID(m.SubjectID), ChangeID: m.ChangeID, Top: 10, Limit: 10}
	if !m.NotBefore.IsZero() {
		// The documented operators on activityDateTime are eq, gt and lt:
		// gt a second earlier, with the exact bound checked here.
		q.After = m.NotBefore.Add(-time.Second).UTC().Format(time.RFC3339)
	}
	return q
}

// matches reports whether entry e is m's outcome.
func (m LogMatch) matches(e *graph.ProvisioningObjectSummary) bool {
	if e.SourceIdentity == nil || !strings.EqualFold(string(e.SourceIdentity.ID), m.SubjectID) {
		return false
	}
	if !sameJob(e, m.JobID, m.ServicePrincipalID) {
		return false
	}
	if m.ChangeID != "" && !strings.EqualFold(e.ChangeID, m.ChangeID) {
		return false
	}
	if e.ID != "" && m.Seen[e.ID] {
		return false
	}
	// An entry without a time cannot be shown to be new enough.
	return m.NotBefore.IsZero() || (!e.ActivityDateTime.IsZero() && !e.ActivityDateTime.Before(m.NotBefore))
}

// pending is the placeholder while m's entry has not appeared.
func (m LogMatch) pending() *Outcome {
	o := &Outcome{
		ServicePrincipalID: m.ServicePrincipalID, JobID: m.JobID, Source: SourceProvisioningLogs, State: StatePending,
		ChangeID: NullString(m.ChangeID),
		Subject:  &Subject{ID: NullString(m.SubjectID), DisplayName: NullString(m.SubjectName), Type: NullString(m.SubjectType)},
	}
	return o.normalize()
}

// FindLogOutcome reads m's provisioning-log entry, newest first; none yet
// is a pending Outcome (real tenants record entries minutes later).
func (s *Service) FindLogOutcome(ctx context.Context, m LogMatch) (*Outcome, error) {
	if err := checkID("job id", m.JobID); err != nil {
		return nil, err
	}
	if m.SubjectID == "" {
		return nil, usagef("a log match needs a subject")
	}
	if err := CheckFilterValue("subject", m.SubjectID); err != nil {
		return nil, err
	}
	if err := CheckFilterValue("change id", m.ChangeID); err != nil {
		return nil, err
	}
	entries, raws, err := s.Logs(ctx, m.query())
	if err != nil {
		return nil, fmt.Errorf("read provisioning logs of job %s: %w", m.JobID, err)
	}
	for _, i := range newestFirst(entries) {
		if m.matches(&entries[i]) {
			o := FromLog(m.ServicePrincipalID, &entries[i], raws[i])
			if o.JobID == "" {
				o.JobID = m.JobID
			}
			return o, nil
		}
	}
	return m.pending(), nil
}

// seenEntries lists the ids of the subject's newest entries in the job's
// log before a request is sent. Only requests whose answer carries no
// change id (groups and their members) need it: the time bound alone
// cannot tell two requests a second apart.
func (s *Service) seenEntries(ctx context.Context, jobID, subjectID string) (map[string]bool, error) {
	entries, _, err := s.Logs(ctx, LogQuery{JobID: jobID, SubjectID: subjectID, Top: 20, Limit: 20})
	if err != nil {
		return nil, fmt.Errorf("read provisioning logs of job %s: %w", jobID, err)
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if e.ID != "" {
			seen[e.ID] = true
		}
	}
	return seen, nil
}

// sameJob reports whether entry e belongs to the job: by its jobId, or,
// when Graph left that out, by its service principal. An entry that says
// neither cannot be shown to be the job's.
func sameJob(e *graph.ProvisioningObjectSummary, jobID, spID string) bool {
	if e.JobID != "" {
		return strings.EqualFold(e.JobID, jobID)
	}
	return spID != "" && e.ServicePrincipal != nil && strings.EqualFold(e.ServicePrincipal.ID, spID)
}

// newestFirst orders entry indexes by activityDateTime, newest first,
// whatever order the server used ($orderby may be ignored).
func newestFirst(entries []graph.ProvisioningObjectSummary) []int {
	idx := make([]int, len(entries))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return entries[idx[a]].ActivityDateTime.After(entries[idx[b]].ActivityDateTime.Time)
	})
	return idx
}

// filterID spells an object id as Graph does (GUIDs in lower case): the
// logs' filters are case-sensitive. Other ids (AD DNs) are kept as typed.
func filterID(id string) string {
	if IsGUID(id) {
		return strings.ToLower(id)
	}
	return id
}
