package cmd

import (
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/provision/ratebucket"
)

// addBulkFlags adds the flags of a run over a list of users.
func addBulkFlags(c *cobra.Command, b *BulkOptions) {
	fl := c.Flags()
	fl.StringVar(&b.From, "from", "", "read users from FILE (- for stdin): one object id or UPN per line, or CSV with a userPrincipalName, upn, objectId, id or mail column")
	fl.StringVar(&b.Column, "column", "", "with --from: the CSV column holding the users")
	fl.BoolVar(&b.SkipInvalid, "skip-invalid", false, "with --from: skip bad lines instead of refusing the file")
	fl.StringVar(&b.MembersOf, "members-of", "", "provision every user member of this group (object id or display name; nested groups included), each as its own request")
	fl.BoolVar(&b.Strict, "strict", false, "stop before sending anything when a user is not in the directory (default: report and skip it)")
	fl.BoolVar(&b.DryRun, "dry-run", false, "resolve the users, pick the rule and check each user's assignment to the app; send nothing")
	fl.StringVar(&b.Results, "results", "", "append each outcome to this JSON Lines file as it completes (synced to disk before the next request)")
	fl.StringVar(&b.Resume, "resume", "", "skip the users this JSON Lines file (an earlier --results) records as done; read, never resend, those it records as sent and pending")
	fl.BoolVar(&b.RetryFailed, "retry-failed", true, "with --resume: send again the users recorded as failed")
	fl.BoolVar(&b.ResendPending, "resend-pending", false, "with --resume: send again the users recorded as sent but never answered (a crash, a request that may have been applied) instead of reading their log entries")
	fl.BoolVarP(&b.Quiet, "quiet", "q", false, "no progress on stderr (warnings and errors still)")
	addSkippedOKFlag(c)
	fl.IntVar(&b.MaxFailures, "max-failures", 0, "stop sending after this many failures, exit 3 (0: no limit)")
}

// addSkippedOKFlag adds --skipped-ok. Its value is read with the settings
// (Settings.SkippedOK), where it wins over PROVCTL_SKIPPED_OK and the
// config file's skipped-ok.
func addSkippedOKFlag(c *cobra.Command) {
	c.Flags().Bool("skipped-ok", false, "exit 0 when the (worst) outcome is skipped, so an idempotent re-run passes (PROVCTL_SKIPPED_OK)")
}

// prepareBulkPacing reads the settings a bulk run paces by: the rate, and
// the config folder where every provctl process shares it per job.
func (f *Factory) prepareBulkPacing(cmd *cobra.Command, opts *RunOptions) error {
	s, err := f.Settings(cmd)
	if err != nil {
		return err
	}
	b := &opts.Bulk
	b.rate = s.OnDemandRate
	// A relative config folder (no HOME) would differ per working folder:
	// then this run paces itself alone (PacerFor warns).
	if filepath.IsAbs(s.ConfigDir) {
		b.pacingDir = filepath.Join(s.ConfigDir, "pacing")
	}
	// Keyed by Graph and the job alone: a job id holds its tenant's id,
	// and --tenant may spell one tenant several ways (id, domain).
	b.pacingKey = ratebucket.Key{Cloud: s.GraphURL}
	b.requestBound = s.CommandTimeout
	b.heartbeat = s.Heartbeat
	b.timeoutGiven = cmd.Flags().Changed("timeout")
	return nil
}
