package ratebucket

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	helperEnv    = "RATEBUCKET_HELPER_DIR"
	procLimit    = 3
	procWindow   = 300 * time.Millisecond
	procChildren = 2
	procSends    = 6
)

// TestHelperWaiter is the child side of TestTwoProcesses: it does nothing
// unless the parent set helperEnv.
func TestHelperWaiter(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	b, err := Open(dir, testKey, procLimit, procWindow)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	for range procSends {
		at, err := b.wait(context.Background())
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println("SENT", at.UnixNano())
	}
}

// Two processes on one job share the budget: no window holds more than
// limit sends, and every send happens.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sent []time.Time
	)
	for i := range procChildren {
		cmd := exec.Command(exe, "-test.run=^TestHelperWaiter$", "-test.count=1", "-test.v=false")
		cmd.Env = append(os.Environ(), helperEnv+"="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			err := cmd.Wait()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("child %d: %v\n%s", i, err, out.String())
				return
			}
			n := 0
			sc := bufio.NewScanner(&out)
			for sc.Scan() {
				ns, ok := strings.CutPrefix(sc.Text(), "SENT ")
				if !ok {
					continue
				}
				v, err := strconv.ParseInt(ns, 10, 64)
				if err != nil {
					t.Errorf("child %d: %q: %v", i, sc.Text(), err)
					continue
				}
				sent = append(sent, time.Unix(0, v))
				n++
			}
			if n != procSends {
				t.Errorf("child %d sent %d, want %d\n%s", i, n, procSends, out.String())
			}
		})
	}
	wg.Wait()
	if want := procChildren * procSends; len(sent) != want {
		t.Fatalf("%d sends, want %d", len(sent), want)
	}
	checkSpacing(t, sent, procLimit, procWindow)
}
