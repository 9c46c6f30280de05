package auth

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/pkg/browser"
)

// browserGrace is how long a BROWSER command may take to fail. One still
// running then is taken to be the browser itself, left to run.
var browserGrace = 5 * time.Second

// OpenBrowser returns the opener for LoginBrowser. It honours the BROWSER
// convention: BROWSER holds commands separated by ':' (tried in turn until
// one starts), each split on blanks, with %s standing for the URL (else the
// URL is the last argument). Without BROWSER it uses MSAL's own opener
// (xdg-open, x-www-browser or www-browser; open on macOS). A browser's
// output goes to out, never to stdout: `provctl login` prints nothing there.
// The error names the command that failed, never the URL.
func OpenBrowser(getenv func(string) string, stdin io.Reader, out io.Writer) func(url string) error {
	if out == nil {
		out = io.Discard
	}
	return func(u string) error {
		spec := ""
		if getenv != nil {
			spec = strings.TrimSpace(getenv("BROWSER"))
		}
		if spec == "" {
			browser.Stdout, browser.Stderr = out, out
			if err := browser.OpenURL(u); err != nil {
				return fmt.Errorf("no browser could be started (%s); set BROWSER to a browser command", oneLine(err.Error()))
			}
			return nil
		}
		var errs []string
		for _, entry := range strings.Split(spec, string(os.PathListSeparator)) {
			args := browserArgs(entry, u)
			if len(args) == 0 {
				continue
			}
			err := runBrowser(args, stdin, out)
			if err == nil {
				return nil
			}
			errs = append(errs, fmt.Sprintf("BROWSER command %q: %s", args[0], oneLine(err.Error())))
		}
		if len(errs) == 0 {
			return errors.New("BROWSER names no command")
		}
		return errors.New(strings.Join(errs, "; "))
	}
}

// browserArgs is one BROWSER entry as a command line for url.
func browserArgs(entry, url string) []string {
	args := strings.Fields(entry)
	if len(args) == 0 {
		return nil
	}
	placed := false
	for i, a := range args {
		if strings.Contains(a, "%s") {
			args[i] = strings.ReplaceAll(a, "%s", url)
			placed = true
		}
	}
	if !placed {
		args = append(args, url)
	}
	return args
}

// runBrowser starts a browser command and waits browserGrace for it to
// fail; a command still running then is a browser that stays open.
func runBrowser(args []string, stdin io.Reader, out io.Writer) error {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(browserGrace):
		return nil
	}
}
