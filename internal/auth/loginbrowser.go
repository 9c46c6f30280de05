package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// BrowserPrompt tells where a browser sign-in happens.
type BrowserPrompt struct {
	URL     string // the sign-in page (the authorization request: no code, verifier or token)
	OpenErr error  // why no browser could be started; nil when one was
}

// browserLoginLimit bounds a browser sign-in given no deadline, as a
// device code's expiry bounds the device-code flow.
const browserLoginLimit = 15 * time.Minute

// LoginBrowser signs in with the authorization code flow and PKCE
// (MSAL's AcquireTokenInteractive): MSAL listens on a loopback port
// (http://localhost:<port>), open shows the sign-in page, and the
// authority sends the browser back to that port with a code, which MSAL
// redeems with its code verifier. The tokens land in the same cache as a
// device-code login, so later commands sign in silently. prompt (may be
// nil) is told the page's URL and whether a browser started: a person can
// open the URL by hand, and the wait goes on either way. open nil uses
// OpenBrowser with the BROWSER of cfg.Env. The wait ends with ctx, or
// after 15 minutes when ctx has no deadline.
func LoginBrowser(ctx context.Context, cfg Config, scopes []string, open func(url string) error, prompt func(BrowserPrompt)) (*Account, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	clientID, tenant, fc, err := prepareLogin(cfg)
	if err != nil {
		return nil, err
	}
	pc, err := newPublicClient(cfg, clientID, tenant, fc)
	if err != nil {
		return nil, err
	}
	if open == nil {
		open = OpenBrowser(cfg.Env, nil, io.Discard)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, browserLoginLimit)
		defer cancel()
	}
	shown := false
	openURL := func(u string) error {
		shown = true
		err := open(u)
		if prompt != nil {
			prompt(BrowserPrompt{URL: u, OpenErr: err})
		}
		return nil // the page can still be opened by hand: keep waiting
	}
	sent := delegatedScopes(cfg.GraphURL, scopes)
	res, err := pc.AcquireTokenInteractive(ctx, sent, public.WithOpenURL(openURL))
	if err != nil {
		return nil, browserLoginError(ctx, err, shown)
	}
	return rememberLogin(cfg, fc, res, tenant, clientID, sent)
}

// browserLoginError explains a failed browser sign-in; shown tells whether
// the sign-in page was made (so a timeout is the person's, not the
// authority's).
func browserLoginError(ctx context.Context, err error, shown bool) error {
	f := classify(ctx, err)
	switch f.kind {
	case kindCanceled:
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return fmt.Errorf("sign-in canceled: %w", context.Canceled)
		case !shown:
			return errors.New("sign-in: cannot reach the authority: no sign-in page could be made before the wait ended (--timeout)")
		}
		return &Error{Err: errors.New("sign-in timed out: the browser sign-in was not finished before the wait ended (--timeout, default 15m): run `provctl login --browser` again, or `provctl login` for a device code")}
	case kindLocked, kindLocal, kindNetwork, kindServer:
		return f.localOrTransport()
	case kindRejected:
		return &Error{Err: fmt.Errorf("sign-in failed: the authority refused the code: %s", f.text)}
	}
	// The redirect said no (declined, no consent) or was not a code.
	return &Error{Err: fmt.Errorf("sign-in failed in the browser: %s", f.text)}
}
