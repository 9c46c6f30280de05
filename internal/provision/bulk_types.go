package provision

import (
	"context"
	"time"
)

// SubjectRef is one user to provision as it was given: a --user value, a
// line of --from, or a member of --members-of.
type SubjectRef struct {
	Ref string
	// Kind is "id", "upn", "mail" or "dn"; empty means guessed from Ref
	// (an object id, a distinguished name, else a user principal name).
	Kind string
	// Origin says where it came from, for messages: "--user",
	// "users.txt:12", "--members-of Sales".
	Origin string
}

// Request is what an Outcome of `provision run` was asked for; scripts
// join it to their input, and --resume reads it back. Nil for outcomes
// not produced by a request (poll, logs).
type Request struct {
	// Ref is the subject as given (UPN, object id, …).
	Ref string `json:"ref"`
	// ID is the object id sent to Graph.
	ID string `json:"id"`
	// Origin is where the subject came from ("users.txt:12").
	Origin string `json:"origin"`
	// SentAt is when Graph received the request, on Graph's clock; null
	// when it was never sent (the failure happened before).
	SentAt *time.Time `json:"sentAt"`
}

// Pacer spaces provisionOnDemand requests: Pacing within one process, or
// a bucket shared by every provctl process of the user.
type Pacer interface {
	Wait(ctx context.Context) error
}

// Journal records each outcome as it completes (--results): Append must
// not return before the line is on disk.
type Journal interface {
	Append(v any) error
}

// Prior is what an earlier run recorded for a subject (--resume).
type Prior struct {
	JobID    string // the job the record is of: only the run's own count
	State    State
	SentAt   time.Time // zero when unknown
	ChangeID string
	Line     int
}

// PriorRuns answers, for a subject, the last outcome a journal holds.
type PriorRuns interface {
	Lookup(id, ref string) (Prior, bool)
}

// Tally counts a bulk run's subjects as they complete.
type Tally struct {
	Total   int `json:"total"`   // subjects to do in this run
	Done    int `json:"done"`    // completed (any state)
	Success int `json:"success"` // success
	Warning int `json:"warning"`
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	Pending int `json:"pending"`
	// Resumed were final in the --resume journal and not sent again.
	Resumed int `json:"resumed"`
	// Unknown are users not found in the directory (not sent).
	Unknown int `json:"unknown"`
	// NotSent were still to send when the run stopped (timeout,
	// interrupt, --max-failures, an error).
	NotSent int `json:"notSent"`
}

func (t *Tally) add(s State) {
	t.Done++
	switch s {
	case StateSuccess:
		t.Success++
	case StateWarning:
		t.Warning++
	case StateSkipped:
		t.Skipped++
	case StateFailure:
		t.Failed++
	default:
		t.Pending++
	}
}

// BulkObserver hears about a bulk run as it goes (progress on stderr).
// Calls come from one goroutine at a time.
type BulkObserver interface {
	// Started: the subjects are resolved and the first request is due.
	Started(t Tally)
	// Sent: a request was answered; eta is when the last request is due.
	Sent(t Tally, eta time.Duration)
	// Finished: a subject's outcome is final or given up on.
	Finished(o *Outcome, t Tally)
	// Note: something to tell the user without breaking a live line.
	Note(format string, a ...any)
}
