package provision

import (
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// The JSON of `job list`, `job show` and `job rules` is a contract
// (docs/output.md, "Jobs and rules"): these types are built from Graph's wire
// models, so a change on Graph's side never changes provctl's output by
// accident. Unknown strings and times are null, never "".

// JobDetail is one synchronization job as `job list` (one per job) and
// `job show` print it.
type JobDetail struct {
	ID                 NullString     `json:"id"`
	TemplateID         NullString     `json:"templateId"`
	Status             NullString     `json:"status"`
	Schedule           *JobSchedule   `json:"schedule"`
	SuccessiveFailures int64          `json:"successiveFailures"`
	LastExecution      *JobExecution  `json:"lastExecution"`
	Quarantine         *JobQuarantine `json:"quarantine"`
	SteadyStateFirst   *time.Time     `json:"steadyStateFirstAchievedAt"`
	SteadyStateLast    *time.Time     `json:"steadyStateLastAchievedAt"`
	TroubleshootingURL NullString     `json:"troubleshootingUrl"`
}

// JobSchedule is a job's schedule.
type JobSchedule struct {
	State      NullString `json:"state"`
	Interval   NullString `json:"interval"`
	Expiration *time.Time `json:"expiration"`
}

// JobExecution is a job's last execution.
type JobExecution struct {
	State  NullString `json:"state"`
	Began  *time.Time `json:"began"`
	Ended  *time.Time `json:"ended"`
	Counts Counts     `json:"counts"`
	Error  *JobError  `json:"error"`
}

// JobQuarantine is why and since when a job is in quarantine.
type JobQuarantine struct {
	Reason      NullString `json:"reason"`
	Since       *time.Time `json:"since"`
	SeriesBegan *time.Time `json:"seriesBegan"`
	SeriesCount int64      `json:"seriesCount"`
	NextAttempt *time.Time `json:"nextAttempt"`
	Error       *JobError  `json:"error"`
}

// JobError is a synchronization error; Graph's {"code":"None"} is none
// and becomes null.
type JobError struct {
	Code             NullString `json:"code"`
	Message          NullString `json:"message"`
	TenantActionable bool       `json:"tenantActionable"`
}

// RuleRow is one rule of a job's schema as `job rules` prints it. Fields
// Graph did not send are null.
type RuleRow struct {
	ID              *string       `json:"id"`
	Name            NullString    `json:"name"`
	SourceDirectory NullString    `json:"sourceDirectory"`
	TargetDirectory NullString    `json:"targetDirectory"`
	Priority        *int64        `json:"priority"`
	Editable        *bool         `json:"editable"`
	ObjectMappings  []RuleMapping `json:"objectMappings"`
}

// RuleMapping maps a source object type to a target object type.
type RuleMapping struct {
	Source  NullString `json:"source"`
	Target  NullString `json:"target"`
	Enabled *bool      `json:"enabled"`
}

// NewJobDetail builds a job's output from Graph's job.
func NewJobDetail(j *graph.SynchronizationJob) JobDetail {
	d := JobDetail{ID: NullString(j.ID), TemplateID: NullString(j.TemplateID)}
	if sc := j.Schedule; sc != nil {
		d.Schedule = &JobSchedule{State: NullString(sc.State), Interval: NullString(sc.Interval), Expiration: graphTime(sc.Expiration)}
	}
	st := j.Status
	if st == nil {
		return d
	}
	d.Status = NullString(st.Code)
	d.SuccessiveFailures = int64(st.CountSuccessiveCompleteFailures)
	d.SteadyStateFirst = graphTime(st.SteadyStateFirstAchievedTime)
	d.SteadyStateLast = graphTime(st.SteadyStateLastAchievedTime)
	d.TroubleshootingURL = NullString(st.TroubleshootingURL)
	if e := st.LastExecution; e != nil {
		d.LastExecution = &JobExecution{
			State: NullString(e.State),
			Began: graphTime(e.TimeBegan),
			Ended: graphTime(e.TimeEnded),
			Counts: Counts{
				Imported: int64(e.CountImported),
				Exported: int64(e.CountExported),
				Escrowed: int64(e.CountEscrowed),
				Entitled: int64(e.CountEntitled),
			},
			Error: newJobError(e.Error),
		}
	}
	if q := st.Quarantine; q != nil {
		d.Quarantine = &JobQuarantine{
			Reason:      NullString(q.Reason),
			Since:       graphTime(q.CurrentBegan),
			SeriesBegan: graphTime(q.SeriesBegan),
			SeriesCount: int64(q.SeriesCount),
			NextAttempt: graphTime(q.NextAttempt),
			Error:       newJobError(q.Error),
		}
	}
	return d
}

// NewJobDetails builds the output of `job list` (never null).
func NewJobDetails(jobs []graph.SynchronizationJob) []JobDetail {
	out := make([]JobDetail, 0, len(jobs))
	for i := range jobs {
		out = append(out, NewJobDetail(&jobs[i]))
	}
	return out
}

// NewRuleRows builds the output of `job rules` (never null).
func NewRuleRows(rules []Rule) []RuleRow {
	out := make([]RuleRow, 0, len(rules))
	for _, r := range rules {
		row := RuleRow{
			ID:              r.ID,
			Name:            NullString(r.Name),
			SourceDirectory: NullString(r.SourceDirectoryName),
			TargetDirectory: NullString(r.TargetDirectoryName),
			Editable:        r.Editable,
			ObjectMappings:  make([]RuleMapping, 0, len(r.ObjectMappings)),
		}
		if r.Priority != nil {
			p := int64(*r.Priority)
			row.Priority = &p
		}
		for _, m := range r.ObjectMappings {
			row.ObjectMappings = append(row.ObjectMappings, RuleMapping{
				Source: NullString(m.SourceObjectName), Target: NullString(m.TargetObjectName), Enabled: m.Enabled,
			})
		}
		out = append(out, row)
	}
	return out
}

func newJobError(e *graph.SyncError) *JobError {
	if !e.IsError() {
		return nil
	}
	return &JobError{Code: NullString(e.Code), Message: NullString(e.Message), TenantActionable: e.TenantActionable}
}

func graphTime(t graph.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return timePtr(t.UTC())
}
