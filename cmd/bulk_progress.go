package cmd

import (
	"time"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// bulkObserver draws a bulk run's progress on stderr: a live line on a
// terminal, a line per user and a heartbeat in a pipe, nothing with
// --quiet. It starts once the users are resolved (their number known).
type bulkObserver struct {
	streams   *output.Streams
	quiet     bool
	heartbeat time.Duration // 0: the default
	p         output.BulkProgress
}

func newBulkObserver(streams *output.Streams, quiet bool) *bulkObserver {
	return &bulkObserver{streams: streams, quiet: quiet}
}

func bulkCounts(t provision.Tally) output.BulkCounts {
	return output.BulkCounts{Done: t.Done, Total: t.Total, Success: t.Success, Warning: t.Warning,
		Skipped: t.Skipped, Failed: t.Failed, Pending: t.Pending}
}

func (b *bulkObserver) Started(t provision.Tally) {
	b.p = output.NewBulkProgress(b.streams, t.Total, output.BulkProgressOptions{Quiet: b.quiet, Heartbeat: b.heartbeat})
	b.p.Set(bulkCounts(t), 0)
}

func (b *bulkObserver) Sent(t provision.Tally, eta time.Duration) {
	if b.p != nil {
		b.p.Set(bulkCounts(t), eta)
	}
}

func (b *bulkObserver) Finished(o *provision.Outcome, t provision.Tally) {
	if b.p == nil {
		return
	}
	b.p.Item(bulkSubjectName(o), string(o.State), reasonText(o.Reason), bulkCounts(t))
}

func (b *bulkObserver) Note(format string, a ...any) {
	if b.p != nil {
		b.p.Warnf(format, a...)
		return
	}
	b.streams.Warnf(format, a...)
}

func (b *bulkObserver) stop() {
	if b.p != nil {
		b.p.Stop()
	}
}
