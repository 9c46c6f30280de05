package graph

import (
	"bytes"
	"encoding/json"
)

// UnmarshalJSON decodes a status; an execution whose times are both "never"
// decodes as nil. Graph reports a job that never ran (code NotRun) with
// lastExecution {state: "Failed", timeBegan and timeEnded
// 0001-01-01T00:00:00Z, error.code "None", counts 0}: that is no execution,
// and must not read as a failed one (nor show as one with -o json).
func (s *SynchronizationStatus) UnmarshalJSON(b []byte) error {
	type plain SynchronizationStatus
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var times struct {
		LastExecution                      executionTimes `json:"lastExecution"`
		LastSuccessfulExecution            executionTimes `json:"lastSuccessfulExecution"`
		LastSuccessfulExecutionWithExports executionTimes `json:"lastSuccessfulExecutionWithExports"`
	}
	// It decoded as a status above, so this cannot fail on the whole;
	// a field of another shape just leaves its times unknown (not never).
	_ = json.Unmarshal(b, &times)
	*s = SynchronizationStatus(p)
	for _, e := range []struct {
		exec  **TaskExecution
		times executionTimes
	}{
		{&s.LastExecution, times.LastExecution},
		{&s.LastSuccessfulExecution, times.LastSuccessfulExecution},
		{&s.LastSuccessfulExecutionWithExports, times.LastSuccessfulExecutionWithExports},
	} {
		if *e.exec != nil && e.times.never() {
			*e.exec = nil
		}
	}
	return nil
}

// executionTimes holds an execution's two times as sent.
type executionTimes struct {
	TimeBegan json.RawMessage `json:"timeBegan"`
	TimeEnded json.RawMessage `json:"timeEnded"`
}

// never reports whether both times say "never": absent, null, "" or
// 0001-01-01. An unreadable time is not "never": it may hide a real run.
func (t executionTimes) never() bool {
	return isNeverTime(t.TimeBegan) && isNeverTime(t.TimeEnded)
}

func isNeverTime(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false
	}
	v, err := ParseTime(s)
	return err == nil && v.IsZero()
}
