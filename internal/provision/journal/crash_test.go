//go:build unix

package journal

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const crashEnv = "JOURNAL_CRASH_HELPER_PATH"

type crashRecord struct {
	State   string   `json:"state"`
	Subject *subject `json:"subject"`
	Pad     string   `json:"pad"`
	Sum     string   `json:"sum"` // of Pad: a spliced line would not match
}

func padSum(pad string) string {
	s := sha256.Sum256([]byte(pad))
	return hex.EncodeToString(s[:8])
}

// TestHelperAppender is the child of TestCrashLeavesWholeLines: it
// appends until killed. It does nothing unless crashEnv is set.
func TestHelperAppender(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	w, _, err := Open(path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		// Lines of varying size, some large, to make a cut mid-write likely.
		pad := strings.Repeat(string(rune('a'+i%26)), (i%7)*40000+i%97)
		if err := w.Append(crashRecord{State: "success", Subject: &subject{ID: fmt.Sprint("s", i)}, Pad: pad, Sum: padSum(pad)}); err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		if i == 20 {
			fmt.Println("READY")
		}
	}
}

// A process killed with SIGKILL while appending leaves a journal that
// reads without error, with only whole lines; Open then repairs it.
func TestCrashLeavesWholeLines(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := tempPath(t)
	cmd := exec.Command(exe, "-test.run=^TestHelperAppender$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY") || strings.HasPrefix(sc.Text(), "ERR") {
				ready <- sc.Text()
				return
			}
		}
		ready <- "child ended"
	}()
	select {
	case msg := <-ready:
		if msg != "READY" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("child: %s", msg)
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatal("child never got ready")
	}
	time.Sleep(50 * time.Millisecond) // let it be mid-write, probably
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	r, err := Read(path)
	if err != nil {
		t.Fatalf("Read after kill: %v", err)
	}
	if r.Lines < 21 {
		t.Errorf("only %d lines read", r.Lines)
	}
	checkWholeLines(t, path, r.Lines)

	// Open cuts a torn tail (if the kill left one), and the file then reads clean.
	w, rep, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	if (rep == nil) != (r.Torn == nil) || (rep != nil && *rep != *r.Torn) {
		t.Errorf("Open repair %v, Read torn %v", rep, r.Torn)
	}
	r2 := mustRead(t, path)
	if r2.Torn != nil || r2.Lines != r.Lines {
		t.Errorf("after repair: Torn %v Lines %d, want %d", r2.Torn, r2.Lines, r.Lines)
	}
	t.Logf("%d whole lines, torn tail: %v", r.Lines, r.Torn)
}

// checkWholeLines verifies every newline-terminated line is one intact record.
func checkWholeLines(t *testing.T, path string, want int) {
	t.Helper()
	content := readFile(t, path)
	whole := strings.Split(content[:strings.LastIndexByte(content, '\n')+1], "\n")
	whole = whole[:len(whole)-1]
	for i, l := range whole {
		var rec crashRecord
		if err := json.Unmarshal([]byte(l), &rec); err != nil || padSum(rec.Pad) != rec.Sum || rec.Subject.ID != fmt.Sprint("s", i) {
			t.Fatalf("line %d is not a whole record (%v): %.80q", i+1, err, l)
		}
	}
	if len(whole) != want {
		t.Errorf("%d whole lines on disk, Read counted %d", len(whole), want)
	}
}
