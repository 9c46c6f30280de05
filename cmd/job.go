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

func init() { extraCommands = append(extraCommands, NewCmdJob) }

// NewCmdJob builds the `job` command group.
func NewCmdJob(f *Factory) *cobra.Command {
	c := groupCommand(&cobra.Command{
		Use:     "job",
		Short:   "Inspect and control synchronization (provisioning) jobs",
		Example: "  $ provctl job list --sp Box\n  $ provctl job show --sp \"Salesforce Sandbox\"\n  $ provctl job rules --sp Box",
	})
	c.AddCommand(newCmdJobList(f), newCmdJobShow(f), newCmdJobRules(f),
		newCmdJobControl(f, provision.JobStart, "Start a paused job, or clear its quarantine"),
		newCmdJobControl(f, provision.JobPause, "Pause a job (its state is kept)"),
		newCmdJobControl(f, provision.JobRestart, "Restart a job, optionally resetting its state"),
	)
	return c
}

// jobTarget is the --sp/--job pair shared by the job commands.
type jobTarget struct{ SP, Job string }

func (t *jobTarget) addFlags(c *cobra.Command, needJob bool) {
	c.Flags().StringVar(&t.SP, "sp", "", "service principal: object id, appId or display name (required)")
	if needJob {
		c.Flags().StringVar(&t.Job, "job", "", "job id or template id; optional when the app has one job")
	}
	_ = c.MarkFlagRequired("sp")
}

// resolve turns the pair into ids.
func (t *jobTarget) resolve(ctx context.Context, svc *provision.Service) (*graph.ServicePrincipal, string, error) {
	sp, err := svc.ResolveServicePrincipal(ctx, t.SP)
	if err != nil {
		return nil, "", err
	}
	job, err := svc.ResolveJob(ctx, sp.ID, t.Job)
	return sp, job, err
}

// jobCommand wires the shared steps: validate, printer, service, run.
func jobCommand(f *Factory, c *cobra.Command, t *jobTarget, scopes []string, run func(ctx context.Context, p *output.Printer, svc *provision.Service) error) {
	c.Args = noArgs
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := validateRefs(t.SP, t.Job); err != nil {
			return err
		}
		p, err := f.Printer(cmd)
		if err != nil {
			return err
		}
		svc, err := f.Service(cmd, scopes...)
		if err != nil {
			return err
		}
		return run(runContext(cmd), p, svc)
	}
}

func newCmdJobList(f *Factory) *cobra.Command {
	t := &jobTarget{}
	c := &cobra.Command{
		Use:     "list --sp SP",
		Short:   "List the synchronization jobs of a service principal",
		Example: "  $ provctl job list --sp Box\n  $ provctl job list --sp Box -o json --jq '.[].id'",
	}
	t.addFlags(c, false)
	jobCommand(f, c, t, []string{scopeSyncRead, scopeDirectory}, func(ctx context.Context, p *output.Printer, svc *provision.Service) error {
		sp, err := svc.ResolveServicePrincipal(ctx, t.SP)
		if err != nil {
			return err
		}
		jobs, err := svc.ListJobs(ctx, sp.ID)
		if err != nil {
			return err
		}
		if len(jobs) == 0 && p.Format == output.Table {
			f.Streams.Warnf("%s has no provisioning jobs", sp.DisplayName)
		}
		if jobs == nil {
			jobs = []graph.SynchronizationJob{}
		}
		return p.PrintContext(ctx, jobs, jobListView(jobs))
	})
	return c
}

func newCmdJobShow(f *Factory) *cobra.Command {
	t := &jobTarget{}
	c := &cobra.Command{
		Use:   "show --sp SP [--job JOB]",
		Short: "Show a job's schedule, status, last execution and quarantine",
		Long: `Show a synchronization job in full: schedule, status code, last execution
with its counts and error, quarantine with reason and next attempt, steady-state
times and the troubleshooting URL. Exits 3 when the job is in quarantine.`,
		Example: "  $ provctl job show --sp \"Salesforce Sandbox\"\n  $ provctl job show --sp Box --job BoxOutDelta -o yaml",
	}
	t.addFlags(c, true)
	jobCommand(f, c, t, []string{scopeSyncRead, scopeDirectory}, func(ctx context.Context, p *output.Printer, svc *provision.Service) error {
		sp, jobID, err := t.resolve(ctx, svc)
		if err != nil {
			return err
		}
		job, err := svc.GetJob(ctx, sp.ID, jobID)
		if err != nil {
			return err
		}
		if err := p.PrintContext(ctx, job, jobShowView{job}); err != nil {
			return err
		}
		if job.Status != nil && strings.EqualFold(string(job.Status.Code), "Quarantine") {
			return &exitError{Code: ExitFailed, Silent: true}
		}
		return nil
	})
	return c
}

func newCmdJobRules(f *Factory) *cobra.Command {
	t := &jobTarget{}
	c := &cobra.Command{
		Use:     "rules --sp SP [--job JOB]",
		Short:   "List the rule ids of a job's schema (what --rule takes)",
		Example: "  $ provctl job rules --sp Box\n  $ provctl job rules --sp Box -o json --jq '.[] | {id, name}'",
	}
	t.addFlags(c, true)
	jobCommand(f, c, t, []string{scopeSyncRead, scopeDirectory}, func(ctx context.Context, p *output.Printer, svc *provision.Service) error {
		sp, jobID, err := t.resolve(ctx, svc)
		if err != nil {
			return err
		}
		rules, err := svc.Rules(ctx, sp.ID, jobID)
		if err != nil {
			return err
		}
		if rules == nil {
			rules = []provision.Rule{}
		}
		warnRulesWithoutID(f.Streams, rules)
		return p.PrintContext(ctx, rules, rulesView(rules))
	})
	return c
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

func newCmdJobControl(f *Factory, action provision.JobAction, short string) *cobra.Command {
	t := &jobTarget{}
	var yes bool
	var scope string
	c := &cobra.Command{
		Use:   string(action) + " --sp SP [--job JOB]",
		Short: short,
	}
	switch action {
	case provision.JobRestart:
		c.Long = `Restart a job. --reset-scope is a comma-separated list of Escrows, Watermark,
QuarantineState, Full and ForceDeletes; without it Graph restarts as the portal's
"Restart provisioning" does. On a terminal provctl asks first unless --yes;
elsewhere --yes is required.`
		c.Example = "  $ provctl job restart --sp Box --reset-scope Watermark,Escrows --yes"
		c.Flags().StringVar(&scope, "reset-scope", "", "what to reset: Escrows, Watermark, QuarantineState, Full, ForceDeletes")
		c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	case provision.JobStart:
		c.Long = "Start a job: resumes a paused job and clears a quarantine. Microsoft advises not to call it while the job runs."
		c.Example = "  $ provctl job start --sp \"Salesforce Sandbox\""
	default:
		c.Long = "Pause a job: provisioning stops and its state is kept; `provctl job start` resumes it."
		c.Example = "  $ provctl job pause --sp Box"
	}
	t.addFlags(c, true)
	jobCommand(f, c, t, []string{scopeSyncWrite, scopeDirectory}, func(ctx context.Context, p *output.Printer, svc *provision.Service) error {
		resetScope, err := provision.ParseResetScope(scope)
		if err != nil {
			return err
		}
		if action == provision.JobRestart && !yes && !f.Streams.CanPrompt() {
			return usageErr(errors.New("restart needs --yes when not run at a terminal"))
		}
		sp, jobID, err := t.resolve(ctx, svc)
		if err != nil {
			return err
		}
		if action == provision.JobRestart && !yes {
			ok, err := confirm(ctx, f.Streams, fmt.Sprintf("Restart job %s of %s", jobID, sp.DisplayName))
			if err != nil {
				return err
			}
			if !ok {
				return &exitError{Code: ExitUsage, Err: errors.New("restart cancelled")}
			}
		}
		if err := svc.ControlJob(ctx, sp.ID, jobID, action, resetScope); err != nil {
			return err
		}
		res := JobActionResult{ServicePrincipalID: sp.ID, JobID: jobID, Action: string(action), ResetScope: resetScope, Status: "done"}
		return p.PrintContext(ctx, res, jobActionView{res})
	})
	return c
}
