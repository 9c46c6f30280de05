package provision

import (
	"fmt"
	"strings"
	"sync"

	"github.com/provctl/provctl/internal/graph"
)

// Service runs provisioning operations against one Graph client.
type Service struct {
	Graph *graph.Client

	mu        sync.Mutex
	knownJobs map[string]bool // jobs confirmed to exist, "sp/job"
}

// AmbiguousError means a name matched more than one object; cmd maps it to
// the usage exit code, and the message lists the candidates.
type AmbiguousError struct {
	Kind       string   // "service principal", "job", "rule", …
	Ref        string   // what the user typed
	Flag       string   // the flag to disambiguate with, e.g. "--sp"
	Candidates []string // one line each: id and name
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s %q is ambiguous; pass one of these to %s:\n  %s",
		e.Kind, e.Ref, e.Flag, strings.Join(e.Candidates, "\n  "))
}

// NotFoundError means a name or id matched nothing.
type NotFoundError struct {
	Kind, Ref, Hint string
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("no %s matches %q", e.Kind, e.Ref)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// UsageError is bad input detected before anything was sent.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, a ...any) error { return &UsageError{Err: fmt.Errorf(format, a...)} }

// checkID validates an id for a path segment, as a usage error.
func checkID(kind, id string) error {
	if err := graph.ValidateID(kind, id); err != nil {
		return &UsageError{Err: err}
	}
	return nil
}

func syncPath(spID string, segs ...string) string {
	return graph.Path(append([]string{"servicePrincipals", spID, "synchronization"}, segs...)...)
}
