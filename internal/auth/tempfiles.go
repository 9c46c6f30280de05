package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempPrefix is the CreateTemp pattern of name's temporary files.
func tempPrefix(name string) string { return "." + name + ".*.tmp" }

// tempFiles lists the temporary files interrupted writes of name left in
// dir (the cache's hold tokens).
func tempFiles(dir, name string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	prefix := "." + name + "."
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".tmp") && !e.IsDir() {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out, nil
}

// removeTemps deletes the cache's leftover temporary files, under the
// exclusive lock so that a write in progress in another process is not cut.
func (c *fileCache) removeTemps(ctx context.Context) error {
	dir := filepath.Dir(c.path)
	if left, err := tempFiles(dir, cacheFileName); err != nil || len(left) == 0 {
		return err
	}
	unlock, err := c.lock(ctx, true)
	var lockErr *lockError
	switch {
	case err == nil:
		defer unlock()
	case errors.As(err, &lockErr) || ctx.Err() != nil:
		return err
	} // no lock file possible (read-only folder): then nothing writes either
	left, err := tempFiles(dir, cacheFileName)
	for _, p := range left {
		if err == nil {
			err = removeIfExists(p)
		}
	}
	if err != nil {
		return fmt.Errorf("removing temporary token cache files: %w", err)
	}
	return nil
}
