package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
	"github.com/provctl/provctl/internal/provision/journal"
	"github.com/provctl/provctl/internal/provision/ratebucket"
)

// BulkOptions are the flags of a run over a list of users.
type BulkOptions struct {
	From        string
	Column      string
	SkipInvalid bool
	MembersOf   string
	Strict      bool
	DryRun      bool
	Results     string
	Resume      string
	RetryFailed bool
	// ResendPending sends pending records again (--resend-pending).
	ResendPending bool
	Quiet         bool
	SkippedOK     bool
	MaxFailures   int

	// Set by NewCmdRun before the run: the parsed --from and --resume,
	// the rate and the config folder (for the shared pacing).
	refs         []provision.SubjectRef
	prior        *journal.Resume
	rate         provision.Rate
	pacingDir    string
	pacingKey    ratebucket.Key
	requestBound time.Duration
	timeoutGiven bool
	heartbeat    time.Duration
}

// bulkFlagsUsed reports whether the flags ask for a run over a list.
func (o *RunOptions) bulkFlagsUsed() bool {
	b := o.Bulk
	return b.From != "" || b.MembersOf != "" || b.DryRun || b.Results != "" || b.Resume != "" || len(o.Users) > 1
}

// checkListFlags refuses flags that mean nothing in this run, whatever
// its kind: a flag silently ignored is a script that does not do what its
// author thinks.
func (o *RunOptions) checkListFlags(cmd *cobra.Command) error {
	b := &o.Bulk
	changed := cmd.Flags().Changed
	switch {
	case o.Group != "" && (b.From != "" || b.MembersOf != "" || b.Results != "" || b.Resume != "" || b.DryRun):
		return usageErr(errors.New("--from, --members-of, --results, --resume and --dry-run provision users: they cannot be combined with --group"))
	case b.Column != "" && b.From == "":
		return usageErr(errors.New("--column needs --from"))
	case changed("skip-invalid") && b.From == "":
		return usageErr(errors.New("--skip-invalid needs --from"))
	case b.MaxFailures < 0:
		return usageErr(fmt.Errorf("--max-failures must be 0 (no limit) or more, got %d", b.MaxFailures))
	}
	return nil
}

// prepareBulk reads --from and --resume before anything is sent.
func (o *RunOptions) prepareBulk(ctx context.Context) error {
	b := &o.Bulk
	if b.From != "" {
		refs, err := readSubjectFile(ctx, o.Streams, b.From, b.Column, b.SkipInvalid)
		if err != nil {
			return err
		}
		b.refs = refs
	}
	if b.Resume != "" && b.Results == "" && !b.DryRun {
		o.Streams.Warnf("--resume without --results: this run's outcomes are not recorded, so a later --resume would send them again")
	}
	if b.Resume != "" {
		prior, err := readResume(o.Streams, b.Resume)
		if err != nil {
			return err
		}
		b.prior = prior
	}
	return nil
}

// readResume reads the journal of an earlier run; a journal that does not
// exist yet resumes nothing, so a script can always pass --resume.
func readResume(streams *output.Streams, path string) (*journal.Resume, error) {
	if path == "-" {
		return nil, usageErr(journal.ErrStdin)
	}
	prior, err := journal.Read(path)
	if errors.Is(err, os.ErrNotExist) {
		streams.Warnf("--resume %s: no such file yet: nothing to resume", path)
		return nil, nil
	}
	if err != nil {
		return nil, usageErr(fmt.Errorf("--resume %s: %w", path, err))
	}
	if prior.Torn != nil {
		streams.Warnf("--resume %s: its last line, %s, was cut short by a crash: ignored", path, prior.Torn)
	}
	return prior, nil
}

// priorRuns adapts a journal to what provision asks of it.
type priorRuns struct{ r *journal.Resume }

func (p priorRuns) Lookup(id, ref string) (provision.Prior, bool) {
	rec, ok := p.r.Lookup(id, ref)
	if !ok {
		return provision.Prior{}, false
	}
	return provision.Prior{JobID: rec.JobID, State: provision.State(rec.State), SentAt: rec.SentAt, ChangeID: rec.ChangeID, Line: rec.Line}, true
}

// runBulk runs a list of users: resolved in bulk, sent at the shared pace,
// each outcome recorded and shown as it completes, then a summary.
func runBulk(ctx context.Context, opts *RunOptions) error {
	b := &opts.Bulk
	req := opts.request()
	req.Refs, req.MembersOf, req.Strict, req.DryRun = b.refs, b.MembersOf, b.Strict, b.DryRun
	req.RetryFailed, req.MaxFailures, req.ResendPending = b.RetryFailed, b.MaxFailures, b.ResendPending
	req.Rate, req.RequestTimeout = b.rate, b.requestBound
	req.Note = opts.Streams.Warnf
	if b.prior != nil {
		req.Prior = priorRuns{b.prior}
	}
	if b.DryRun {
		// Bounded like the lookups of a run, plus reading the assignments.
		ctx, cancel := context.WithTimeout(ctx, 2*b.requestBound+time.Duration(len(b.refs)/15)*time.Second)
		defer cancel()
		plan, err := opts.Service.Plan(ctx, req)
		if err != nil {
			return err
		}
		return opts.Printer.PrintContext(ctx, plan, planView{plan})
	}
	req.PacerFor = func(jobID string) (provision.Pacer, error) {
		key := b.pacingKey
		key.Job = jobID
		if b.pacingDir == "" {
			opts.Streams.Warnf("the pacing shared by provctl processes needs an absolute config folder (set HOME or PROVCTL_CONFIG_DIR): this run paces itself alone, so a parallel run on the same job may draw 429s")
			return &provision.Pacing{Limit: b.rate.Limit, Window: b.rate.Window}, nil
		}
		pacer, err := ratebucket.Open(b.pacingDir, key, b.rate.Limit, b.rate.Window)
		if err != nil {
			// A read-only home must not stop a CI step: pace this process
			// alone, and say what parallel runs risk.
			opts.Streams.Warnf("the pacing shared by provctl processes is unavailable (%v): this run paces itself alone, so a parallel run on the same job may draw 429s", err)
			return &provision.Pacing{Limit: b.rate.Limit, Window: b.rate.Window}, nil
		}
		return pacer, nil
	}
	req.Budget = b.budget(opts.Wait, opts.Timeout)
	if b.Results != "" {
		w, repair, err := journal.Open(b.Results)
		if err != nil {
			return usageErr(fmt.Errorf("--results %s: %w", b.Results, err))
		}
		defer w.Close()
		if repair != nil {
			opts.Streams.Warnf("--results %s: its last line, %s, was cut short by a crash: removed", b.Results, repair)
		}
		req.Journal = w
	}
	progress := newBulkObserver(opts.Streams, b.Quiet)
	progress.heartbeat = b.heartbeat
	req.Observer = progress
	stream := opts.Printer.Stream(ctx)
	if opts.Printer.Format == output.JSONL {
		req.Emit = func(o *provision.Outcome) error { return stream.Write(o) }
	}
	res, err := opts.Service.RunBulk(ctx, req)
	progress.stop()
	if res != nil && !errors.Is(err, context.Canceled) {
		opts.ci.Report(res.Outcomes)
	}
	if res == nil || (err != nil && res.Tally.Done == 0 && res.Tally.Total == 0) {
		return err // stopped before any user was looked at: the error says why
	}
	if errors.Is(err, context.Canceled) {
		// Ctrl-C: what completed is in the journal and on a -o jsonl stream.
		opts.Streams.Warnf("interrupted: %d of %d done%s", res.Tally.Done, res.Tally.Total+res.Tally.NotSent, resumeHint(b.Results))
		return err
	}
	if opts.Printer.Format != output.JSONL {
		for _, o := range res.Outcomes {
			if werr := stream.Write(o); werr != nil {
				return werr
			}
		}
	}
	if cerr := stream.Close(bulkView{res: res, results: b.Results, withSummary: opts.Streams.StdoutTTY}); cerr != nil {
		return cerr
	}
	switch {
	case b.Quiet:
	case opts.Printer.Format != output.Table:
		printBulkSummary(opts.Streams, res, b.Results)
	case !opts.Streams.StdoutTTY:
		if perr := printBulkSummaryTable(opts.Streams, res, b.Results); perr != nil {
			return perr
		}
	}
	if err != nil {
		if errors.Is(err, provision.ErrWaitTimeout) {
			return &exitError{Code: ExitPending, Err: fmt.Errorf("%w%s", err, resumeHint(b.Results))}
		}
		return err
	}
	return bulkExit(res, b.SkippedOK)
}

// budget bounds a bulk run once its users are resolved. An explicit
// --timeout is taken as given (a CI step's own limit); otherwise the
// default bound (--timeout's 10m with --wait, --command-timeout without)
// grows by the time pacing needs for the requests.
func (b *BulkOptions) budget(wait bool, timeout time.Duration) func(int) time.Duration {
	return func(requests int) time.Duration {
		if b.timeoutGiven {
			return timeout // with or without --wait: a CI step's own bound
		}
		base := b.requestBound
		if wait {
			base = defaultRunTimeout
		}
		windows := (requests + b.rate.Limit - 1) / max(b.rate.Limit, 1)
		return base + time.Duration(windows)*b.rate.Window
	}
}

// defaultRunTimeout is --timeout's default (provision's wait default).
const defaultRunTimeout = 10 * time.Minute

// resumeHint says how to continue a run that stopped early.
func resumeHint(results string) string {
	if results == "" {
		return ""
	}
	return fmt.Sprintf("; continue with --resume %s", results)
}

// bulkExit is the worst state of the run (failures kept from the journal
// included); --skipped-ok counts skipped as success.
func bulkExit(res *provision.BulkResult, skippedOK bool) error {
	worst := provision.WorstState(res.Outcomes)
	if len(res.Kept) > 0 {
		worst = provision.StateFailure
	}
	if worst == provision.StateSkipped && skippedOK {
		worst = provision.StateSuccess
	}
	if res.Stopped != "" && worst != provision.StateFailure {
		worst = provision.StateFailure
	}
	// A request that may have been applied is an error (exit 1), as for
	// one user: its outcome is unknown until its log entry is read.
	if n := maybeApplied(res); n > 0 && worst != provision.StateFailure {
		return &exitError{Code: ExitError, Err: fmt.Errorf("%d requests may have been applied (no readable answer): --resume reads their log entries; check them with `provctl provision logs`, or send them again with --resume --resend-pending", n)}
	}
	return outcomeExit(worst)
}

// maybeApplied counts the requests whose answer was lost.
func maybeApplied(res *provision.BulkResult) int {
	n := 0
	for _, o := range res.Outcomes {
		if o.Reason != nil && o.Reason.Code == "MaybeApplied" {
			n++
		}
	}
	return n
}
