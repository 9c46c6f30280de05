package provision

import (
	"fmt"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// RunRequest is one `provision run`: names as the user typed them, resolved
// once by Service.Run.
type RunRequest struct {
	SP, Job, Rule string
	Users         []string // object ids or UPNs
	Group         string   // object id or display name
	Members       []string // with Group: object ids or UPNs
	Wait          bool     // wait for each subject's provisioning-log entry
	Interval      time.Duration
	Timeout       time.Duration
	// Progress, when set, hears about every wait (a spinner on stderr).
	Progress Progress
	// Pacer defaults to Graph's documented limit within this process;
	// PacerFor, when set, gives the pacer of the job a bulk run resolved
	// (a bucket shared by processes).
	Pacer    Pacer
	PacerFor func(jobID string) (Pacer, error)
	// Budget, when set, bounds a bulk run once its users are resolved,
	// given how many requests it has to send.
	Budget func(requests int) time.Duration
	// Rate is the pace Pacer keeps, for the ETA of a bulk run.
	Rate Rate
	// RequestTimeout bounds each provisionOnDemand request of a bulk run,
	// which Ctrl-C lets finish (default 2m).
	RequestTimeout time.Duration

	// Bulk runs (a user list): see bulk_run.go.
	Refs        []SubjectRef // users from --from (and --user)
	MembersOf   string       // a group whose users are each provisioned
	Strict      bool         // an unknown user stops the run
	DryRun      bool         // resolve and check, send nothing
	Journal     Journal      // --results
	Prior       PriorRuns    // --resume
	RetryFailed bool         // with Prior: send failures again
	// ResendPending, with Prior: send again the users recorded as sent
	// but never answered for, instead of reading their log entries.
	ResendPending bool
	MaxFailures   int          // stop sending after this many failures (0: never)
	Observer      BulkObserver // progress
	// Emit hears each outcome as it completes (-o jsonl); an error (a
	// closed pipe) stops the run.
	Emit func(*Outcome) error
	// Note, when set, hears about things done that were not asked for,
	// such as a duplicate subject dropped.
	Note func(format string, a ...any)
}

func (r RunRequest) note(format string, a ...any) {
	if r.Note != nil {
		r.Note(format, a...)
	}
}

// maxUsers bounds one run's --user list.
const maxUsers = 1000

// Progress is told about the wait for each subject's log entry.
type Progress interface {
	Start(label string)
	Update(o *Outcome)
	Stop()
}

// Validate checks everything that can be checked before a request is sent.
func (r RunRequest) Validate() error {
	if r.SP == "" {
		return usagef("--sp is required: a service principal object id, appId or display name")
	}
	if r.Job != "" {
		if err := CheckJobRef(r.Job); err != nil {
			return err
		}
	}
	users := len(r.Users) > 0 || len(r.Refs) > 0 || r.MembersOf != ""
	switch {
	case len(r.Members) > 0 && r.Group == "":
		return usagef("--member needs --group")
	case !users && r.Group == "":
		return usagef("give --user (repeatable), --from FILE, --members-of GROUP, or --group")
	case users && r.Group != "":
		return usagef("--group provisions one group: give users (--user, --from, --members-of) in a separate run")
	case r.MaxFailures < 0:
		return usagef("--max-failures must be 0 (no limit) or more, got %d", r.MaxFailures)
	case len(r.Members) > MaxGroupMembers:
		return usagef("at most %d --member per request, got %d", MaxGroupMembers, len(r.Members))
	}
	for _, u := range append(append([]string{}, r.Users...), r.Members...) {
		if err := CheckUserRef(u); err != nil {
			return err
		}
	}
	for _, m := range r.Members {
		if IsDistinguishedName(m) {
			return usagef("--member %q: group members are Entra ID users (an object id or UPN)", graph.Clip(m))
		}
	}
	if len(r.Users) > maxUsers {
		return usagef("--user is given %d times: at most %d in one run", len(r.Users), maxUsers)
	}
	for _, g := range []string{r.Group, r.MembersOf} {
		if g == "" {
			continue
		}
		if err := CheckGroupRef(g); err != nil {
			return err
		}
	}
	for _, ref := range r.Refs {
		if err := CheckUserRef(ref.Ref); err != nil {
			return fmt.Errorf("%s: %w", ref.Origin, err)
		}
	}
	if len(r.Rule) > graph.MaxIDLength || strings.ContainsFunc(r.Rule, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return usagef("invalid --rule %q", graph.Clip(r.Rule))
	}
	return CheckWait(r.Interval, r.Timeout)
}

// CheckWait validates --interval and --timeout (zero means the default).
func CheckWait(interval, timeout time.Duration) error {
	if interval != 0 && interval < 100*time.Millisecond {
		return usagef("--interval %s is too short: use at least 100ms", interval)
	}
	if timeout < 0 {
		return usagef("--timeout must be positive, got %s", timeout)
	}
	return nil
}
