package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/provision"
)

// errFollowTimeout ends a follow at --timeout: a bounded follow that ran
// its course is no failure (exit 0).
var errFollowTimeout = errors.New("--timeout passed")

// logsFollow prints entries as they appear until Ctrl-C (the context's
// error: exit 130), --timeout (exit 0) or --limit entries (exit 0). The
// names it resolves first are bounded by --command-timeout, as is each
// poll; the follow as a whole is not (boundCommand).
func logsFollow(ctx context.Context, opts *LogsOptions) error {
	setup := ctx
	if opts.RequestTimeout > 0 {
		var cancel context.CancelFunc
		setup, cancel = context.WithTimeout(ctx, opts.RequestTimeout)
		defer cancel()
	}
	spID, q, err := logsQuery(setup, opts)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("the lookups before following did not finish within %s (--command-timeout, PROVCTL_COMMAND_TIMEOUT): %w", opts.RequestTimeout, err)
		}
		return err
	}
	var since time.Time
	if opts.Since.given() {
		since = opts.Since.time(opts.Now())
	}
	follow := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		follow, cancel = context.WithTimeoutCause(ctx, opts.Timeout, errFollowTimeout)
		defer cancel()
	}
	streams := opts.Printer.Streams
	fmt.Fprintf(streams.ErrOut, "Following the provisioning logs every %s, showing entries up to %s late; Ctrl-C to stop.\n",
		durationText(opts.Interval), durationText(opts.Lag))
	out := newFollowOutput(ctx, opts.Printer, opts.SP == "")
	err = opts.Service.FollowLogs(follow, provision.FollowRequest{
		Query:              q,
		ServicePrincipalID: spID,
		Since:              since,
		Lag:                opts.Lag,
		Interval:           opts.Interval,
		Limit:              opts.Limit,
		RequestTimeout:     opts.RequestTimeout,
		Now:                opts.Now,
		After:              opts.After,
		OnRetry: func(err error, wait time.Duration) {
			msg := graph.RedactCredentials(err.Error())
			if errors.Is(err, context.DeadlineExceeded) {
				msg = fmt.Sprintf("a poll took longer than %s (--command-timeout)", opts.RequestTimeout)
			}
			streams.Warnf("%s; trying again in %s", msg, durationText(wait))
		},
		OnCapped: func(oldest time.Time) {
			streams.Warnf("a poll met more than %d entries within --lag %s: entries that appear late with a time before %s are not shown; narrow the filters or shorten --lag",
				provision.FollowReadCap, durationText(opts.Lag), formatTime(&oldest))
		},
	}, out.show)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(follow), errFollowTimeout) {
		return nil
	}
	return err
}
