package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// PollOptions are the inputs of `provision poll`.
type PollOptions struct {
	SP       string
	Job      string
	Source   provision.PollSource
	ChangeID string
	Subject  string
	Wait     bool
	Interval time.Duration
	Timeout  time.Duration

	Streams *output.Streams
	Printer *output.Printer
	Service *provision.Service
}

// NewCmdPoll builds `provision poll`. runF replaces the run function in tests.
func NewCmdPoll(f *Factory, runF func(context.Context, *PollOptions) error) *cobra.Command {
	opts := &PollOptions{}
	var source string
	c := &cobra.Command{
		Use:   "poll --sp SP [--job JOB] [--wait]",
		Short: "Read the outcome of a provisioning-on-demand request",
		Long: `Read the outcome of the last provisioning-on-demand request of a job.

The outcome comes from the job's apply.{jobId} resource; where Graph does not
serve it (real tenants answer provisionOnDemand synchronously), from the newest
provisioning-log entry of the job. --subject or --change-id narrow it to one
user, group or request, and are answered from the provisioning logs, since
the apply. resource cannot say whose outcome it holds. Without them the
answer is the job's most recent request, whoever it was for: the output names
its subject. --source forces one of the two sources.

Without --wait it reads once and exits 5 while the outcome is pending. With
--wait it polls every --interval (never faster than Graph's Retry-After) until
a final state or --timeout, showing progress on stderr.

Exit codes: 0 success or warning, 3 failure or quarantine, 5 pending or timed
out, 6 skipped (see "provctl help exit-codes").`,
		Example: `  $ provctl provision poll --sp Box --job BoxOutDelta
  $ provctl provision poll --sp 8783a342-f7a2-46fb-8243-3658cee556ce --wait --timeout 2m -o json
  $ provctl provision poll --sp "Salesforce Sandbox" --source logs --subject adele@contoso.com --jq .state`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Source, err = provision.ParsePollSource(source); err != nil {
				return err
			}
			if err := validateWaitFlags(opts.Interval, opts.Timeout); err != nil {
				return err
			}
			if err := validateRefs(opts.SP, opts.Job); err != nil {
				return err
			}
			if err := (provision.PollRequest{Source: opts.Source, ChangeID: opts.ChangeID, SubjectID: opts.Subject}).ValidateFilters(); err != nil {
				return err
			}
			opts.Streams = f.Streams
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			if opts.Service, err = f.Service(cmd, scopeSyncRead, scopeAuditLog, scopeDirectory); err != nil {
				return err
			}
			return pollRun(runContext(cmd), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.SP, "sp", "", "service principal: object id, appId or display name (required)")
	fl.StringVar(&opts.Job, "job", "", "synchronization job id, or its template id; optional when the app has one job")
	fl.StringVar(&source, "source", "auto", "where to read the outcome: auto, apply or logs")
	fl.StringVar(&opts.ChangeID, "change-id", "", "logs: the change id of one provisioning request")
	fl.StringVar(&opts.Subject, "subject", "", "logs: the user (object id or UPN) or group (object id)")
	addWaitFlags(c, &opts.Wait, &opts.Interval, &opts.Timeout)
	_ = c.MarkFlagRequired("sp")
	_ = c.RegisterFlagCompletionFunc("source", fixedCompletion("auto", "apply", "logs"))
	return c
}

// addWaitFlags adds --wait, --interval and --timeout with their defaults.
func addWaitFlags(c *cobra.Command, wait *bool, interval, timeout *time.Duration) {
	c.Flags().BoolVar(wait, "wait", false, "poll until the outcome is final")
	c.Flags().DurationVar(interval, "interval", 5*time.Second, "with --wait: time between polls")
	c.Flags().DurationVar(timeout, "timeout", 10*time.Minute, "with --wait: give up (exit 5) after this long")
}

func validateWaitFlags(interval, timeout time.Duration) error {
	if interval < 100*time.Millisecond {
		return usageErr(fmt.Errorf("--interval %s is too short: use at least 100ms", interval))
	}
	if timeout <= 0 {
		return usageErr(fmt.Errorf("--timeout must be positive, got %s", timeout))
	}
	return nil
}

// validateRefs checks --sp and --job before anything is sent.
func validateRefs(sp, job string) error {
	if sp == "" {
		return usageErr(errors.New("--sp is required: a service principal object id, appId or display name"))
	}
	if job != "" {
		if err := graph.ValidateID("job id", job); err != nil {
			return usageErr(err)
		}
	}
	return nil
}

func pollRun(ctx context.Context, opts *PollOptions) error {
	svc := opts.Service
	sp, err := svc.ResolveServicePrincipal(ctx, opts.SP)
	if err != nil {
		return err
	}
	jobID, err := svc.ResolveJob(ctx, sp.ID, opts.Job)
	if err != nil {
		return err
	}
	subjectID, err := svc.ResolveSubjectID(ctx, opts.Subject)
	if err != nil {
		return err
	}
	req := provision.PollRequest{
		ServicePrincipalID: sp.ID,
		JobID:              jobID,
		Source:             opts.Source,
		ChangeID:           opts.ChangeID,
		SubjectID:          subjectID,
	}
	if err := req.Validate(); err != nil {
		return err
	}
	// Without a subject or change id, the answer is the job's most recent
	// request, whoever it was for: the view says so.
	view := outcomeView{latestOfJob: subjectID == "" && opts.ChangeID == ""}
	poll := func(ctx context.Context) (*provision.Outcome, error) { return svc.Poll(ctx, req) }
	if !opts.Wait {
		o, err := poll(ctx)
		if err != nil {
			return err
		}
		view.o = o
		return printOutcomeView(ctx, opts.Printer, view)
	}
	label := "Waiting for the outcome of " + sp.DisplayName
	if opts.Source == provision.PollLogs || !view.latestOfJob {
		label += " (the provisioning log: real tenants take minutes)"
	}
	o, err := waitWithProgress(ctx, opts.Streams, label, poll, opts.Interval, opts.Timeout)
	if o == nil || (err != nil && exitCode(err) != ExitPending) {
		return err
	}
	view.o = o
	perr := printOutcomeView(ctx, opts.Printer, view)
	if err != nil { // timed out: the last outcome is printed, the exit is 5
		return err
	}
	return perr
}

// waitWithProgress runs the wait loop with a spinner (terminal) or one line
// per state change (pipe) on stderr. A timeout is an exit-5 error returned
// with the last outcome read.
func waitWithProgress(ctx context.Context, s *output.Streams, label string,
	poll func(context.Context) (*provision.Outcome, error), interval, timeout time.Duration) (*provision.Outcome, error) {
	progress := output.NewProgress(s, label)
	o, err := provision.Wait(ctx, poll, provision.WaitOptions{
		Interval: interval,
		Timeout:  timeout,
		OnPoll: func(o *provision.Outcome, _ time.Duration) {
			progress.Update(string(o.State), string(o.Source))
		},
	})
	progress.Stop()
	if errors.Is(err, provision.ErrWaitTimeout) {
		return o, &exitError{Code: ExitPending, Err: fmt.Errorf("%w after %s", provision.ErrWaitTimeout, timeout)}
	}
	return o, err
}

func printOutcome(ctx context.Context, p *output.Printer, o *provision.Outcome) error {
	return printOutcomeView(ctx, p, outcomeView{o: o})
}

// printOutcomeView prints one outcome and exits with its worst state
// (a group's members included).
func printOutcomeView(ctx context.Context, p *output.Printer, v outcomeView) error {
	if err := p.PrintContext(ctx, v.o, v); err != nil {
		return err
	}
	return outcomeExit(provision.WorstState([]*provision.Outcome{v.o}))
}
