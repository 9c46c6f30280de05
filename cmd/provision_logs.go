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
	// Limit is --limit (or its old name --top); LimitGiven says it was
	// given, as --follow and --summary have no default limit of their own.
	Limit      int
	LimitGiven bool

	// Follow (--follow) prints entries as they appear, every Interval,
	// until Timeout (0: until Ctrl-C); Lag is how late an entry may appear.
	Follow   bool
	Interval time.Duration
	Timeout  time.Duration
	Lag      time.Duration
	// RequestTimeout (--command-timeout) bounds each request of a follow,
	// which as a whole is exempt from it.
	RequestTimeout time.Duration

	// Summary (--summary) counts the entries of the period instead.
	Summary bool

	Printer *output.Printer
	Service *provision.Service
	Now     func() time.Time
	// After is time.After; tests replace it to skip the waits of --follow.
	After func(time.Duration) <-chan time.Time
}

var (
	logStatuses = []string{"success", "failure", "skipped", "warning"}
	logActions  = []string{"create", "update", "delete", "disable", "stagedDelete", "other"}
)

// NewCmdLogs builds `provision logs`.
func NewCmdLogs(f *Factory, runF func(context.Context, *LogsOptions) error) *cobra.Command {
	opts := &LogsOptions{Now: time.Now}
	c := &cobra.Command{
		Use:   "logs [--sp SP] [--job JOB] [filters] [--follow | --summary]",
		Short: "List, follow or summarize provisioning-log entries",
		Long: `List entries of the provisioning logs (GET /auditLogs/provisioning), newest
first, filtered on the server. Needs AuditLog.Read.All and Directory.Read.All.

Each entry is shown as the same Outcome that poll and run print. --since and
--until each take a time ago (24h, 90m, 7d, 2w, 1d12h) or a time (RFC 3339, or a
date for midnight UTC). --subject takes a user (object id or UPN) or a group
(object id or display name).

--follow (-f) prints new entries as they appear, oldest first, until Ctrl-C
(exit 130) or --timeout (exit 0): a table row or, with -o jsonl, one JSON
line each (--jq runs on each). Graph publishes entries minutes late and out
of order, so every poll reads the last --lag again and shows only entries not
shown before. Without --since it shows what appears after it starts; with
--since, the entries since then first. --limit N ends it after N entries.

--summary counts the entries of the period: by state, by action, the most
frequent error and skip reasons with a sample message, and per provisioning
cycle. It reads at most 10000 entries, newest first (--limit, up to 40000),
and says so on stderr when the period holds more.`,
		Example: `  $ provctl provision logs --sp Box --since 24h
  $ provctl provision logs --sp Box --since 7d --until 2026-11-28
  $ provctl provision logs --sp Box --status failure -o json --jq '.[].reason'
  $ provctl provision logs --subject adele@contoso.test --limit 1
  $ provctl provision logs --sp Box --subject Sales
  $ provctl provision logs --sp Box --follow --timeout 10s
  $ provctl provision logs --sp Box -f --since 1d --limit 2 -o jsonl | jq -c 'select(.state != "success")'
  $ provctl provision logs --sp Box --summary --since 7d`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLogsFlags(cmd.Flags(), opts); err != nil {
				return err
			}
			var err error
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if opts.Follow {
				if opts.Printer, err = followPrinter(opts.Printer); err != nil {
					return err
				}
				s, err := f.Settings(cmd)
				if err != nil {
					return err
				}
				opts.RequestTimeout = s.CommandTimeout
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
	fl.StringVar(&opts.Subject, "subject", "", "the source user (object id or UPN) or group (object id or display name)")
	fl.StringVar(&opts.ChangeID, "change-id", "", "change id of one provisioning request")
	fl.StringVar(&opts.Status, "status", "", "success, failure, skipped or warning")
	fl.StringVar(&opts.Action, "action", "", "create, update, delete, disable, stagedDelete or other")
	fl.Var(&opts.Since, "since", "only entries newer than this: a time ago (24h, 7d) or a time (2026-11-28T10:00:00Z, 2026-11-28)")
	fl.Var(&opts.Until, "until", "only entries older than this: a time ago (2h, 1d) or a time (2026-11-28T10:00:00Z, 2026-11-28)")
	fl.IntVar(&opts.Limit, "limit", defaultLogsLimit, "how many entries at most (1-500); with --follow, stop after that many; with --summary, how many to read (at most 40000; 10000 when not given)")
	// --top is the old name of --limit, kept for scripts.
	fl.IntVar(&opts.Limit, "top", defaultLogsLimit, "old name of --limit")
	_ = fl.MarkHidden("top")
	fl.BoolVarP(&opts.Follow, "follow", "f", false, "print new entries as they appear, until Ctrl-C or --timeout")
	durationFlag(fl, &opts.Interval, "interval", provision.DefaultFollowInterval, "with --follow: time between polls (1s to 1h)")
	durationFlag(fl, &opts.Timeout, "timeout", 0, "with --follow: stop after this long, with exit 0 (default: until Ctrl-C)")
	durationFlag(fl, &opts.Lag, "lag", provision.DefaultFollowLag, "with --follow: how late an entry may appear and still be shown (10s to 24h)")
	fl.BoolVar(&opts.Summary, "summary", false, "count the entries of the period by state, action, reason and cycle")
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

// logsRun lists, follows or summarizes, as the flags say.
func logsRun(ctx context.Context, opts *LogsOptions) error {
	switch {
	case opts.Follow:
		return logsFollow(ctx, opts)
	case opts.Summary:
		return logsSummary(ctx, opts)
	}
	return logsList(ctx, opts)
}

// logsList prints the newest --limit entries of the period.
func logsList(ctx context.Context, opts *LogsOptions) error {
	spID, q, err := logsQuery(ctx, opts)
	if err != nil {
		return err
	}
	q.Top, q.Limit = opts.Limit, opts.Limit
	now := opts.Now()
	if opts.Since.given() {
		q.Since = opts.Since.time(now).UTC().Format(time.RFC3339)
	}
	if opts.Until.given() {
		q.Until = opts.Until.time(now).UTC().Format(time.RFC3339)
	}
	entries, raws, err := opts.Service.Logs(ctx, q)
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
	return opts.Printer.PrintContext(ctx, outcomes, logsView{list: outcomes, withApp: opts.SP == ""})
}

// logsQuery resolves the names the filters hold (service principal, job,
// subject) into the query's filters; the time bounds and paging are the
// caller's.
func logsQuery(ctx context.Context, opts *LogsOptions) (spID string, q provision.LogQuery, err error) {
	svc := opts.Service
	subjectID, err := svc.ResolveSubject(ctx, opts.Subject)
	if err != nil {
		return "", q, err
	}
	q = provision.LogQuery{SubjectID: subjectID, ChangeID: opts.ChangeID, Status: opts.Status, Action: opts.Action}
	if opts.SP != "" {
		sp, err := svc.ResolveServicePrincipal(ctx, opts.SP)
		if err != nil {
			return "", q, err
		}
		spID = sp.ID
		q.ServicePrincipalID = sp.ID
		if opts.Job != "" {
			if q.JobID, err = svc.ResolveJob(ctx, sp.ID, opts.Job); err != nil {
				return "", q, err
			}
		}
	} else if opts.Job != "" {
		q.JobID = strings.TrimPrefix(opts.Job, "apply.")
	}
	return spID, q, nil
}

// logsView is a table of log entries. withApp adds the service
// principal's name: entries of every app are listed when --sp is not given,
// and two rows of one subject would otherwise look alike.
type logsView struct {
	list    []*provision.Outcome
	withApp bool
}

func (v logsView) View() []output.Section {
	// Times and change ids (what --change-id takes) are never cut; nor is
	// what says which object a row is about (records when too narrow).
	s := output.Section{Columns: []string{"TIME", "STATE", "ACTION", "SUBJECT", "REASON", "CHANGE ID"},
		Shrink: []string{"SUBJECT", "REASON"}, Drop: []string{"REASON"}}
	if v.withApp {
		s.Columns = []string{"TIME", "STATE", "ACTION", "APP", "SUBJECT", "REASON", "CHANGE ID"}
		s.Shrink = append(s.Shrink, "APP")
	}
	for _, o := range v.list {
		subject := ""
		if o.Subject != nil {
			subject = cmp.Or(o.Subject.DisplayName.String(), o.Subject.ID.String())
		}
		row := []output.Cell{{Text: formatTime(o.StartedAt)}, stateCell(string(o.State)), {Text: o.Action.String()}}
		if v.withApp {
			row = append(row, output.Cell{Text: cmp.Or(logServicePrincipalName(o), o.ServicePrincipalID)})
		}
		row = append(row, output.Cell{Text: subject}, output.Cell{Text: reasonText(o.Reason)}, output.Cell{Text: o.ChangeID.String(), Style: output.Muted})
		s.Rows = append(s.Rows, row)
	}
	return []output.Section{s}
}
