package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/provctl/provctl/internal/graph"
)

// Service runs provisioning operations against one Graph client.
type Service struct {
	Graph GraphAPI
	// Cache, when set, remembers resolved names across commands.
	Cache ResolveCache

	mu          sync.Mutex
	knownJobs   map[string]bool // jobs confirmed to exist, "sp/job"
	applyAbsent bool            // Graph answered 404/400 for an apply. resource
}

// GraphAPI is the Graph endpoints provision uses; *graph.Client implements
// it. Ids reach it validated (checkID), and its errors are graph's own
// (*graph.Error, *graph.DecodeError, …), which Service wraps with context.
type GraphAPI interface {
	// Synchronization jobs of a service principal.
	ListJobs(ctx context.Context, spID string) ([]graph.SynchronizationJob, error)
	GetJob(ctx context.Context, spID, jobID string) (*graph.SynchronizationJob, error)
	GetApplyResource(ctx context.Context, spID, jobID string) (*graph.ApplyResource, error)
	GetSchema(ctx context.Context, spID, jobID string) (*graph.Schema, error)
	StartJob(ctx context.Context, spID, jobID string) error
	PauseJob(ctx context.Context, spID, jobID string) error
	RestartJob(ctx context.Context, spID, jobID, resetScope string) error
	ProvisionOnDemand(ctx context.Context, spID, jobID string, req graph.OnDemandRequest) (*graph.OnDemandResponse, error)

	// Directory objects.
	GetServicePrincipal(ctx context.Context, id string) (*graph.ServicePrincipal, error)
	ServicePrincipalsByAppID(ctx context.Context, appID string, limit int) ([]graph.ServicePrincipal, error)
	ServicePrincipalsByName(ctx context.Context, name string, limit int) ([]graph.ServicePrincipal, error)
	ServicePrincipalsByPrefix(ctx context.Context, prefix string, limit int) ([]graph.ServicePrincipal, error)
	GetUser(ctx context.Context, id string) (*graph.DirectoryObject, error)
	UsersByUPN(ctx context.Context, upn string, limit int) ([]graph.DirectoryObject, error)
	GetGroup(ctx context.Context, id string) (*graph.DirectoryObject, error)
	GroupsByName(ctx context.Context, name string, limit int) ([]graph.DirectoryObject, error)
	UsersWhereIn(ctx context.Context, by graph.UserLookup, values []string) ([]graph.DirectoryObject, error)
	GroupUsers(ctx context.Context, groupID string, transitive bool) ([]graph.DirectoryObject, error)
	AppRoleAssignedTo(ctx context.Context, spID string) ([]graph.AppRoleAssignment, error)

	// Provisioning logs.
	ProvisioningLogs(ctx context.Context, q graph.ProvisioningLogQuery) ([]graph.ProvisioningObjectSummary, []json.RawMessage, error)
}

var _ GraphAPI = (*graph.Client)(nil)

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
