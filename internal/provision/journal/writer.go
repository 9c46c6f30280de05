// Package journal records bulk provisioning outcomes as JSON lines
// (--results) and reads them back to skip finished subjects (--resume).
// Each line is written whole and fsynced before the next request, and a
// torn last line left by a crash is detected and dropped.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/gofrs/flock"
)

// ErrInUse means another process holds the journal open for writing.
var ErrInUse = errors.New("in use by another provctl")

// ErrStdin: a journal must be a file that can be locked, synced and
// read back; "-" (stdin/stdout) is none of those.
var ErrStdin = errors.New(`"-" (stdin) cannot be a journal; give a file path`)

// Writer appends outcomes to a journal. Safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	path string
	f    *os.File
	lock *flock.Flock
	size int64 // end of the last whole line; a failed write is cut back here
	err  error // sticky: once the file may hold half a line, stop writing
}

// Repair says a torn last line was cut off (Open) or ignored (Read).
type Repair struct {
	Line  int   // 1-based line number of the torn line
	Bytes int64 // its length in bytes, newline included if any
}

func (r *Repair) String() string {
	return fmt.Sprintf("line %d (%d bytes)", r.Line, r.Bytes)
}

// Open opens path for appending (created 0600) and locks it so that two
// processes cannot write one journal. A torn last line (a crash mid-write)
// is truncated away and reported, so the caller can warn. The lock is on
// the journal itself: no extra file is left next to the user's results.
func Open(path string) (*Writer, *Repair, error) {
	if path == "-" {
		return nil, nil, ErrStdin
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	syncDir(filepath.Dir(path))
	w, rep, err := open(path, f)
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	return w, rep, nil
}

func open(path string, f *os.File) (*Writer, *Repair, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("journal: %s is not a regular file", path)
	}
	// A separate descriptor: flock locks belong to an open file
	// description, so even a second Open in this process is refused.
	lock := flock.New(path, flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, nil, fmt.Errorf("journal: locking %s: %w", path, err)
	}
	if !ok {
		return nil, nil, fmt.Errorf("%s is %w", path, ErrInUse)
	}
	// Only a journal is appended to: a file of anything else (notes, the
	// --from list given by mistake) is refused, never cut or mixed.
	if _, err := read(bufio.NewReaderSize(f, 64<<10)); err != nil {
		_ = lock.Unlock()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	rep, size, err := repairTail(f)
	if err != nil {
		_ = lock.Unlock()
		return nil, nil, fmt.Errorf("journal: repairing %s: %w", path, err)
	}
	return &Writer{path: path, f: f, lock: lock, size: size}, rep, nil
}

// Append writes v as one compact JSON line in a single write, then fsyncs,
// so the line is on disk before the caller sends the next request.
func (w *Writer) Append(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encode is compact, escapes newlines inside strings (and compacts
	// json.RawMessage), and ends with the one "\n" of the line.
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if buf.Len() > MaxLine {
		return fmt.Errorf("journal: record of %d bytes exceeds %d", buf.Len(), MaxLine)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return fmt.Errorf("journal: %s is closed", w.path)
	}
	n, err := w.f.Write(buf.Bytes())
	if err == nil {
		err = w.f.Sync()
	}
	if err != nil {
		if n > 0 {
			// Cut a partial line back so the next one starts clean.
			if terr := w.f.Truncate(w.size); terr != nil {
				w.err = fmt.Errorf("journal: %s may end in a partial line: %w", w.path, err)
			}
		}
		return fmt.Errorf("journal: writing %s: %w", w.path, err)
	}
	w.size += int64(n)
	return nil
}

// Close closes the file and releases the lock. Safe to call twice.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if uerr := w.lock.Unlock(); err == nil {
		err = uerr
	}
	return err
}

// syncDir makes a newly created journal's name durable along with its
// lines. Best effort: some systems cannot sync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Path is the journal's file name.
func (w *Writer) Path() string { return w.path }
