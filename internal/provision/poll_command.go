package provision

import (
	"cmp"
	"context"
	"errors"
	"time"
)

// PollCommand is one `provision poll`: names as the user typed them.
type PollCommand struct {
	SP, Job  string
	Source   PollSource
	ChangeID string
	Subject  string // object id, UPN or AD distinguished name
	Wait     bool
	Interval time.Duration
	Timeout  time.Duration
	// Progress, when set, hears about the wait (a spinner on stderr).
	Progress Progress
}

// Validate checks everything that can be checked before a request is sent.
func (c PollCommand) Validate() error {
	if c.SP == "" {
		return usagef("--sp is required: a service principal object id, appId or display name")
	}
	if c.Job != "" {
		if err := CheckJobRef(c.Job); err != nil {
			return err
		}
	}
	if err := (PollRequest{Source: c.Source, ChangeID: c.ChangeID, SubjectID: c.Subject}).ValidateFilters(); err != nil {
		return err
	}
	return CheckWait(c.Interval, c.Timeout)
}

// PollResult is what PollOutcome found.
type PollResult struct {
	Outcome *Outcome
	// LatestOfJob says the outcome is the job's most recent request,
	// whoever it was for: neither a subject nor a change id was given.
	LatestOfJob bool
	// LatestOfSubject says it is the subject's most recent entry, which
	// may be an earlier request's while a new one's is not published yet.
	LatestOfSubject bool
	// ServicePrincipalName is the display name when the command resolved
	// it (a name, or a cache entry); "" for an id as typed, which a poll
	// does not spend a request on.
	ServicePrincipalName string
}

// PollOutcome resolves the names once and reads the outcome, waiting for a
// final state with Wait. --timeout bounds the whole command then, lookups
// included; on a timeout the last outcome read comes with ErrWaitTimeout.
func (s *Service) PollOutcome(ctx context.Context, c PollCommand) (*PollResult, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Wait {
		return withDeadline(ctx, c.Timeout, func(ctx context.Context) (*PollResult, error) { return s.pollOutcome(ctx, c) })
	}
	return s.pollOutcome(ctx, c)
}

func (s *Service) pollOutcome(ctx context.Context, c PollCommand) (*PollResult, error) {
	// The subject is resolved once, before the target: it does not depend
	// on it, and a retry after a stale cache entry must not repeat it.
	subjectID, err := s.ResolveSubject(ctx, c.Subject)
	if err != nil {
		return nil, err
	}
	if s.Cache != nil && s.Cache.ApplyAbsent() {
		s.mu.Lock()
		s.applyAbsent = true
		s.mu.Unlock()
	}
	var res *PollResult
	err = s.withTarget(ctx, c.SP, c.Job, func(t target) error {
		var err error
		res, err = s.pollTarget(ctx, c, t, subjectID)
		return err
	})
	return res, err
}

// pollTarget reads the outcome of one resolved target, waiting with Wait.
func (s *Service) pollTarget(ctx context.Context, c PollCommand, t target, subjectID string) (*PollResult, error) {
	req := PollRequest{ServicePrincipalID: t.sp.ID, JobID: t.jobID, Source: c.Source, ChangeID: c.ChangeID, SubjectID: subjectID}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	res := &PollResult{LatestOfJob: subjectID == "" && c.ChangeID == "", LatestOfSubject: subjectID != "" && c.ChangeID == "",
		ServicePrincipalName: t.sp.DisplayName}
	poll := func(ctx context.Context) (*Outcome, error) { return s.Poll(ctx, req) }
	if !c.Wait {
		o, err := poll(ctx)
		if err != nil {
			return nil, err
		}
		res.Outcome = o
		return res, nil
	}
	if c.Progress != nil {
		// The name as typed when Graph was not asked for it: a poll by ids
		// sends only the poll request.
		label := "Waiting for the outcome of " + cmp.Or(t.sp.DisplayName, c.SP)
		if c.Source == PollLogs || !res.LatestOfJob {
			label += " (the provisioning log: real tenants take minutes)"
		}
		c.Progress.Start(label)
		defer c.Progress.Stop()
	}
	o, err := Wait(ctx, poll, WaitOptions{
		Interval: c.Interval,
		Timeout:  c.Timeout,
		OnPoll: func(o *Outcome, _ time.Duration) {
			if c.Progress != nil {
				c.Progress.Update(o)
			}
		},
	})
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		err = ErrWaitTimeout // the command's own deadline ended the wait
	}
	if o == nil {
		return nil, err
	}
	res.Outcome = o
	return res, err
}
