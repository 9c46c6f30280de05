package provision

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Run resolves the target once, provisions each subject at Graph's pace
// and, with Wait, waits for each subject's own provisioning-log entry. It
// returns the outcomes gathered so far with any error, so a caller can
// report what was done before a failure or a timeout.
func (s *Service) Run(ctx context.Context, r RunRequest) ([]*Outcome, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if !r.Wait {
		return s.run(ctx, r)
	}
	return withDeadline(ctx, r.Timeout, func(ctx context.Context) ([]*Outcome, error) { return s.run(ctx, r) })
}

// withDeadline runs f under --timeout: lookups, POSTs and waits alike, so a
// server that never answers cannot hold a CI step past it. An error from
// being cut short becomes a *RunTimeout.
func withDeadline[T any](ctx context.Context, timeout time.Duration, f func(context.Context) (T, error)) (T, error) {
	runCtx, cancel := context.WithTimeout(ctx, timeoutOrDefault(timeout))
	defer cancel()
	v, err := f(runCtx)
	if err != nil && ctx.Err() == nil && runCtx.Err() != nil && !errors.Is(err, ErrWaitTimeout) {
		err = &RunTimeout{Err: err}
	}
	return v, err
}

// RunTimeout means --timeout passed before a request was answered; Err is
// what was cut short. It matches ErrWaitTimeout.
type RunTimeout struct{ Err error }

func (e *RunTimeout) Error() string { return fmt.Sprintf("%s: %v", ErrWaitTimeout, e.Err) }

// Unwrap gives the error that was cut short.
func (e *RunTimeout) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrWaitTimeout) hold.
func (e *RunTimeout) Is(target error) bool { return target == ErrWaitTimeout }

func timeoutOrDefault(d time.Duration) time.Duration {
	if d <= 0 {
		return defaultWaitTimeout
	}
	return d
}

func (s *Service) run(ctx context.Context, r RunRequest) ([]*Outcome, error) {
	sp, err := s.ResolveServicePrincipal(ctx, r.SP)
	if err != nil {
		return nil, err
	}
	jobID, err := s.ResolveJob(ctx, sp.ID, r.Job)
	if err != nil {
		return nil, err
	}
	subjects, err := s.resolveRunSubjects(ctx, r)
	if err != nil {
		return nil, err
	}
	ruleFor := s.ruleChooser(sp.ID, jobID, r.Rule)
	pace := r.Pacer
	if pace == nil {
		pace = DefaultPacing()
	}
	var outcomes []*Outcome
	for _, subj := range subjects {
		rule, err := ruleFor(ctx, subj.Type)
		if err != nil {
			return outcomes, err
		}
		var seen map[string]map[string]bool
		if r.Wait && subj.Type == "Group" {
			if seen, err = s.seenBefore(ctx, jobID, subj); err != nil {
				return outcomes, err
			}
		}
		sub, err := s.Submit(ctx, sp.ID, jobID, rule, subj, pace)
		if p, ok := pace.(interface{ Answered() }); ok {
			p.Answered()
		}
		if err != nil {
			return outcomes, err
		}
		if sub.SubjectMismatch {
			r.note("Graph's answer for %s names another object, %s: it is shown as Graph sent it", subj.DisplayName, sub.Answer.Subject.ID)
		}
		if !r.Wait {
			outcomes = append(outcomes, sub.Answer)
			continue
		}
		o, err := s.awaitLog(ctx, r, sub, seen)
		var lre *LogReadError
		if errors.As(err, &lre) {
			o = lre.Answer // the logs could not be read: Graph's own answer is all there is
		}
		outcomes = append(outcomes, o)
		if err != nil {
			return outcomes, err
		}
	}
	return outcomes, nil
}

// resolveRunSubjects turns --user/--group/--member into ids before any POST.
func (s *Service) resolveRunSubjects(ctx context.Context, r RunRequest) ([]RunSubject, error) {
	if r.Group != "" {
		g, err := s.ResolveGroup(ctx, r.Group)
		if err != nil {
			return nil, err
		}
		subj := RunSubject{ID: g.ID, DisplayName: g.DisplayName, Type: "Group"}
		seen := map[string]bool{}
		for _, m := range r.Members {
			u, err := s.ResolveUser(ctx, m)
			if err != nil {
				return nil, err
			}
			if seen[strings.ToLower(u.ID)] {
				r.note("--member %s is given more than once: sent once", m)
				continue
			}
			seen[strings.ToLower(u.ID)] = true
			subj.MemberIDs = append(subj.MemberIDs, u.ID)
			subj.memberNames = append(subj.memberNames, cmp.Or(u.UserPrincipalName, u.DisplayName))
		}
		return []RunSubject{subj}, nil
	}
	out := make([]RunSubject, 0, len(r.Users))
	seen := map[string]bool{}
	for _, ref := range r.Users {
		if IsDistinguishedName(ref) {
			// An on-premises AD user (cloud sync): not in Entra ID to look
			// up, and named in lower case as that direction expects.
			out = append(out, RunSubject{ID: ref, DisplayName: ref, Type: "user"})
			continue
		}
		u, err := s.ResolveUser(ctx, ref)
		if err != nil {
			return nil, err
		}
		// The same user given twice (or by UPN and by id) is provisioned once.
		if seen[strings.ToLower(u.ID)] {
			r.note("%s is given more than once: provisioned once", ref)
			continue
		}
		seen[strings.ToLower(u.ID)] = true
		out = append(out, RunSubject{ID: u.ID, DisplayName: cmp.Or(u.UserPrincipalName, u.DisplayName), Type: "User"})
	}
	return out, nil
}

// ruleChooser returns --rule as given, or picks from the schema (read once).
func (s *Service) ruleChooser(spID, jobID, rule string) func(context.Context, string) (string, error) {
	var (
		once  sync.Once
		rules []Rule
		err   error
	)
	return func(ctx context.Context, objectType string) (string, error) {
		if rule != "" {
			return rule, nil
		}
		once.Do(func() { rules, err = s.Rules(ctx, spID, jobID) })
		if err != nil {
			return "", err
		}
		return PickRule(rules, objectType)
	}
}

// awaitLog waits for the submission's own provisioning-log entry (and, for
// a group, each listed member's). On a timeout it returns the last outcome
// read (pending, so state and exit code agree) with a *LogWaitTimeout that
// carries the synchronous answer.
func (s *Service) awaitLog(ctx context.Context, r RunRequest, sub *Submission, seen map[string]map[string]bool) (*Outcome, error) {
	spID, jobID := sub.Answer.ServicePrincipalID, sub.Answer.JobID
	own := LogMatch{
		ServicePrincipalID: spID, JobID: jobID, SubjectID: sub.Subject.ID, SubjectType: subjectType(sub.Subject.Type),
		SubjectName: sub.Subject.DisplayName, ChangeID: string(sub.Answer.ChangeID), NotBefore: sub.NotBefore,
		Seen: seen[sub.Subject.ID],
	}
	members := make([]LogMatch, len(sub.Subject.MemberIDs))
	for i, id := range sub.Subject.MemberIDs {
		members[i] = LogMatch{ServicePrincipalID: spID, JobID: jobID, SubjectID: id, SubjectType: "User", NotBefore: sub.NotBefore, Seen: seen[id]}
		if i < len(sub.Subject.memberNames) {
			members[i].SubjectName = sub.Subject.memberNames[i]
		}
	}
	// Entries already found final are kept: each poll reads only what is
	// still pending.
	var found *Outcome
	foundMembers := make([]*Outcome, len(members))
	poll := func(ctx context.Context) (*Outcome, error) {
		if found == nil {
			o, err := s.FindLogOutcome(ctx, own)
			if err != nil || !o.State.Final() {
				return o, err
			}
			found = o
		}
		for i, m := range members {
			if foundMembers[i] != nil && foundMembers[i].State.Final() {
				continue
			}
			mo, err := s.FindLogOutcome(ctx, m)
			if err != nil {
				return nil, err
			}
			foundMembers[i] = mo
		}
		found.Members = append([]*Outcome{}, foundMembers...)
		return found, nil
	}
	if r.Progress != nil {
		r.Progress.Start(fmt.Sprintf("Waiting for the provisioning log of %s (real tenants take minutes)", sub.Subject.DisplayName))
		defer r.Progress.Stop()
	}
	o, err := Wait(ctx, poll, WaitOptions{
		Interval: r.Interval,
		Timeout:  r.Timeout,
		Final:    allFinal,
		OnPoll: func(o *Outcome, _ time.Duration) {
			if r.Progress != nil {
				r.Progress.Update(o)
			}
		},
	})
	if o == nil {
		o = own.pending()
	}
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return o, err
	case errors.Is(err, ErrWaitTimeout), errors.Is(err, context.DeadlineExceeded):
		// The run's own deadline (--timeout) may end the wait first.
		return o, &LogWaitTimeout{Answer: sub.Answer, Missing: pendingSubjects(o)}
	}
	// Reading the logs failed (a missing AuditLog.Read.All, say): keep
	// what Graph answered at once in the message.
	return o, &LogReadError{Answer: sub.Answer, Err: err}
}

// pendingSubjects names the subjects of o (and its members) whose entries
// have not been read.
func pendingSubjects(o *Outcome) []string {
	var out []string
	if !o.State.Final() && o.Subject != nil {
		out = append(out, cmp.Or(o.Subject.DisplayName.String(), o.Subject.ID.String()))
	}
	for _, m := range o.Members {
		out = append(out, pendingSubjects(m)...)
	}
	return out
}

// LogWaitTimeout means --timeout passed before a request's log entries
// appeared; Answer is what Graph said at once, Missing whose entries are
// not there yet. It matches ErrWaitTimeout.
type LogWaitTimeout struct {
	Answer  *Outcome
	Missing []string
}

func (e *LogWaitTimeout) Error() string {
	return fmt.Sprintf("%s: Graph's immediate answer was %s; no provisioning-log entry yet for %s",
		ErrWaitTimeout, e.Answer.State, strings.Join(e.Missing, ", "))
}

// LogReadError means the request was answered but its log entry could not
// be read; the exit code is the underlying error's.
type LogReadError struct {
	Answer *Outcome
	Err    error
}

func (e *LogReadError) Error() string {
	return fmt.Sprintf("Graph's immediate answer was %s, but its provisioning-log entry could not be read: %v", e.Answer.State, e.Err)
}

// Unwrap gives the error reading the logs.
func (e *LogReadError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrWaitTimeout) hold.
func (e *LogWaitTimeout) Is(target error) bool { return target == ErrWaitTimeout }

// seenBefore reads, for a group and each member, the log entries already
// there before the request (see seenEntries).
func (s *Service) seenBefore(ctx context.Context, jobID string, subj RunSubject) (map[string]map[string]bool, error) {
	seen := map[string]map[string]bool{}
	for _, id := range append([]string{subj.ID}, subj.MemberIDs...) {
		ids, err := s.seenEntries(ctx, jobID, id)
		if err != nil {
			return nil, err
		}
		seen[id] = ids
	}
	return seen, nil
}

// allFinal is true once an outcome and all its members' are final.
func allFinal(o *Outcome) bool {
	if !o.State.Final() {
		return false
	}
	for _, m := range o.Members {
		if !allFinal(m) {
			return false
		}
	}
	return true
}

// WorstState is the state that decides the exit code of several outcomes
// (members included): failure, then pending, skipped, warning, success.
func WorstState(outcomes []*Outcome) State {
	rank := map[State]int{StateSuccess: 0, StateWarning: 1, StateSkipped: 2, StatePending: 3, StateFailure: 4}
	worst := StateSuccess
	var visit func(o *Outcome)
	visit = func(o *Outcome) {
		if rank[o.State] > rank[worst] {
			worst = o.State
		}
		for _, m := range o.Members {
			visit(m)
		}
	}
	for _, o := range outcomes {
		visit(o)
	}
	return worst
}
