package provision

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// Bounds of `provision logs --summary`: it reads every entry of the period,
// newest first, up to a cap, so that a summary of a busy month ends.
const (
	DefaultSummaryLimit = 10000
	MaxSummaryLimit     = 40000
	summaryPageSize     = 500
	// summaryTopReasons is how many rows topErrors and topSkipReasons hold.
	summaryTopReasons = 10
)

// LogSummary counts the provisioning-log entries of a period (`provision
// logs --summary`). Its JSON field names are a contract (docs/output.md).
type LogSummary struct {
	Since *time.Time `json:"since"` // the period asked for; null when open
	Until *time.Time `json:"until"`
	// Entries is how many entries were counted; Truncated says the period
	// held more than the cap, so only the newest Entries were read.
	Entries   int            `json:"entries"`
	Truncated bool           `json:"truncated"`
	Oldest    *time.Time     `json:"oldest"` // activityDateTime of the oldest entry counted
	Newest    *time.Time     `json:"newest"`
	ByState   StateCounts    `json:"byState"`
	ByAction  map[string]int `json:"byAction"`
	// TopErrors are the most frequent reasons of failures and warnings;
	// TopSkipReasons those of skipped entries.
	TopErrors      []ReasonCount `json:"topErrors"`
	TopSkipReasons []ReasonCount `json:"topSkipReasons"`
	Cycles         []CycleTotal  `json:"cycles"`
}

// StateCounts counts entries by Outcome state; every state is present.
type StateCounts struct {
	Success int `json:"success"`
	Warning int `json:"warning"`
	Skipped int `json:"skipped"`
	Failure int `json:"failure"`
	// Pending counts entries that said nothing of their outcome.
	Pending int `json:"pending"`
}

// ReasonCount is one reason code and how often it was met.
type ReasonCount struct {
	State State      `json:"state"`
	Code  NullString `json:"code"`
	Count int        `json:"count"`
	// Message is the newest entry's message for this code; LastSeen its
	// activityDateTime.
	Message  NullString `json:"message"`
	LastSeen *time.Time `json:"lastSeen"`
}

// CycleTotal counts the entries of one provisioning cycle (cycleId).
type CycleTotal struct {
	CycleID NullString  `json:"cycleId"`
	JobID   NullString  `json:"jobId"`
	Entries int         `json:"entries"`
	ByState StateCounts `json:"byState"`
	First   *time.Time  `json:"first"`
	Last    *time.Time  `json:"last"`
}

// SummaryRequest is what `provision logs --summary` counts.
type SummaryRequest struct {
	// Query holds the filters and the period (Since/Until); paging is set
	// by SummarizeLogs.
	Query        LogQuery
	Since, Until time.Time // the period as asked, for the answer (zero: open)
	// Limit caps the entries read (default DefaultSummaryLimit).
	Limit int
}

// SummarizeLogs reads the entries of the period, newest first, up to the
// cap, and counts them.
func (s *Service) SummarizeLogs(ctx context.Context, r SummaryRequest) (*LogSummary, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = DefaultSummaryLimit
	}
	if limit > MaxSummaryLimit {
		return nil, usagef("a summary reads at most %d entries, not %d", MaxSummaryLimit, limit)
	}
	q := r.Query
	q.Top, q.Limit = min(summaryPageSize, limit+1), limit+1
	entries, raws, err := s.Logs(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read provisioning logs: %w", err)
	}
	truncated := len(entries) > limit
	if truncated {
		entries, raws = entries[:limit], raws[:limit]
	}
	sum := SummarizeEntries(entries, raws)
	sum.Truncated = truncated
	sum.Since, sum.Until = timePtr(r.Since), timePtr(r.Until)
	return sum, nil
}

// SummarizeEntries counts entries (raws[i] is entries[i] as received).
func SummarizeEntries(entries []graph.ProvisioningObjectSummary, raws []json.RawMessage) *LogSummary {
	sum := &LogSummary{ByAction: map[string]int{}, TopErrors: []ReasonCount{}, TopSkipReasons: []ReasonCount{}, Cycles: []CycleTotal{}}
	type reasonKey struct {
		state State
		code  NullString
	}
	reasons := map[reasonKey]*ReasonCount{}
	cycles := map[string]*CycleTotal{}
	for i := range entries {
		e := &entries[i]
		var raw json.RawMessage
		if i < len(raws) {
			raw = raws[i]
		}
		o := FromLog("", e, raw)
		at := o.StartedAt
		sum.Entries++
		if at != nil {
			if sum.Oldest == nil || at.Before(*sum.Oldest) {
				sum.Oldest = at
			}
			if sum.Newest == nil || at.After(*sum.Newest) {
				sum.Newest = at
			}
		}
		sum.ByState.add(o.State)
		sum.ByAction[cmp.Or(o.Action.String(), "unknown")]++

		if o.State != StateSuccess && o.State != StatePending {
			k := reasonKey{state: o.State}
			var msg NullString
			if o.Reason != nil {
				k.code, msg = o.Reason.Code, o.Reason.Message
			}
			rc := reasons[k]
			if rc == nil {
				rc = &ReasonCount{State: k.state, Code: k.code}
				reasons[k] = rc
			}
			rc.Count++
			newer := rc.LastSeen == nil || (at != nil && at.After(*rc.LastSeen))
			if newer && at != nil {
				rc.LastSeen = at
			}
			// The sample is the newest message, but any message beats none.
			if msg != "" && (newer || rc.Message == "") {
				rc.Message = msg
			}
		}

		c := cycles[e.CycleID]
		if c == nil {
			c = &CycleTotal{CycleID: NullString(e.CycleID), JobID: NullString(e.JobID)}
			cycles[e.CycleID] = c
		}
		c.Entries++
		c.ByState.add(o.State)
		if at != nil {
			if c.First == nil || at.Before(*c.First) {
				c.First = at
			}
			if c.Last == nil || at.After(*c.Last) {
				c.Last = at
			}
		}
	}
	for _, rc := range reasons {
		if rc.State == StateSkipped {
			sum.TopSkipReasons = append(sum.TopSkipReasons, *rc)
		} else {
			sum.TopErrors = append(sum.TopErrors, *rc)
		}
	}
	sum.TopErrors = topReasons(sum.TopErrors)
	sum.TopSkipReasons = topReasons(sum.TopSkipReasons)
	for _, c := range cycles {
		sum.Cycles = append(sum.Cycles, *c)
	}
	// Newest cycle first, as the logs are listed.
	slices.SortFunc(sum.Cycles, func(a, b CycleTotal) int {
		if c := compareTimes(b.Last, a.Last); c != 0 {
			return c
		}
		return cmp.Compare(a.CycleID, b.CycleID)
	})
	return sum
}

// topReasons orders reasons by count, then the most recent first, and
// keeps the first summaryTopReasons.
func topReasons(rs []ReasonCount) []ReasonCount {
	slices.SortFunc(rs, func(a, b ReasonCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if c := compareTimes(b.LastSeen, a.LastSeen); c != 0 {
			return c
		}
		if c := cmp.Compare(a.State, b.State); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	if len(rs) > summaryTopReasons {
		rs = rs[:summaryTopReasons]
	}
	return rs
}

// compareTimes orders times, an unknown one first.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

func (c *StateCounts) add(s State) {
	switch s {
	case StateSuccess:
		c.Success++
	case StateWarning:
		c.Warning++
	case StateSkipped:
		c.Skipped++
	case StateFailure:
		c.Failure++
	default:
		c.Pending++
	}
}
