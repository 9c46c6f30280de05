package provision

import (
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
	sp, err := s.ResolveServicePrincipal(ctx, c.SP)
	if err != nil {
		return nil, err
	}
	jobID, err := s.ResolveJob(ctx, sp.ID, c.Job)
	if err != nil {
		return nil, err
	}
	subjectID, err := s.ResolveSubjectID(ctx, c.Subject)
	if err != nil {
		return nil, err
	}
	req := PollRequest{ServicePrincipalID: sp.ID, JobID: jobID, Source: c.Source, ChangeID: c.ChangeID, SubjectID: subjectID}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	res := &PollResult{LatestOfJob: subjectID == "" && c.ChangeID == "", LatestOfSubject: subjectID != "" && c.ChangeID == ""}
	poll := func(ctx context.Context) (*Outcome, error) { return s.Poll(ctx, req) }
	if !c.Wait {
		res.Outcome, err = poll(ctx)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	if c.Progress != nil {
		label := "Waiting for the outcome of " + sp.DisplayName
		if c.Source == PollLogs || !res.LatestOfJob {
			label += " (the provisioning log: real tenants take minutes)"
		}
		c.Progress.Start(label)
		defer c.Progress.Stop()
	}
	res.Outcome, err = Wait(ctx, poll, WaitOptions{
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
	if res.Outcome == nil {
		return nil, err
	}
	return res, err
}
