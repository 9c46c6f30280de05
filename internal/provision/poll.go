package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// PollSource chooses where Poll reads the outcome.
type PollSource string

// Poll sources: auto tries the apply. resource and falls back to the logs.
const (
	PollAuto  PollSource = "auto"
	PollApply PollSource = "apply"
	PollLogs  PollSource = "logs"
)

// ParsePollSource validates --source.
func ParsePollSource(s string) (PollSource, error) {
	switch PollSource(strings.ToLower(s)) {
	case "", PollAuto:
		return PollAuto, nil
	case PollApply:
		return PollApply, nil
	case PollLogs:
		return PollLogs, nil
	}
	return "", usagef("invalid --source %q: use auto, apply or logs", s)
}

// PollRequest identifies the outcome to read.
type PollRequest struct {
	ServicePrincipalID string
	JobID              string
	Source             PollSource
	ChangeID           string // logs: this provisioning request only
	SubjectID          string // logs: this user or group only
}

// Validate checks every id before anything is sent.
func (r PollRequest) Validate() error {
	if err := checkID("service principal id", r.ServicePrincipalID); err != nil {
		return err
	}
	if err := checkID("job id", r.JobID); err != nil {
		return err
	}
	return r.ValidateFilters()
}

// ValidateFilters checks the source and the logs filters alone, so a
// command can refuse them before resolving any name.
func (r PollRequest) ValidateFilters() error {
	if r.Source == PollApply && (r.ChangeID != "" || r.SubjectID != "") {
		return usagef("--change-id and --subject narrow the provisioning logs: they do not go with --source apply")
	}
	if err := CheckSubjectRef(r.SubjectID); err != nil {
		return err
	}
	return CheckFilterValue("change id", r.ChangeID)
}

// CheckFilterValue validates a value that goes into an OData $filter
// literal (quoted there, never into a path): subject ids may be AD
// distinguished names with spaces and commas, so only control characters
// and absurd lengths are refused.
func CheckFilterValue(kind, v string) error {
	if len(v) > 1024 || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return usagef("invalid %s %q", kind, graph.Clip(v))
	}
	return nil
}

// Poll reads the current outcome once. With PollAuto, an apply. resource
// that Graph does not know (404/400, as on real tenants today) makes Poll
// read the provisioning logs instead; the answer says which source it used.
// A subject or change id is only known to the logs, so it goes there
// directly: the apply. resource cannot say whose outcome it holds.
func (s *Service) Poll(ctx context.Context, r PollRequest) (*Outcome, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	// A subject or change id is known only to the logs; and once the
	// apply. resource proved absent (real tenants), later polls skip it.
	if r.Source == PollLogs || (r.Source == PollAuto && (r.SubjectID != "" || r.ChangeID != "" || s.noApply())) {
		return s.pollLogsOfJob(ctx, r)
	}
	o, err := s.pollApply(ctx, r)
	if err != nil && r.Source == PollAuto && applyUnavailable(err) {
		s.mu.Lock()
		s.applyAbsent = true
		s.mu.Unlock()
		o, err = s.pollLogsOfJob(ctx, r)
		if err == nil && s.Cache != nil {
			// The job exists and its apply. resource does not: the tenant
			// has none (real tenants), so later commands read the logs
			// directly.
			s.Cache.MarkApplyAbsent()
		}
	}
	return o, err
}

// pollLogsOfJob reads the logs once the job is known to exist: a mistyped
// job id would otherwise read as "pending" forever.
func (s *Service) pollLogsOfJob(ctx context.Context, r PollRequest) (*Outcome, error) {
	if err := s.checkJobExists(ctx, r.ServicePrincipalID, r.JobID); err != nil {
		return nil, err
	}
	return s.pollLogs(ctx, r)
}

func (s *Service) noApply() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applyAbsent
}

// checkJobExists reads the job once per Service (a wait loop polls many times).
func (s *Service) checkJobExists(ctx context.Context, spID, jobID string) error {
	key := spID + "/" + jobID
	s.mu.Lock()
	known := s.knownJobs[key]
	s.mu.Unlock()
	if known {
		return nil
	}
	if _, err := s.GetJob(ctx, spID, jobID); err != nil {
		return err
	}
	s.jobSeen(spID, jobID)
	return nil
}

// markJobKnown records that Graph has shown the job exists.
func (s *Service) markJobKnown(spID, jobID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.knownJobs == nil {
		s.knownJobs = map[string]bool{}
	}
	key := spID + "/" + jobID
	if s.knownJobs[key] {
		return false
	}
	s.knownJobs[key] = true
	return true
}

// jobSeen records that Graph answered for the job: this command need not
// check it again.
func (s *Service) jobSeen(spID, jobID string) { s.markJobKnown(spID, jobID) }

func (s *Service) pollApply(ctx context.Context, r PollRequest) (*Outcome, error) {
	// null or a non-object is an unexpected answer, never "pending".
	res, err := s.Graph.GetApplyResource(ctx, r.ServicePrincipalID, r.JobID)
	if err != nil {
		return nil, requestError(err, "poll outcome of job %s", r.JobID)
	}
	s.jobSeen(r.ServicePrincipalID, r.JobID)
	return FromApply(r.ServicePrincipalID, r.JobID, res), nil
}

// requestError adds what was being done to a failed request's error. An
// unreadable answer already names the request, so it is returned as is.
func requestError(err error, format string, a ...any) error {
	if errors.As(err, new(*graph.DecodeError)) {
		return err
	}
	return fmt.Errorf(format+": %w", append(a, err)...)
}

func applyUnavailable(err error) bool {
	return graph.IsStatus(err, http.StatusNotFound, http.StatusBadRequest)
}

// pollLogs reads the newest provisioning-log entry for the job (and change
// or subject), checking again that the entry is the one asked for. No
// entry yet means pending.
func (s *Service) pollLogs(ctx context.Context, r PollRequest) (*Outcome, error) {
	if r.SubjectID != "" {
		return s.FindLogOutcome(ctx, LogMatch{ServicePrincipalID: r.ServicePrincipalID, JobID: r.JobID, SubjectID: r.SubjectID, ChangeID: r.ChangeID})
	}
	entries, raws, err := s.Logs(ctx, LogQuery{JobID: r.JobID, ChangeID: r.ChangeID, Top: 10, Limit: 10})
	if err != nil {
		return nil, fmt.Errorf("read provisioning logs of job %s: %w", r.JobID, err)
	}
	for _, i := range newestFirst(entries) {
		e := &entries[i]
		if !sameJob(e, r.JobID, r.ServicePrincipalID) || (r.ChangeID != "" && !strings.EqualFold(e.ChangeID, r.ChangeID)) {
			continue
		}
		o := FromLog(r.ServicePrincipalID, &entries[i], raws[i])
		if o.JobID == "" {
			o.JobID = r.JobID
		}
		return o, nil
	}
	o := &Outcome{ServicePrincipalID: r.ServicePrincipalID, JobID: r.JobID, Source: SourceProvisioningLogs, State: StatePending, ChangeID: NullString(r.ChangeID)}
	return o.normalize(), nil
}

// LogQuery filters GET /auditLogs/provisioning; its Filter is the $filter sent.
type LogQuery = graph.ProvisioningLogQuery

// Logs lists provisioning-log entries, newest first, with each entry's raw JSON.
func (s *Service) Logs(ctx context.Context, q LogQuery) ([]graph.ProvisioningObjectSummary, []json.RawMessage, error) {
	return s.Graph.ProvisioningLogs(ctx, q)
}
