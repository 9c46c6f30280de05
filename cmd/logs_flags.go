package cmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// Bounds of the flags of `provision logs`.
const (
	defaultLogsLimit  = 50
	maxLogsLimit      = 500
	minFollowInterval = time.Second
	maxFollowInterval = time.Hour
	minFollowLag      = 10 * time.Second
	maxFollowLag      = 24 * time.Hour
)

// checkLogsFlags validates the flags of `provision logs` before anything is
// sent: each value, and which flags go together. Flags that only mean
// something with --follow are refused without it, never ignored.
func checkLogsFlags(fs *pflag.FlagSet, opts *LogsOptions) error {
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
	if err := checkLogsLimit(fs, opts); err != nil {
		return err
	}
	if opts.Since.given() && opts.Until.given() {
		// Both forms are read against one clock: an empty period would be
		// sent as a filter nothing can match.
		now := time.Now()
		if !opts.Since.time(now).Before(opts.Until.time(now)) {
			return usageErr(fmt.Errorf("--since %s is not before --until %s: the period is empty (a time ago counts back from now, so --since 2h --until 1h is the hour before last)", opts.Since.String(), opts.Until.String()))
		}
	}
	if opts.Follow && opts.Summary {
		return usageErr(errors.New("--follow and --summary do not go together: a summary counts a period that has an end"))
	}
	if !opts.Follow {
		for _, name := range []string{"interval", "timeout", "lag"} {
			if fs.Changed(name) {
				return usageErr(fmt.Errorf("--%s goes with --follow", name))
			}
		}
		return nil
	}
	return checkFollowFlags(fs, opts)
}

// checkLogsLimit reads --limit or its old name --top: 1-500 entries for a
// list; with --follow the number of entries after which it stops; with
// --summary how many entries it reads.
func checkLogsLimit(fs *pflag.FlagSet, opts *LogsOptions) error {
	if fs.Changed("limit") && fs.Changed("top") {
		return usageErr(errors.New("give --limit only (--top is its old name)"))
	}
	opts.LimitGiven = fs.Changed("limit") || fs.Changed("top")
	name := "--limit"
	if fs.Changed("top") {
		name = "--top"
	}
	switch {
	case opts.Summary && !opts.LimitGiven:
		opts.Limit = provision.DefaultSummaryLimit
	case opts.Summary && (opts.Limit < 1 || opts.Limit > provision.MaxSummaryLimit):
		return usageErr(fmt.Errorf("with --summary, %s must be between 1 and %d, got %d", name, provision.MaxSummaryLimit, opts.Limit))
	case opts.Follow && !opts.LimitGiven:
		opts.Limit = 0 // until Ctrl-C or --timeout
	case opts.Follow && opts.Limit < 1:
		return usageErr(fmt.Errorf("%s must be at least 1, got %d", name, opts.Limit))
	case !opts.Summary && !opts.Follow && (opts.Limit < 1 || opts.Limit > maxLogsLimit):
		return usageErr(fmt.Errorf("%s must be between 1 and %d, got %d", name, maxLogsLimit, opts.Limit))
	}
	return nil
}

// checkFollowFlags validates what --follow takes.
func checkFollowFlags(fs *pflag.FlagSet, opts *LogsOptions) error {
	if opts.Until.given() {
		return usageErr(errors.New("--until does not go with --follow, which shows entries as they appear: use --timeout to stop it"))
	}
	if opts.Interval < minFollowInterval || opts.Interval > maxFollowInterval {
		return usageErr(fmt.Errorf("--interval %s is out of range: use %s to %s", opts.Interval, minFollowInterval, maxFollowInterval))
	}
	if opts.Lag < minFollowLag || opts.Lag > maxFollowLag {
		return usageErr(fmt.Errorf("--lag %s is out of range: use %s to %s", opts.Lag, minFollowLag, maxFollowLag))
	}
	if fs.Changed("timeout") && opts.Timeout <= 0 {
		return usageErr(fmt.Errorf("--timeout %s is not positive: leave it out to follow until Ctrl-C", opts.Timeout))
	}
	return nil
}

// followPrinter is the printer of a follow. The formats that are one
// document are refused: a follow has no end at which to close a JSON array
// or a YAML list. --jq without -o (which otherwise filters the JSON
// document) runs on each entry as it appears, as with -o jsonl.
func followPrinter(p *output.Printer) (*output.Printer, error) {
	switch {
	case p.Format == output.JSON || p.Format == output.YAML:
		return nil, usageErr(fmt.Errorf("-o %s prints one document, which --follow never ends: use -o jsonl (one JSON line per entry) or a table", p.Format))
	case p.JQ != "" && p.Format != output.JSONL:
		jsonl, err := output.NewPrinter(p.Streams, output.JSONL, p.JQ)
		if err != nil {
			return nil, usageErr(err)
		}
		jsonl.NoHeaders = p.NoHeaders
		return jsonl, nil
	}
	return p, nil
}
