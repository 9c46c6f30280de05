package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// DeviceCode is what the user needs to finish a device-code sign-in in a
// browser. It holds the user code (meant to be shown) but never the device
// code MSAL polls with.
type DeviceCode struct {
	Message         string    // the authority's instructions, ready to print
	UserCode        string    // code to enter at VerificationURL
	VerificationURL string    // where to enter it
	ExpiresOn       time.Time // after this the code is useless
}

// Login signs in with the device-code flow and remembers the account for
// later silent use. prompt (may be nil) receives the instructions to show
// on stderr. scopes are delegated Graph permissions (nil = DefaultScopes);
// MSAL adds openid, profile and offline_access itself. Login waits until the
// code is used, declined or expires, or ctx ends (a canceled ctx returns an
// error wrapping context.Canceled). A corrupted cache is overwritten.
func Login(ctx context.Context, cfg Config, scopes []string, prompt func(DeviceCode)) (*Account, error) {
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
	sent := delegatedScopes(cfg.GraphURL, scopes)
	var dc public.DeviceCode
	err = retryLogin(ctx, time.Time{}, serverFailed, func() (err error) {
		dc, err = pc.AcquireTokenByDeviceCode(ctx, sent)
		return err
	})
	if err != nil {
		return nil, loginError(ctx, err, false)
	}
	if prompt != nil {
		prompt(DeviceCode{
			Message:         dc.Result.Message,
			UserCode:        dc.Result.UserCode,
			VerificationURL: dc.Result.VerificationURL,
			ExpiresOn:       dc.Result.ExpiresOn,
		})
	}
	// MSAL polls until the code's expiry or ctx, whichever comes first, and
	// stops at the first answer other than "pending"; a transient one is
	// polled through again with the same code.
	var res public.AuthResult
	err = retryLogin(ctx, dc.Result.ExpiresOn, transientFailure, func() (err error) {
		res, err = dc.AuthenticationResult(ctx)
		return err
	})
	if err != nil {
		return nil, loginError(ctx, err, true)
	}
	return rememberLogin(cfg, fc, res, tenant, clientID, sent)
}

// prepareLogin checks the config folder before anyone is asked to sign
// in, and returns the client id, tenant and token cache of an interactive
// login (device code or browser).
func prepareLogin(cfg Config) (clientID, tenant string, fc *fileCache, err error) {
	if err := ensureConfigDir(cfg); err != nil {
		return "", "", nil, err
	}
	clientID = firstNonEmpty(cfg.ClientID, DefaultClientID)
	tenant = firstNonEmpty(cfg.Tenant, defaultTenant)
	fc = newFileCache(Config{ConfigDir: cfg.ConfigDir, files: cfg.files}) // no warning: this run replaces a bad cache
	if err := fc.checkWritable(); err != nil {
		// Found out now, not after the user has signed in.
		return "", "", nil, fmt.Errorf("the config folder %s is not writable (%s), so a sign-in could not be saved: make it writable (`chmod 700 %s`) or set PROVCTL_CONFIG_DIR",
			cfg.ConfigDir, describeFileError(errors.Unwrap(err)), cfg.ConfigDir)
	}
	return clientID, tenant, fc, nil
}

// rememberLogin records the account of an interactive login (MSAL has
// written its tokens to fc) in account.json, for later silent use.
func rememberLogin(cfg Config, fc *fileCache, res public.AuthResult, tenant, clientID string, sent []string) (*Account, error) {
	if serr := fc.unsavedErr(); serr != nil {
		return nil, fmt.Errorf("signed in, but the sign-in could not be saved to %s (%s): %s, then run `provctl login` again",
			fc.path, describeSaveError(serr), saveFix(serr, cfg.ConfigDir))
	}
	if res.Account.HomeAccountID == "" {
		return nil, &Error{Err: errors.New("sign-in failed: the authority returned no ID token, so the account cannot be remembered")}
	}
	acct := &Account{
		HomeAccountID: res.Account.HomeAccountID,
		Environment:   res.Account.Environment,
		Username:      firstNonEmpty(res.Account.PreferredUsername, res.IDToken.PreferredUsername, res.IDToken.UPN),
		TenantID:      res.IDToken.TenantID,
		Tenant:        tenant,
		AuthorityHost: cfg.AuthorityHost,
		ClientID:      clientID,
		Scopes:        sent,
	}
	if err := saveAccount(cfg, acct); err != nil {
		return nil, err
	}
	return acct, nil
}

// loginError explains a failed device-code sign-in; shown tells whether
// the user was given a code (so a timeout is theirs, not the authority's).
func loginError(ctx context.Context, err error, shown bool) error {
	if shown && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		// MSAL bounds polling by the code's expiry.
		return &Error{Err: errors.New("the device code expired before sign-in was completed: run `provctl login` again")}
	}
	f := classify(ctx, err)
	switch f.kind {
	case kindCanceled:
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return fmt.Errorf("sign-in canceled: %w", context.Canceled)
		case !shown:
			return errors.New("sign-in: cannot reach the authority: no device code came before the wait ended (--timeout)")
		}
		return &Error{Err: errors.New("sign-in timed out before the code was used: run `provctl login` again")}
	case kindLocked, kindLocal, kindNetwork, kindServer:
		return f.localOrTransport()
	case kindRejected:
		switch f.oauth.Code {
		case "expired_token":
			return &Error{Err: errors.New("the device code expired before sign-in was completed: run `provctl login` again")}
		case "authorization_declined":
			return &Error{Err: errors.New("sign-in was declined in the browser")}
		}
	}
	return &Error{Err: fmt.Errorf("sign-in failed: %s", f.text)}
}
