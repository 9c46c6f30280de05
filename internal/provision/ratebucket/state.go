package ratebucket

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// state is the file's content, shared by every process using the key.
type state struct {
	Limit     int     `json:"limit"`
	WindowMs  int64   `json:"windowMs"`
	Sent      []int64 `json:"sent"`      // unix nanoseconds, sorted
	HoldUntil int64   `json:"holdUntil"` // unix nanoseconds; 0: none
}

// maxStateSize caps what is read: a sane file holds a few entries.
const maxStateSize = 1 << 20

// load reads the state and drops what no longer matters at now. A missing,
// unreadable or corrupt file is treated as empty: the worst case is one
// burst over the limit, never a crash or a permanent block.
func (b *Bucket) load(now time.Time) *state {
	st := &state{}
	if data, err := readCapped(b.path); err != nil || json.Unmarshal(data, st) != nil {
		st = &state{}
	}
	n := now.UnixNano()
	w := int64(b.window + b.margin)
	kept := st.Sent[:0]
	for _, t := range st.Sent {
		// Older than the window: gone. More than a window ahead: the clock
		// went back, and keeping it could block for as long.
		if n-t < w && t-n <= int64(b.window) {
			kept = append(kept, t)
		}
	}
	slices.Sort(kept)
	st.Sent = kept
	if st.HoldUntil <= n || st.HoldUntil-n > int64(maxHold) {
		st.HoldUntil = 0
	}
	// The caller's rate wins over whatever another version wrote.
	st.Limit, st.WindowMs = b.limit, b.window.Milliseconds()
	return st
}

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateSize+1))
	if err == nil && len(data) > maxStateSize {
		err = errors.New("state file too large")
	}
	return data, err
}

// store replaces the state file atomically (temp file, fsync, rename), so
// a reader or a crash never sees half a file.
func (b *Bucket) store(st *state) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	dir, name := filepath.Split(b.path)
	tmp, err := os.CreateTemp(dir, name+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("ratebucket: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), b.path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("ratebucket: writing %s: %w", b.path, err)
	}
	return nil
}
