package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
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
	if err := ensureConfigDir(cfg); err != nil {
		return nil, err
	}
	clientID := firstNonEmpty(cfg.ClientID, DefaultClientID)
	tenant := firstNonEmpty(cfg.Tenant, defaultTenant)
	fc := newFileCache(Config{ConfigDir: cfg.ConfigDir}) // no warning: this run replaces a bad cache
	pc, err := newPublicClient(cfg, clientID, tenant, fc)
	if err != nil {
		return nil, err
	}
	sent := delegatedScopes(cfg.GraphURL, scopes)
	dc, err := pc.AcquireTokenByDeviceCode(ctx, sent)
	if err != nil {
		return nil, loginError(ctx, err)
	}
	if prompt != nil {
		prompt(DeviceCode{
			Message:         dc.Result.Message,
			UserCode:        dc.Result.UserCode,
			VerificationURL: dc.Result.VerificationURL,
			ExpiresOn:       dc.Result.ExpiresOn,
		})
	}
	// MSAL polls until the code's expiry or ctx, whichever comes first.
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return nil, loginError(ctx, err)
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

// loginError explains a failed device-code sign-in.
func loginError(ctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		// MSAL bounds polling by the code's expiry.
		return &Error{Err: errors.New("the device code expired before sign-in was completed: run `provctl login` again")}
	}
	f := classify(ctx, err)
	switch f.kind {
	case kindCanceled:
		if errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("sign-in canceled: %w", context.Canceled)
		}
		return &Error{Err: errors.New("sign-in timed out before the code was used: run `provctl login` again")}
	case kindLocked:
		return fmt.Errorf("sign-in: %w", f.cause)
	case kindNetwork:
		return fmt.Errorf("sign-in: cannot reach the authority: %s", f.text)
	case kindServer:
		return fmt.Errorf("sign-in: the authority failed: %s", f.text)
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

// Logout forgets every cached account and token: each account is removed
// through MSAL, then the cache file is replaced by an empty cache (tokens
// of other client ids, or entries MSAL would keep, cannot survive) and
// account.json is deleted. It works offline and is idempotent.
func Logout(ctx context.Context, cfg Config) error {
	cfg, err := cfg.resolve()
	if err != nil {
		return err
	}
	if cfg.ConfigDir == "" {
		return nil
	}
	fc := newFileCache(Config{ConfigDir: cfg.ConfigDir}) // a corrupted cache is fine here
	if _, err := os.Lstat(fc.path); err == nil {
		removeAccounts(ctx, cfg, fc)
		if err := fc.clear(ctx); err != nil {
			return err
		}
	}
	if err := removeIfExists(accountPath(cfg)); err != nil {
		return fmt.Errorf("forgetting the account: %w", err)
	}
	return nil
}

// removeAccounts asks MSAL to remove each cached account; best effort,
// since the cache is cleared afterwards anyway. Discovery is off so that
// logout never needs the network.
func removeAccounts(ctx context.Context, cfg Config, fc *fileCache) {
	host := cfg.AuthorityHost
	if _, err := authorityURL(host, defaultTenant); err != nil {
		return
	}
	pc, err := public.New(firstNonEmpty(cfg.ClientID, DefaultClientID),
		public.WithAuthority(host+"/"+defaultTenant), public.WithCache(fc), public.WithInstanceDiscovery(false))
	if err != nil {
		return
	}
	accounts, err := pc.Accounts(ctx)
	if err != nil {
		return
	}
	for _, a := range accounts {
		_ = pc.RemoveAccount(ctx, a)
	}
}
