package cmd

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// RunOptions are the inputs of `provision run`.
type RunOptions struct {
	SP       string
	Job      string
	Rule     string
	Users    []string
	Group    string
	Members  []string
	Wait     bool
	Interval time.Duration
	Timeout  time.Duration
	Bulk     BulkOptions

	Streams *output.Streams
	Printer *output.Printer
	Service *provision.Service
	ci      ciSetup
}

// NewCmdRun builds `provision run`.
func NewCmdRun(f *Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{}
	c := &cobra.Command{
		Use:   "run --sp SP [--job JOB] (--user U... | --from FILE | --members-of G | --group G [--member M]...)",
		Short: "Provision a user or group on demand now",
		Long: `Provision one or more users, or one group, into an enterprise app now, and
show the outcome step by step as the portal does: import, scoping, matching,
and the action in the target app.

--sp takes an object id, appId or display name; --job a job id or template id
(optional when the app has one job); --rule is picked from the job schema when
left out. --user takes object ids or user principal names; --group an id or
display name, with up to 5 --member to provision with it. For cloud sync
(AD to Entra ID), --user takes the AD distinguished name (CN=…,DC=…).

Requests are paced to Graph's limit of 5 per 10 seconds. Graph answers each
request at once; with --wait, provctl then waits for the request's own entry
in the provisioning logs (same job, same subject, no older than the request,
same change id) and reports that: real tenants record it minutes later. For
a group, its own entry is shown with each --member's entry beside it.
--timeout bounds the whole run, lookups and requests included; if it passes
first, the outcome is pending (exit 5) and a warning says what Graph
answered at once.

Many users at once (an onboarding wave): --from FILE (- for stdin) reads
one object id or UPN per line, or a CSV export whose column is found by name
(userPrincipalName, upn, objectId, id, mail; --column to choose); bad lines
refuse the file before anything is sent (--skip-invalid to go on), and
duplicates are sent once. --members-of G adds every user of a group, nested
groups included. Users are looked up 15 per request, and --dry-run shows
what would be sent and which users are not assigned to the app, sending
nothing. Every provctl process of the user shares Graph's pace per job
through a lock file in the config folder, so parallel runs draw no 429.
--results FILE appends each outcome as a JSON line as it completes (on disk
before the next request); after Ctrl-C (the request in flight finishes) or
a timeout, run again with --resume FILE: users recorded as done are not
sent again, failed ones are (unless --retry-failed=false), and those sent
but still pending have their log entries read rather than being resent
(--resend-pending sends them). Records of another app or job are ignored.
-o jsonl prints each outcome as it completes; a table ends with a summary.
A run over a list is bounded by --timeout when given, otherwise by the
time its pacing needs plus 10m (with --wait) or --command-timeout.

Exit codes: 0 success or warning, 1 error, 2 bad input (nothing sent),
3 failure (or --max-failures reached), 4 sign-in or permission, 5 pending
or timed out, 6 skipped (0 with --skipped-ok or PROVCTL_SKIPPED_OK=true);
the worst outcome wins when several users or members are given.`,
		Example: `  $ provctl provision run --sp Box --user adele@contoso.test
  $ provctl provision run --sp "Salesforce Sandbox" --user c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13 -o json
  $ provctl provision run --sp Box --group Sales --member adele@contoso.test --wait
  $ provctl provision run --sp Box --from wave.csv --dry-run
  $ provctl provision run --sp Box --from users.txt --results r.jsonl -o jsonl
  $ provctl provision run --sp Box --from users.txt --results r.jsonl --resume r.jsonl --skipped-ok
  $ provctl provision run --sp Box --members-of "Onboarding Wave" --wait --max-failures 5`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := waitFlagsNeedWait(cmd, opts.Wait, opts.bulkFlagsUsed()); err != nil {
				return err
			}
			if err := validateWaitFlags(opts.Interval, opts.Timeout); err != nil {
				return err
			}
			var err error
			opts.Streams = f.Streams
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if opts.Bulk.SkippedOK, opts.ci, err = f.setUpCI(cmd); err != nil {
				return err
			}
			if err := opts.checkListFlags(cmd); err != nil {
				return err
			}
			bulk := opts.bulkFlagsUsed()
			if bulk {
				if err := opts.prepareBulk(runContext(cmd)); err != nil {
					return err
				}
				if err := f.prepareBulkPacing(cmd, opts); err != nil {
					return err
				}
			}
			if err := opts.request().Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			if opts.Service, err = f.Service(cmd, scopeSyncWrite, scopeAuditLog, scopeDirectory); err != nil {
				return err
			}
			if bulk {
				return runBulk(runContext(cmd), opts)
			}
			return runRun(runContext(cmd), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.SP, "sp", "", "service principal: object id, appId or display name (required)")
	fl.StringVar(&opts.Job, "job", "", "synchronization job id or template id; optional when the app has one job")
	fl.StringVar(&opts.Rule, "rule", "", "synchronization rule id (see provctl job rules); picked by subject type when left out")
	fl.StringArrayVar(&opts.Users, "user", nil, "user object id or UPN (repeatable); for cloud sync, an AD distinguished name")
	fl.StringVar(&opts.Group, "group", "", "group object id or display name")
	fl.StringArrayVar(&opts.Members, "member", nil, "with --group: a member's object id or UPN (repeatable, at most 5)")
	addWaitFlags(c, &opts.Wait, &opts.Interval, &opts.Timeout)
	addBulkFlags(c, &opts.Bulk)
	requireFlags(c, "sp")
	return c
}

// request is the domain request the flags describe.
func (o *RunOptions) request() provision.RunRequest {
	return provision.RunRequest{
		SP: o.SP, Job: o.Job, Rule: o.Rule, Users: o.Users, Group: o.Group, Members: o.Members,
		Wait: o.Wait, Interval: o.Interval, Timeout: o.Timeout,
		Refs: o.Bulk.refs, MembersOf: o.Bulk.MembersOf, DryRun: o.Bulk.DryRun, MaxFailures: o.Bulk.MaxFailures,
	}
}

func runRun(ctx context.Context, opts *RunOptions) error {
	req := opts.request()
	req.Progress = &progressAdapter{streams: opts.Streams, heartbeat: opts.ci.heartbeat}
	req.Note = opts.Streams.Warnf
	outcomes, err := opts.Service.Run(ctx, req)
	if !errors.Is(err, context.Canceled) {
		opts.ci.Report(outcomes) // what is printed, the CI's way too
	}
	switch {
	case errors.Is(err, context.Canceled):
		return err // Ctrl-C: nothing half-known on stdout
	case len(outcomes) == 0 && errors.Is(err, provision.ErrWaitTimeout):
		return &exitError{Code: ExitPending, Err: err} // cut short before any answer
	case len(outcomes) == 0:
		return err
	case errors.Is(err, provision.ErrWaitTimeout):
		// What was read is printed; the worst state decides the exit code
		// (pending, 5, unless something already failed).
		opts.Streams.Warnf("%s after %s", err, opts.Timeout)
		return printOutcomes(ctx, opts.Printer, outcomes, len(opts.Users) > 1, typedSPName(opts.SP))
	}
	// Report what was done before an error; the error decides the exit code.
	perr := printOutcomes(ctx, opts.Printer, outcomes, len(opts.Users) > 1, typedSPName(opts.SP))
	if err != nil {
		return err
	}
	return skippedOK(perr, opts.Bulk.SkippedOK)
}

// skippedOK turns the skipped exit code into success (--skipped-ok).
func skippedOK(err error, ok bool) error {
	if ok && exitCode(err) == ExitSkipped {
		return nil
	}
	return err
}

// progressAdapter draws the domain's wait progress on stderr, with a
// heartbeat when one is set (in a CI log).
type progressAdapter struct {
	streams   *output.Streams
	heartbeat time.Duration
	p         output.Progress
}

func (a *progressAdapter) Start(label string) {
	a.p = output.WithHeartbeat(a.streams, output.NewProgress(a.streams, label), label, a.heartbeat)
}

func (a *progressAdapter) Update(o *provision.Outcome) {
	if a.p != nil {
		a.p.Update(string(o.State), string(o.Source))
	}
}

func (a *progressAdapter) Stop() {
	if a.p != nil {
		a.p.Stop()
		a.p = nil
	}
}

// printOutcomes prints the outcome of one subject as an object and those of
// several --user as an array (whatever number came back, so a script's
// shape never changes), and exits with the worst state's code (group
// members included).
func printOutcomes(ctx context.Context, p *output.Printer, outcomes []*provision.Outcome, several bool, spName string) error {
	if !several && len(outcomes) == 1 {
		return printOutcomeView(ctx, p, outcomeView{o: outcomes[0], spName: spName})
	}
	if err := p.PrintContext(ctx, outcomes, outcomesView(outcomes)); err != nil {
		return err
	}
	return outcomeExit(provision.WorstState(outcomes))
}

type outcomesView []*provision.Outcome

func (v outcomesView) View() []output.Section {
	var out []output.Section
	for _, o := range v {
		secs := outcomeView{o: o}.View()
		if o.Subject != nil && len(secs) > 0 {
			secs[0].Title = o.Subject.DisplayName.String()
		}
		out = append(out, secs...)
	}
	return out
}

// typedSPName is --sp when it is a name: the run resolved it by display
// name, so it names the service principal without another request; ""
// for an object id or appId.
func typedSPName(sp string) string {
	if provision.IsGUID(sp) {
		return ""
	}
	return sp
}
