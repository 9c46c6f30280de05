package resolvecache

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"
)

const (
	helperDirEnv  = "RESOLVECACHE_HELPER_DIR"
	helperNameEnv = "RESOLVECACHE_HELPER_NAME"
)

// TestHelperWriter is the child side of TestTwoProcesses: it does nothing
// unless the parent set helperDirEnv.
func TestHelperWriter(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	c := openPatient(t, dir)
	if err := putMany(c, os.Getenv(helperNameEnv)); err != nil {
		t.Fatal(err)
	}
}

// Two processes write 50 entries each into one file at once: all 100 are
// there afterwards and the file parses.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	mustNil(t, err)
	dir := t.TempDir()
	writers := []string{"proc-a", "proc-b"}
	var wg sync.WaitGroup
	for _, w := range writers {
		cmd := exec.Command(exe, "-test.run=^TestHelperWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperDirEnv+"="+dir, helperNameEnv+"="+w)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		mustNil(t, cmd.Start())
		wg.Go(func() {
			if err := cmd.Wait(); err != nil {
				t.Errorf("%s: %v\n%s", w, err, out.String())
			}
		})
	}
	wg.Wait()
	checkAll(t, dir, writers...)
}
