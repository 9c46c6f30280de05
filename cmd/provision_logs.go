package cmd

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// LogsOptions are the inputs of `provision logs`.
type LogsOptions struct {
	SP       string
	Job      string
	Subject  string
	ChangeID string
	Status   string
	Action   string
	Since    timeBound
	Until    timeBound
	Top      int

	Printer *output.Printer
	Service *provision.Service
	Now     func() time.Time
}

var (
	logStatuses = []string{"success", "failure", "skipped", "warning"}
	logActions  = []string{"create", "update", "delete", "disable", "stagedDelete", "other"}
)

// NewCmdLogs builds `provision logs`.
func NewCmdLogs(f *Factory, runF func(context.Context, *LogsOptions) error) *cobra.Command {
	opts := &LogsOptions{Now: time.Now}
	c := &cobra.Command{
		Use:   "logs [--sp SP] [--job JOB] [filters]",
		Short: "List provisioning-log entries, newest first",
		Long: `List entries of the provisioning logs (GET /auditLogs/provisioning), newest
first, filtered on the server. Needs AuditLog.Read.All and Directory.Read.All.

Each entry is shown as the same Outcome that poll and run print. --since and
--until each take a time ago (24h, 90m, 7d, 1d12h) or a time (RFC 3339, or a
date for midnight UTC).`,
		Example: `  $ provctl provision logs --sp Box --since 24h
  $ provctl provision logs --sp Box --since 7d --until 2026-11-28
  $ provctl provision logs --sp Box --status failure -o json --jq '.[].reason'
  $ provctl provision logs --change-id 0f8c1e2a-… --top 1`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Job != "" {
				if err := provision.CheckJobRef(opts.Job); err != nil {
					return err
				}
				if opts.SP == "" && !strings.Contains(opts.Job, ".") {
					return usageErr(fmt.Errorf("--job %s looks like a template id: give --sp too, or the full job id", opts.Job))
				}
			}
			if err := provision.CheckSubjectRef(opts.Subject); err != nil {
				return err
			}
			if err := provision.CheckFilterValue("--change-id", opts.ChangeID); err != nil {
				return err
			}
			if err := oneOf("--status", opts.Status, logStatuses); err != nil {
				return err
			}
			if err := oneOf("--action", opts.Action, logActions); err != nil {
				return err
			}
			if opts.Top < 1 || opts.Top > 500 {
				return usageErr(fmt.Errorf("--top must be between 1 and 500, got %d", opts.Top))
			}
			var err error
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			if opts.Service, err = f.Service(cmd, scopeAuditLog, scopeDirectory, scopeSyncRead); err != nil {
				return err
			}
			return logsRun(runContext(cmd), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.SP, "sp", "", "service principal: object id, appId or display name")
	fl.StringVar(&opts.Job, "job", "", "synchronization job id or template id (needs --sp for a template id)")
	fl.StringVar(&opts.Subject, "subject", "", "the source user (object id or UPN) or group (object id)")
	fl.StringVar(&opts.ChangeID, "change-id", "", "change id of one provisioning request")
	fl.StringVar(&opts.Status, "status", "", "success, failure, skipped or warning")
	fl.StringVar(&opts.Action, "action", "", "create, update, delete, disable, stagedDelete or other")
	fl.Var(&opts.Since, "since", "only entries newer than this: a time ago (24h, 7d) or a time (2026-11-28T10:00:00Z, 2026-11-28)")
	fl.Var(&opts.Until, "until", "only entries older than this: a time ago (2h, 1d) or a time (2026-11-28T10:00:00Z, 2026-11-28)")
	fl.IntVar(&opts.Top, "top", 50, "how many entries at most (1-500)")
	_ = c.RegisterFlagCompletionFunc("status", fixedCompletion(logStatuses...))
	_ = c.RegisterFlagCompletionFunc("action", fixedCompletion(logActions...))
	return c
}

func oneOf(flag, v string, allowed []string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if a == v {
			return nil
		}
	}
	return usageErr(fmt.Errorf("invalid %s %q: use one of %s", flag, v, strings.Join(allowed, ", ")))
}

func logsRun(ctx context.Context, opts *LogsOptions) error {
	svc := opts.Service
	subjectID, err := svc.ResolveSubjectID(ctx, opts.Subject)
	if err != nil {
		return err
	}
	q := provision.LogQuery{SubjectID: subjectID, ChangeID: opts.ChangeID, Status: opts.Status, Action: opts.Action, Top: opts.Top, Limit: opts.Top}
	if opts.Since.given() {
		q.Since = opts.Since.time(opts.Now()).UTC().Format(time.RFC3339)
	}
	if opts.Until.given() {
		q.Until = opts.Until.time(opts.Now()).UTC().Format(time.RFC3339)
	}
	spID := ""
	if opts.SP != "" {
		sp, err := svc.ResolveServicePrincipal(ctx, opts.SP)
		if err != nil {
			return err
		}
		spID = sp.ID
		q.ServicePrincipalID = sp.ID
		if opts.Job != "" {
			if q.JobID, err = svc.ResolveJob(ctx, sp.ID, opts.Job); err != nil {
				return err
			}
		}
	} else if opts.Job != "" {
		q.JobID = strings.TrimPrefix(opts.Job, "apply.")
	}
	entries, raws, err := svc.Logs(ctx, q)
	if err != nil {
		return err
	}
	outcomes := make([]*provision.Outcome, len(entries))
	for i := range entries {
		outcomes[i] = provision.FromLog(spID, &entries[i], json.RawMessage(raws[i]))
	}
	if len(outcomes) == 0 && opts.Printer.Format == output.Table {
		opts.Printer.Streams.Warnf("no provisioning-log entries match (the logs can lag a few minutes behind)")
	}
	return opts.Printer.PrintContext(ctx, outcomes, logsView(outcomes))
}

type logsView []*provision.Outcome

func (v logsView) View() []output.Section {
	s := output.Section{Columns: []string{"TIME", "STATE", "ACTION", "SUBJECT", "REASON", "CHANGE ID"}}
	for _, o := range v {
		subject := ""
		if o.Subject != nil {
			subject = cmp.Or(o.Subject.DisplayName.String(), o.Subject.ID.String())
		}
		s.Rows = append(s.Rows, []output.Cell{{Text: formatTime(o.StartedAt)}, stateCell(string(o.State)), {Text: o.Action.String()}, {Text: subject}, {Text: reasonText(o.Reason)}, {Text: o.ChangeID.String(), Style: output.Muted}})
	}
	return []output.Section{s}
}
