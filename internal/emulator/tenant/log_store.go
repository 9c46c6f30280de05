package tenant

import (
	"time"
)

// logRecord is one stored provisioning-log entry: its current (v1.0) wire
// shape, when it happened, and from when GET /auditLogs/provisioning shows
// it (real tenants publish on-demand entries with a delay).
type logRecord struct {
	entry     map[string]any
	at        time.Time
	visibleAt time.Time // zero: at once
}

// appendLog stores r's entry, visible after lag. Call with d.mu held.
func (d *Directory) appendLog(r *Result, by initiator, now time.Time, lag time.Duration) map[string]any {
	e := r.logEntry(d.tenant.TenantID, by)
	rec := logRecord{entry: e, at: r.start}
	if lag > 0 {
		rec.visibleAt = now.Add(lag)
	}
	d.logs = append(d.logs, rec)
	return e
}

// visible reports whether the entry has been published at now.
func (rec logRecord) visible(now time.Time) bool {
	return rec.visibleAt.IsZero() || !now.Before(rec.visibleAt)
}
