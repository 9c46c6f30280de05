package output

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"time"
)

// defaultJQMemoryLimit is how far the heap may grow while a --jq filter runs:
// far more than filtering any Graph answer takes, far less than
// `[range(1e9)]` would take before the machine starts swapping.
const defaultJQMemoryLimit = 1 << 30

// jqMemoryPoll is how often the guard looks at the heap.
const jqMemoryPoll = 20 * time.Millisecond

// errJQMemory is the cause given when the guard stops a filter.
var errJQMemory = errors.New("stopped: the filter needs too much memory")

// heapMetric counts the bytes of heap objects, kept up to date as memory
// is allocated (unlike the live-heap figure, which changes only at a GC).
const heapMetric = "/memory/classes/heap/objects:bytes"

func (p *Printer) jqMemoryLimit() uint64 {
	if p.memoryLimit > 0 {
		return p.memoryLimit
	}
	return defaultJQMemoryLimit
}

// guardMemory returns a context that is cancelled with errJQMemory once the
// heap has grown more than limit bytes; gojq checks the context between its
// steps, so a runaway filter stops. A single native call (one huge string)
// is only stopped once it returns. Call stop when the filter is done.
func guardMemory(ctx context.Context, limit uint64) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	base := heapBytes()
	go func() {
		tick := time.NewTicker(jqMemoryPoll)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if h := heapBytes(); h > base && h-base > limit {
					cancel(fmt.Errorf("%w (over %d MiB)", errJQMemory, limit>>20))
					return
				}
			}
		}
	}()
	return ctx, func() { cancel(nil) }
}

// heapBytes reads heapMetric; 0 if the runtime does not offer it.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
