package output

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// closingPipe accepts limit bytes, then fails every write the way stdout
// does once `head -c limit` has exited (EPIPE).
type closingPipe struct {
	mu      sync.Mutex
	limit   int
	written int
	fails   int
}

func (w *closingPipe) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written+len(p) > w.limit {
		w.fails++
		return 0, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	}
	w.written += len(p)
	return len(p), nil
}

// printJQWithin runs --jq expr on jqData and fails the test if it has not
// returned within d.
func printJQWithin(t *testing.T, ctx context.Context, s *Streams, expr string, d time.Duration, tune func(*Printer)) error {
	t.Helper()
	p, err := NewPrinter(s, JSON, expr)
	if err != nil {
		t.Fatal(err)
	}
	if tune != nil {
		tune(p)
	}
	done := make(chan error, 1)
	go func() { done <- p.PrintContext(ctx, jqData, nil) }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("--jq %s still running after %s", expr, d)
		return nil
	}
}

func TestJQStreamsUntilPipeCloses(t *testing.T) {
	// `--jq 'repeat(1)' | head -c 100`: results must reach the pipe as they
	// come, and the first failed write must end the filter.
	for _, expr := range []string{"repeat(1)", `repeat("y")`, "range(1e15)"} {
		t.Run(expr, func(t *testing.T) {
			s, _, _ := Test()
			w := &closingPipe{limit: 100}
			s.Out = w
			err := printJQWithin(t, context.Background(), s, expr, 10*time.Second, nil)
			if !IsBrokenPipe(err) {
				t.Fatalf("error = %v, want a broken pipe", err)
			}
			if w.fails != 1 {
				t.Errorf("%d failed writes, want the filter to stop at the first", w.fails)
			}
			if w.written == 0 {
				t.Error("nothing was written before the pipe closed: results are not streamed")
			}
		})
	}
}

func TestJQWritesEachResultAsItComes(t *testing.T) {
	// A reader sees the first results while the filter is still running.
	s, _, _ := Test()
	out := &syncBuffer{}
	s.Out = out
	p, err := NewPrinter(s, JSON, `"first", (range(1e15) | empty)`)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.PrintContext(ctx, jqData, nil) }()
	deadline := time.Now().Add(10 * time.Second)
	for out.String() != "first\n" {
		if time.Now().After(deadline) {
			t.Fatalf("first result not written while the filter runs; stdout = %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestJQCancelStopsFiltersWithoutOutput(t *testing.T) {
	// Ctrl-C must end filters that never yield a result.
	for _, expr := range []string{"def f: f; f", "[range(1e9)]", "last(repeat(1))", `[limit(1e9; repeat("x"))] | length`} {
		t.Run(expr, func(t *testing.T) {
			s, out, _ := Test()
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			err := printJQWithin(t, ctx, s, expr, 10*time.Second, nil)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error = %v, want context.Canceled", err)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %q", out)
			}
		})
	}
}

func TestJQAlreadyCancelled(t *testing.T) {
	s, out, _ := Test()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := printJQWithin(t, ctx, s, "def f: f; f", 10*time.Second, nil)
	if !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("error = %v, stdout = %q; want context.Canceled and nothing", err, out)
	}
}

func TestJQMemoryGuard(t *testing.T) {
	// A filter building a huge value is stopped before it eats the
	// machine, with an error that says why (not an interruption). Each
	// element here is 1 KiB, so the guard trips quickly even under -race;
	// `[range(1e9)]` is the same case, only slower to fill.
	const expr = `[range(1e9) | "x" * 1024]`
	s, out, _ := Test()
	err := printJQWithin(t, context.Background(), s, expr, 60*time.Second, func(p *Printer) { p.memoryLimit = 32 << 20 })
	if !errors.Is(err, errJQMemory) || errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want the memory guard's", err)
	}
	if want := "--jq " + strconv.Quote(expr) + ": stopped: the filter needs too much memory (over 32 MiB)"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q", out)
	}
}

func TestJQGuardLeavesNormalFiltersAlone(t *testing.T) {
	s, out, _ := Test()
	err := printJQWithin(t, context.Background(), s, "[range(1000)] | length", 10*time.Second, nil)
	if err != nil || out.String() != "1000\n" {
		t.Errorf("stdout = %q, err = %v", out, err)
	}
}

func TestIsBrokenPipe(t *testing.T) {
	if IsBrokenPipe(errors.New("disk full")) || IsBrokenPipe(nil) {
		t.Error("IsBrokenPipe is true for other errors")
	}
	if !IsBrokenPipe(&fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}) {
		t.Error("IsBrokenPipe is false for EPIPE")
	}
}

func TestJQJSONLStopsAtClosedPipe(t *testing.T) {
	// `provctl … -o jsonl --jq . | head -c 100` on a long list: the first
	// failed write ends the run over the elements.
	s, _, _ := Test()
	w := &closingPipe{limit: 100}
	s.Out = w
	p, err := NewPrinter(s, JSONL, ".")
	if err != nil {
		t.Fatal(err)
	}
	list := make([]int, 10000)
	if err := p.Print(list, nil); !IsBrokenPipe(err) {
		t.Fatalf("error = %v, want a broken pipe", err)
	}
	if w.fails != 1 || w.written != 100 {
		t.Errorf("%d failed writes after %d bytes, want 1 after 100", w.fails, w.written)
	}
}
