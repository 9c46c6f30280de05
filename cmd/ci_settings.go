package cmd

import (
	"fmt"
	"strconv"
	"time"

	"github.com/provctl/provctl/internal/output"
)

// Bounds of PROVCTL_HEARTBEAT: a line a second at most, and at least one an
// hour (CIs end steps that stay silent for long).
const (
	minHeartbeat = time.Second
	maxHeartbeat = time.Hour
)

// resolveCISettings reads skipped-ok (PROVCTL_SKIPPED_OK, or --skipped-ok
// where the command has it) and heartbeat (PROVCTL_HEARTBEAT) into s.
func resolveCISettings(v *layeredConfig, s *Settings) error {
	if raw := v.GetString("skipped-ok"); raw != "" {
		ok, err := strconv.ParseBool(raw)
		if err != nil {
			return usageErr(fmt.Errorf("invalid %s %q: use true or false", s.Source("skipped-ok"), raw))
		}
		s.SkippedOK = ok
	}
	s.Heartbeat = output.DefaultHeartbeat
	if raw := v.GetString("heartbeat"); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d < minHeartbeat || d > maxHeartbeat {
			return usageErr(fmt.Errorf("invalid %s %q: use a duration from 1s to 1h, such as 30s", s.Source("heartbeat"), raw))
		}
		s.Heartbeat = d
	}
	return nil
}
