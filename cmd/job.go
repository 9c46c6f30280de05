package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// NewCmdJob builds the `job` command group.
func NewCmdJob(f *Factory) *cobra.Command {
	c := groupCommand(&cobra.Command{
		Use:     "job",
		Short:   "Inspect and control synchronization (provisioning) jobs",
		Example: "  $ provctl job list --sp Box\n  $ provctl job show --sp \"Salesforce Sandbox\"\n  $ provctl job rules --sp Box",
	})
	c.AddCommand(
		NewCmdJobList(f, nil),
		NewCmdJobShow(f, nil),
		NewCmdJobRules(f, nil),
		NewCmdJobStart(f, nil),
		NewCmdJobPause(f, nil),
		NewCmdJobRestart(f, nil),
	)
	return c
}

// JobTarget is what every job command shares: the --sp/--job pair, and the
// streams, printer and service RunE builds for the run function.
type JobTarget struct {
	SP  string
	Job string // "" when the command has no --job, or it was left out

	Streams *output.Streams
	Printer *output.Printer
	Service *provision.Service // nil when a test's runF runs instead
}

func (t *JobTarget) addFlags(c *cobra.Command, needJob bool) {
	c.Flags().StringVar(&t.SP, "sp", "", "service principal: object id, appId or display name (required)")
	if needJob {
		c.Flags().StringVar(&t.Job, "job", "", "job id or template id; optional when the app has one job")
	}
	requireFlags(c, "sp")
}

// prepare checks the references and fills the streams, the printer and
// (withService) the service; RunE calls it before the run function.
func (t *JobTarget) prepare(f *Factory, cmd *cobra.Command, withService bool, scopes ...string) error {
	if err := validateRefs(t.SP, t.Job); err != nil {
		return err
	}
	t.Streams = f.Streams
	var err error
	if t.Printer, err = f.Printer(cmd); err != nil {
		return err
	}
	if withService {
		t.Service, err = f.Service(cmd, scopes...)
	}
	return err
}

// resolve turns the pair into ids.
func (t *JobTarget) resolve(ctx context.Context) (*graph.ServicePrincipal, string, error) {
	sp, err := t.Service.ResolveServicePrincipal(ctx, t.SP)
	if err != nil {
		return nil, "", err
	}
	job, err := t.Service.ResolveJob(ctx, sp.ID, t.Job)
	return sp, job, err
}

// JobListOptions are the inputs of `job list`.
type JobListOptions struct {
	JobTarget
}

// NewCmdJobList builds `job list`.
func NewCmdJobList(f *Factory, runF func(context.Context, *JobListOptions) error) *cobra.Command {
	opts := &JobListOptions{}
	c := &cobra.Command{
		Use:     "list --sp SP",
		Short:   "List the synchronization jobs of a service principal",
		Example: "  $ provctl job list --sp Box\n  $ provctl job list --sp Box -o json --jq '.[].id'",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.prepare(f, cmd, runF == nil, scopeSyncRead, scopeDirectory); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return jobListRun(runContext(cmd), opts)
		},
	}
	opts.addFlags(c, false)
	return c
}

func jobListRun(ctx context.Context, opts *JobListOptions) error {
	sp, err := opts.Service.ResolveServicePrincipal(ctx, opts.SP)
	if err != nil {
		return err
	}
	jobs, err := opts.Service.ListJobs(ctx, sp.ID)
	if err != nil {
		return err
	}
	if len(jobs) == 0 && opts.Printer.Format == output.Table {
		opts.Streams.Warnf("%s has no provisioning jobs", sp.DisplayName)
	}
	return opts.Printer.PrintContext(ctx, provision.NewJobDetails(jobs), jobListView(jobs))
}

// JobShowOptions are the inputs of `job show`.
type JobShowOptions struct {
	JobTarget
}

// NewCmdJobShow builds `job show`.
func NewCmdJobShow(f *Factory, runF func(context.Context, *JobShowOptions) error) *cobra.Command {
	opts := &JobShowOptions{}
	c := &cobra.Command{
		Use:   "show --sp SP [--job JOB]",
		Short: "Show a job's schedule, status, last execution and quarantine",
		Long: `Show a synchronization job in full: schedule, status code, last execution
with its counts and error, quarantine with reason and next attempt, steady-state
times and the troubleshooting URL. Exits 3 when the job is in quarantine.`,
		Example: "  $ provctl job show --sp \"Salesforce Sandbox\"\n  $ provctl job show --sp Box --job BoxOutDelta -o yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.prepare(f, cmd, runF == nil, scopeSyncRead, scopeDirectory); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return jobShowRun(runContext(cmd), opts)
		},
	}
	opts.addFlags(c, true)
	return c
}

func jobShowRun(ctx context.Context, opts *JobShowOptions) error {
	sp, jobID, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	job, err := opts.Service.GetJob(ctx, sp.ID, jobID)
	if err != nil {
		return err
	}
	if err := opts.Printer.PrintContext(ctx, provision.NewJobDetail(job), jobShowView{job}); err != nil {
		return err
	}
	if job.Status != nil && strings.EqualFold(string(job.Status.Code), "Quarantine") {
		return &exitError{Code: ExitFailed, Silent: true}
	}
	return nil
}

// JobRulesOptions are the inputs of `job rules`.
type JobRulesOptions struct {
	JobTarget
}

// NewCmdJobRules builds `job rules`.
func NewCmdJobRules(f *Factory, runF func(context.Context, *JobRulesOptions) error) *cobra.Command {
	opts := &JobRulesOptions{}
	c := &cobra.Command{
		Use:     "rules --sp SP [--job JOB]",
		Short:   "List the rule ids of a job's schema (what --rule takes)",
		Example: "  $ provctl job rules --sp Box\n  $ provctl job rules --sp Box -o json --jq '.[] | {id, name}'",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.prepare(f, cmd, runF == nil, scopeSyncRead, scopeDirectory); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return jobRulesRun(runContext(cmd), opts)
		},
	}
	opts.addFlags(c, true)
	return c
}

func jobRulesRun(ctx context.Context, opts *JobRulesOptions) error {
	sp, jobID, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	rules, err := opts.Service.Rules(ctx, sp.ID, jobID)
	if err != nil {
		return err
	}
	warnRulesWithoutID(opts.Streams, rules)
	return opts.Printer.PrintContext(ctx, provision.NewRuleRows(rules), rulesView(rules))
}

// warnRulesWithoutID says which rules lack an id (Microsoft's schema
// example has such): the table shows "(none)", and --rule cannot name them.
func warnRulesWithoutID(s *output.Streams, rules []provision.Rule) {
	for i, r := range rules {
		if r.RuleID() == "" {
			s.Warnf("rule %s has no id in the job schema: it cannot be used with --rule", provision.RuleLabel(r, i))
		}
	}
}

// JobActionResult is what start/pause/restart print.
type JobActionResult struct {
	ServicePrincipalID string `json:"servicePrincipalId"`
	JobID              string `json:"jobId"`
	Action             string `json:"action"`
	ResetScope         string `json:"resetScope,omitempty"`
	Status             string `json:"status"`
}

// JobControlOptions are the inputs of `job start`, `job pause` and
// `job restart`.
type JobControlOptions struct {
	JobTarget
	Action     provision.JobAction
	ResetScope string // restart only: the parsed --reset-scope ("" for none)
	Yes        bool   // restart only: do not ask
}

// NewCmdJobStart builds `job start`.
func NewCmdJobStart(f *Factory, runF func(context.Context, *JobControlOptions) error) *cobra.Command {
	return newCmdJobControl(f, provision.JobStart, "Start a paused job, or clear its quarantine", runF)
}

// NewCmdJobPause builds `job pause`.
func NewCmdJobPause(f *Factory, runF func(context.Context, *JobControlOptions) error) *cobra.Command {
	return newCmdJobControl(f, provision.JobPause, "Pause a job (its state is kept)", runF)
}

// NewCmdJobRestart builds `job restart`.
func NewCmdJobRestart(f *Factory, runF func(context.Context, *JobControlOptions) error) *cobra.Command {
	return newCmdJobControl(f, provision.JobRestart, "Restart a job, optionally resetting its state", runF)
}

func newCmdJobControl(f *Factory, action provision.JobAction, short string, runF func(context.Context, *JobControlOptions) error) *cobra.Command {
	opts := &JobControlOptions{Action: action}
	var scope string
	c := &cobra.Command{
		Use:   string(action) + " --sp SP [--job JOB]",
		Short: short,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.prepare(f, cmd, runF == nil, scopeSyncWrite, scopeDirectory); err != nil {
				return err
			}
			resetScope, err := provision.ParseResetScope(scope)
			if err != nil {
				return err
			}
			opts.ResetScope = resetScope
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return jobControlRun(runContext(cmd), opts)
		},
	}
	switch action {
	case provision.JobRestart:
		c.Long = `Restart a job. --reset-scope is a comma-separated list of Escrows, Watermark,
QuarantineState, Full and ForceDeletes; without it Graph restarts as the portal's
"Restart provisioning" does. On a terminal provctl asks first unless --yes;
elsewhere --yes is required.`
		c.Example = "  $ provctl job restart --sp Box --reset-scope Watermark,Escrows --yes"
		c.Flags().StringVar(&scope, "reset-scope", "", "what to reset: Escrows, Watermark, QuarantineState, Full, ForceDeletes")
		c.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	case provision.JobStart:
		c.Long = "Start a job: resumes a paused job and clears a quarantine. Microsoft advises not to call it while the job runs."
		c.Example = "  $ provctl job start --sp \"Salesforce Sandbox\""
	default:
		c.Long = "Pause a job: provisioning stops and its state is kept; `provctl job start` resumes it."
		c.Example = "  $ provctl job pause --sp Box"
	}
	opts.addFlags(c, true)
	return c
}

func jobControlRun(ctx context.Context, opts *JobControlOptions) error {
	restart := opts.Action == provision.JobRestart
	if restart && !opts.Yes && !opts.Streams.CanPrompt() {
		return usageErr(errors.New("restart needs --yes when not run at a terminal"))
	}
	sp, jobID, err := opts.resolve(ctx)
	if err != nil {
		return err
	}
	if restart && !opts.Yes {
		ok, err := confirm(ctx, opts.Streams, fmt.Sprintf("Restart job %s of %s", jobID, sp.DisplayName))
		if err != nil {
			return err
		}
		if !ok {
			return &exitError{Code: ExitUsage, Err: errors.New("restart cancelled")}
		}
	}
	if err := opts.Service.ControlJob(ctx, sp.ID, jobID, opts.Action, opts.ResetScope); err != nil {
		return err
	}
	res := JobActionResult{ServicePrincipalID: sp.ID, JobID: jobID, Action: string(opts.Action), ResetScope: opts.ResetScope, Status: "done"}
	return opts.Printer.PrintContext(ctx, res, jobActionView{res})
}
