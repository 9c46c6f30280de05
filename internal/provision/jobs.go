package provision

import (
	"context"
	"fmt"
	"strings"

	"github.com/provctl/provctl/internal/graph"
)

// GetJob reads one synchronization job.
func (s *Service) GetJob(ctx context.Context, spID, jobID string) (*graph.SynchronizationJob, error) {
	if err := checkID("service principal id", spID); err != nil {
		return nil, err
	}
	if err := checkID("job id", jobID); err != nil {
		return nil, err
	}
	j, err := s.Graph.GetJob(ctx, spID, jobID)
	if err != nil {
		return nil, fmt.Errorf("get job %s: %w", jobID, err)
	}
	return j, nil
}

// JobAction is a job control verb.
type JobAction string

// Job control verbs (each answers 204).
const (
	JobStart   JobAction = "start"
	JobPause   JobAction = "pause"
	JobRestart JobAction = "restart"
)

// resetScopes are the documented restart criteria; None and
// ConnectorDataStore are marked "do not use" by Microsoft.
var resetScopes = []string{"Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes"}

// ParseResetScope validates a comma-separated --reset-scope.
func ParseResetScope(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		ok := false
		for _, v := range resetScopes {
			if strings.EqualFold(v, part) {
				out = append(out, v)
				ok = true
			}
		}
		if !ok {
			return "", usagef("invalid --reset-scope %q: use a comma-separated list of %s", part, strings.Join(resetScopes, ", "))
		}
	}
	return strings.Join(out, ", "), nil
}

// ControlJob starts, pauses or restarts a job.
func (s *Service) ControlJob(ctx context.Context, spID, jobID string, action JobAction, resetScope string) error {
	if err := checkID("service principal id", spID); err != nil {
		return err
	}
	if err := checkID("job id", jobID); err != nil {
		return err
	}
	var err error
	switch action {
	case JobStart:
		err = s.Graph.StartJob(ctx, spID, jobID)
	case JobPause:
		err = s.Graph.PauseJob(ctx, spID, jobID)
	case JobRestart:
		err = s.Graph.RestartJob(ctx, spID, jobID, resetScope)
	default:
		return usagef("unknown job action %q: use start, pause or restart", action)
	}
	if err != nil {
		return fmt.Errorf("%s job %s: %w", action, jobID, err)
	}
	return nil
}
