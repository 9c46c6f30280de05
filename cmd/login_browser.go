package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/output"
)

// browserWait is how long `login --browser` waits without --timeout
// (auth.LoginBrowser's own bound).
const browserWait = 15 * time.Minute

// browserPrompt tells on stderr where the browser sign-in happens. When no
// browser started it prints the sign-in URL (the authorization request: it
// holds no code, verifier or token) for a person to open.
func browserPrompt(ctx context.Context, streams *output.Streams) func(auth.BrowserPrompt) {
	return func(p auth.BrowserPrompt) {
		if p.OpenErr != nil {
			streams.Warnf("%s", output.Sanitize(p.OpenErr.Error()))
			fmt.Fprintf(streams.ErrOut, "To sign in, open this URL in a browser on this machine (it returns to http://localhost):\n\n  %s\n\n", output.Sanitize(p.URL))
		} else {
			fmt.Fprintln(streams.ErrOut, "A browser was opened to sign in; finish there.")
		}
		wait, why := browserWait, "the wait ends"
		if deadline, ok := ctx.Deadline(); ok {
			wait, why = time.Until(deadline), "--timeout ends the wait"
		}
		fmt.Fprintf(streams.ErrOut, "Waiting for sign-in (%s in %s; Ctrl-C to cancel)...\n", why, durationText(wait))
	}
}
