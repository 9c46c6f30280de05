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

func init() {
	provisionCommands = append(provisionCommands, func(f *Factory) *cobra.Command { return NewCmdRun(f, nil) })
}

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

	Streams *output.Streams
	Printer *output.Printer
	Service *provision.Service
}

// NewCmdRun builds `provision run`.
func NewCmdRun(f *Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{}
	c := &cobra.Command{
		Use:   "run --sp SP [--job JOB] (--user U... | --group G [--member M]...)",
		Short: "Provision a user or group on demand now",
		Long: `Provision one or more users, or one group, into an enterprise app now, and
show the outcome step by step as the portal does: import, scoping, matching,
and the action in the target app.

--sp takes an object id, appId or display name; --job a job id or template id
(optional when the app has one job); --rule is picked from the job schema when
left out. --user takes object ids or user principal names; --group an id or
display name, with up to 5 --member to provision with it.

Requests are paced to Graph's limit of 5 per 10 seconds. With --wait, an
answer without steps (as for groups) is polled until final.

Exit codes: 0 success or warning, 3 failure, 5 pending, 6 skipped (the worst
outcome wins when several users are given).`,
		Example: `  $ provctl provision run --sp Box --user adele@contoso.com
  $ provctl provision run --sp "Salesforce Sandbox" --user 9bb0f679-a883-4a6f-8260-35b491b8b8c8 -o json
  $ provctl provision run --sp Box --group Sales --member adele@contoso.com --wait`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validateRefs(opts.SP, opts.Job); err != nil {
				return err
			}
			if err := validateWaitFlags(opts.Interval, opts.Timeout); err != nil {
				return err
			}
			switch {
			case len(opts.Members) > 0 && opts.Group == "":
				return usageErr(errors.New("--member needs --group"))
			case len(opts.Users) == 0 && opts.Group == "":
				return usageErr(errors.New("give --user (repeatable) or --group"))
			case len(opts.Users) > 0 && opts.Group != "":
				return usageErr(errors.New("--user and --group cannot be combined: run them separately"))
			case len(opts.Members) > provision.MaxGroupMembers:
				return usageErr(fmt.Errorf("at most %d --member per request, got %d", provision.MaxGroupMembers, len(opts.Members)))
			}
			for _, u := range append(append([]string{}, opts.Users...), opts.Members...) {
				if err := provision.CheckUserRef(u); err != nil {
					return err
				}
			}
			if opts.Group != "" {
				if err := provision.CheckGroupRef(opts.Group); err != nil {
					return err
				}
			}
			var err error
			opts.Streams = f.Streams
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			if opts.Service, err = f.Service(cmd, scopeSyncWrite, scopeAuditLog, scopeDirectory); err != nil {
				return err
			}
			return runRun(runContext(cmd), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.SP, "sp", "", "service principal: object id, appId or display name (required)")
	fl.StringVar(&opts.Job, "job", "", "synchronization job id or template id; optional when the app has one job")
	fl.StringVar(&opts.Rule, "rule", "", "synchronization rule id (see `provctl job rules`); picked by subject type when left out")
	fl.StringArrayVar(&opts.Users, "user", nil, "user object id or UPN (repeatable)")
	fl.StringVar(&opts.Group, "group", "", "group object id or display name")
	fl.StringArrayVar(&opts.Members, "member", nil, "with --group: a member's object id or UPN (repeatable, at most 5)")
	addWaitFlags(c, &opts.Wait, &opts.Interval, &opts.Timeout)
	_ = c.MarkFlagRequired("sp")
	return c
}

func runRun(ctx context.Context, opts *RunOptions) error {
	svc := opts.Service
	sp, err := svc.ResolveServicePrincipal(ctx, opts.SP)
	if err != nil {
		return err
	}
	jobID, err := svc.ResolveJob(ctx, sp.ID, opts.Job)
	if err != nil {
		return err
	}
	subjects, err := resolveSubjects(ctx, svc, opts)
	if err != nil {
		return err
	}
	ruleFor := ruleChooser(ctx, svc, sp.ID, jobID, opts.Rule)
	pace := provision.DefaultPacing()
	var outcomes []*provision.Outcome
	for _, subj := range subjects {
		o, err := provisionOne(ctx, opts, svc, sp.ID, jobID, subj, ruleFor, pace)
		if o != nil {
			outcomes = append(outcomes, o)
		}
		if err != nil {
			// Report what was already provisioned before the error.
			if len(outcomes) > 0 {
				_ = printOutcomes(ctx, opts.Printer, outcomes)
			}
			return err
		}
	}
	return printOutcomes(ctx, opts.Printer, outcomes)
}

// provisionOne provisions one subject; with --wait, an answer without steps
// (groups) is polled until final. On a wait timeout it returns the last
// outcome read with an exit-5 error.
func provisionOne(ctx context.Context, opts *RunOptions, svc *provision.Service, spID, jobID string, subj provision.RunSubject,
	ruleFor func(string) (string, error), pace *provision.Pacing) (*provision.Outcome, error) {
	rule, err := ruleFor(subj.Type)
	if err != nil {
		return nil, err
	}
	o, err := svc.ProvisionOnDemand(ctx, spID, jobID, rule, subj, pace)
	if err != nil || !opts.Wait || len(o.Steps) > 0 || o.State == provision.StateFailure {
		return o, err
	}
	req := provision.PollRequest{ServicePrincipalID: spID, JobID: jobID, Source: provision.PollAuto, ChangeID: o.ChangeID}
	polled, err := waitWithProgress(ctx, opts.Streams, "Waiting for "+subj.DisplayName,
		func(ctx context.Context) (*provision.Outcome, error) { return svc.Poll(ctx, req) }, opts.Interval, opts.Timeout)
	if polled == nil {
		return o, err
	}
	polled.Subject = o.Subject
	return polled, err
}

// resolveSubjects turns --user/--group/--member into ids before any POST.
func resolveSubjects(ctx context.Context, svc *provision.Service, opts *RunOptions) ([]provision.RunSubject, error) {
	if opts.Group != "" {
		g, err := svc.ResolveGroup(ctx, opts.Group)
		if err != nil {
			return nil, err
		}
		subj := provision.RunSubject{ID: g.ID, DisplayName: g.DisplayName, Type: "Group"}
		for _, m := range opts.Members {
			u, err := svc.ResolveUser(ctx, m)
			if err != nil {
				return nil, err
			}
			subj.MemberIDs = append(subj.MemberIDs, u.ID)
		}
		return []provision.RunSubject{subj}, nil
	}
	var out []provision.RunSubject
	for _, ref := range opts.Users {
		u, err := svc.ResolveUser(ctx, ref)
		if err != nil {
			return nil, err
		}
		name := u.UserPrincipalName
		if name == "" {
			name = u.DisplayName
		}
		out = append(out, provision.RunSubject{ID: u.ID, DisplayName: name, Type: "User"})
	}
	return out, nil
}

// ruleChooser returns --rule as given, or picks from the schema (read once).
func ruleChooser(ctx context.Context, svc *provision.Service, spID, jobID, rule string) func(string) (string, error) {
	var cached []provision.Rule
	loaded := false
	return func(objectType string) (string, error) {
		if rule != "" {
			return rule, nil
		}
		if !loaded {
			rules, err := svc.Rules(ctx, spID, jobID)
			if err != nil {
				return "", err
			}
			cached, loaded = rules, true
		}
		return provision.PickRule(cached, objectType)
	}
}

// printOutcomes prints one outcome as an object, several as an array, and
// exits with the worst state's code.
func printOutcomes(ctx context.Context, p *output.Printer, outcomes []*provision.Outcome) error {
	if len(outcomes) == 1 {
		return printOutcome(ctx, p, outcomes[0])
	}
	if err := p.PrintContext(ctx, outcomes, outcomesView(outcomes)); err != nil {
		return err
	}
	return outcomeExit(worstState(outcomes))
}

func worstState(outcomes []*provision.Outcome) provision.State {
	rank := map[provision.State]int{provision.StateSuccess: 0, provision.StateWarning: 1, provision.StateSkipped: 2, provision.StatePending: 3, provision.StateFailure: 4}
	worst := provision.StateSuccess
	for _, o := range outcomes {
		if rank[o.State] > rank[worst] {
			worst = o.State
		}
	}
	return worst
}

type outcomesView []*provision.Outcome

func (v outcomesView) View() []output.Section {
	var out []output.Section
	for _, o := range v {
		secs := outcomeView{o}.View()
		if o.Subject != nil && len(secs) > 0 {
			secs[0].Title = o.Subject.DisplayName
		}
		out = append(out, secs...)
	}
	return out
}
