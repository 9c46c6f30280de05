package cmd

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/output"
)

func TestConfirmAnswers(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"y\n", true},
		{"YES\n", true},
		{" yes \r\n", true},
		{"y", true}, // end of input after the answer
		{"n\n", false},
		{"\n", false},
		{"", false}, // end of input: no
		{"yess\n", false},
	}
	for _, tt := range tests {
		s, _, errOut := output.Test()
		s.In = strings.NewReader(tt.in)
		got, err := confirm(context.Background(), s, "Restart job J of Box")
		if err != nil || got != tt.want {
			t.Errorf("answer %q: confirm = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if errOut.String() != "Restart job J of Box? [y/N] " {
			t.Errorf("prompt %q", errOut)
		}
	}
}

func TestConfirmSanitizesQuestion(t *testing.T) {
	s, _, errOut := output.Test()
	s.In = strings.NewReader("n\n")
	if _, err := confirm(context.Background(), s, "Restart job J of Box\x1b[2J\u200b\u202e"); err != nil {
		t.Fatal(err)
	}
	if got, want := errOut.String(), `Restart job J of Box\x1b[2J\u200b\u202e? [y/N] `; got != want {
		t.Errorf("prompt %q, want %q", got, want)
	}
}

// silentStdin is a terminal nobody types at: reads block until closed.
func silentStdin(t *testing.T) io.Reader {
	t.Helper()
	r, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() }) // lets the abandoned read end
	return r
}

func TestConfirmEndsOnCancel(t *testing.T) {
	// Ctrl-C or SIGTERM at the prompt: it must end at once, not wait for
	// a line that never comes.
	s, _, errOut := output.Test()
	s.In = silentStdin(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		ok, err := confirm(ctx, s, "Restart job J of Box")
		if ok {
			err = errors.New("confirmed")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("confirm error = %v, want context.Canceled", err)
		}
		if ExitCodeOf(err) != ExitInterrupted {
			t.Errorf("exit code %d, want %d", ExitCodeOf(err), ExitInterrupted)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("confirm ignored the cancelled context")
	}
	if got := errOut.String(); got != "Restart job J of Box? [y/N] \n" {
		t.Errorf("stderr %q", got)
	}
}

func TestConfirmCancelledBeforeAsking(t *testing.T) {
	s, _, errOut := output.Test()
	s.In = silentStdin(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ok, err := confirm(ctx, s, "Restart"); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("confirm = %v, %v; want context.Canceled", ok, err)
	}
	if errOut.Len() != 0 {
		t.Errorf("asked anyway: %q", errOut)
	}
}

// promptBuffer is stderr safe to write from the command and read from the
// test.
type promptBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (p *promptBuffer) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b.Write(b)
}

func (p *promptBuffer) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b.String()
}

func TestJobRestartPromptInterrupted(t *testing.T) {
	// `job restart` at a terminal, Ctrl-C at "[y/N]": exit 130 at once and
	// nothing restarted.
	var mu sync.Mutex
	var posts []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, "/beta")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method != http.MethodGet:
			mu.Lock()
			posts = append(posts, r.Method+" "+path)
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		case path == "/servicePrincipals/"+jobTestSPID:
			_, _ = io.WriteString(w, jobTestSP)
		case path == "/servicePrincipals/"+jobTestSPID+"/synchronization/jobs":
			_, _ = io.WriteString(w, `{"value":[`+jobTestSucceeded+`]}`)
		case strings.HasPrefix(path, "/servicePrincipals/"+jobTestSPID+"/synchronization/jobs/"):
			_, _ = io.WriteString(w, jobTestSucceeded)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"code":"Request_ResourceNotFound","message":"not here"}}`)
		}
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, _ := testFactory(map[string]string{
		"PROVCTL_GRAPH_URL": srv.URL, "PROVCTL_AUTHORITY_HOST": srv.URL, "PROVCTL_CA_FILE": ca,
		"PROVCTL_ACCESS_TOKEN": "opaque-test-token", "PROVCTL_CONFIG_DIR": dir,
	})
	errOut := &promptBuffer{}
	f.Streams.ErrOut = errOut
	f.Streams.In = silentStdin(t)
	f.Streams.StdinTTY, f.Streams.StderrTTY = true, true

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := NewCmdRoot(f)
	root.SetArgs([]string{"job", "restart", "--sp", jobTestSPID, "--job", "BoxOutDelta"})
	done := make(chan int, 1)
	go func() {
		code := ExitOK
		if err := root.ExecuteContext(ctx); err != nil {
			code = ExitCodeOf(err)
		}
		done <- code
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "[y/N] ") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt; stderr %q", errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel() // Ctrl-C
	select {
	case code := <-done:
		if code != ExitInterrupted {
			t.Errorf("exit %d, want %d; stderr %q", code, ExitInterrupted, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the prompt ignored Ctrl-C")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 0 {
		t.Errorf("sent %v after Ctrl-C", posts)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q", out)
	}
}
