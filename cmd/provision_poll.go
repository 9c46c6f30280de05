package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

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
	// SkippedOK makes a skipped outcome exit 0 (--skipped-ok, or the
	// skipped-ok setting).
	SkippedOK bool

	Streams *output.Streams
	Printer *output.Printer
	Service *provision.Service
	ci      ciSetup
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
out, 6 skipped (0 with --skipped-ok or PROVCTL_SKIPPED_OK=true; see "provctl
help exit-codes").`,
		Example: `  $ provctl provision poll --sp Box --job BoxOutDelta
  $ provctl provision poll --sp 8783a342-f7a2-46fb-8243-3658cee556ce --wait --timeout 2m -o json
  $ provctl provision poll --sp "Salesforce Sandbox" --source logs --subject adele@contoso.test --jq .state`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Source, err = provision.ParsePollSource(source); err != nil {
				return err
			}
			if err := waitFlagsNeedWait(cmd, opts.Wait, false); err != nil {
				return err
			}
			if err := validateWaitFlags(opts.Interval, opts.Timeout); err != nil {
				return err
			}
			if err := opts.command().Validate(); err != nil {
				return err
			}
			opts.Streams = f.Streams
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if opts.SkippedOK, opts.ci, err = f.setUpCI(cmd); err != nil {
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
	fl.StringVar(&opts.Subject, "subject", "", "logs: the user (object id or UPN) or group (object id or display name)")
	addWaitFlags(c, &opts.Wait, &opts.Interval, &opts.Timeout)
	addSkippedOKFlag(c)
	requireFlags(c, "sp")
	_ = c.RegisterFlagCompletionFunc("source", fixedCompletion("auto", "apply", "logs"))
	return c
}

// addWaitFlags adds --wait, --interval and --timeout with their defaults.
func addWaitFlags(c *cobra.Command, wait *bool, interval, timeout *time.Duration) {
	c.Flags().BoolVar(wait, "wait", false, "poll until the outcome is final")
	durationFlag(c.Flags(), interval, "interval", 5*time.Second, "with --wait: time between polls")
	durationFlag(c.Flags(), timeout, "timeout", 10*time.Minute, "with --wait: give up (exit 5) after this long")
}

// waitFlagsNeedWait refuses --interval and --timeout without --wait (a
// bound that silently bounds nothing is a script that does not do what its
// author thinks); a run over a list takes --timeout alone (its own bound).
func waitFlagsNeedWait(cmd *cobra.Command, wait, listRun bool) error {
	if wait {
		return nil
	}
	changed := cmd.Flags().Changed
	switch {
	case changed("interval"):
		return usageErr(errors.New("--interval goes with --wait"))
	case changed("timeout") && !listRun:
		return usageErr(errors.New("--timeout goes with --wait: without it the command is bounded by --command-timeout"))
	}
	return nil
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
		if err := provision.CheckJobRef(job); err != nil {
			return err
		}
	}
	return nil
}

// command is the domain command the flags describe.
func (o *PollOptions) command() provision.PollCommand {
	return provision.PollCommand{
		SP: o.SP, Job: o.Job, Source: o.Source, ChangeID: o.ChangeID, Subject: o.Subject,
		Wait: o.Wait, Interval: o.Interval, Timeout: o.Timeout,
	}
}

func pollRun(ctx context.Context, opts *PollOptions) error {
	c := opts.command()
	c.Progress = &progressAdapter{streams: opts.Streams, heartbeat: opts.ci.heartbeat}
	res, err := opts.Service.PollOutcome(ctx, c)
	switch {
	case errors.Is(err, provision.ErrWaitTimeout):
		err = &exitError{Code: ExitPending, Err: fmt.Errorf("%w after %s", err, opts.Timeout)}
	case err != nil:
		return err // Ctrl-C or a failure: nothing half-known on stdout
	}
	if res == nil {
		return err
	}
	opts.ci.Report([]*provision.Outcome{res.Outcome})
	// On a timeout the last outcome is printed and the exit is 5.
	perr := printOutcomeView(ctx, opts.Printer, outcomeView{o: res.Outcome, latestOfJob: res.LatestOfJob, latestOfSubject: res.LatestOfSubject, spName: res.ServicePrincipalName, subjectRef: opts.Subject})
	if err != nil {
		return err
	}
	return skippedOK(perr, opts.SkippedOK)
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
