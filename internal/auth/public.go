package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// publicSource gives delegated tokens silently from the cached `provctl
// login`: a cached access token, or one redeemed with the cached refresh
// token. It never starts a device-code flow, so scripts never hang on a
// prompt.
type publicSource struct {
	cfg       Config
	requested []string // as given to NewTokenSource; nil = the login scopes
	cache     *fileCache

	mu       sync.Mutex // serializes Token: one refresh at a time
	ready    bool
	client   public.Client
	account  public.Account
	acct     *Account
	clientID string
	tenant   string
	scopes   []string // as sent to the authority
	last     string   // last token handed out, evicted on refresh
}

func newPublicSource(cfg Config, scopes []string) *publicSource {
	return &publicSource{cfg: cfg, requested: scopes, cache: newFileCache(cfg)}
}

// Token returns a cached or silently refreshed token; refresh=true evicts
// the last token first so a new one is redeemed with the refresh token.
func (s *publicSource) Token(ctx context.Context, refresh bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, refresh)
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

func (s *publicSource) acquire(ctx context.Context, refresh bool) (public.AuthResult, error) {
	if err := s.init(ctx); err != nil {
		return public.AuthResult{}, err
	}
	unlock, err := s.cache.redeemLock(ctx)
	var lockErr *lockError
	switch {
	case ctx.Err() != nil:
		return public.AuthResult{}, ctx.Err()
	case errors.As(err, &lockErr):
		return public.AuthResult{}, err
	case err == nil:
		defer unlock()
	} // a lock file that cannot be created (read-only folder): go on unlocked
	if refresh {
		defer s.cache.evict(s.last)()
	}
	// Once the refresh token is on its way, Ctrl-C or SIGTERM must not
	// lose the rotated one: the request and the cache write finish first.
	gctx, release := withRedeemGate(ctx, redeemGrace, s.cache.checkWritable)
	defer release()
	res, err := s.client.AcquireTokenSilent(gctx, s.scopes, public.WithSilentAccount(s.account))
	var notWritable *notWritableError
	switch {
	case errors.As(err, &notWritable):
		return public.AuthResult{}, notWritable
	case err != nil:
		if uerr := s.cache.unreadable(); uerr != nil {
			return public.AuthResult{}, uerr
		}
		return public.AuthResult{}, publicError(ctx, err)
	case ctx.Err() != nil:
		return public.AuthResult{}, fmt.Errorf("sign-in: %w", ctx.Err()) // saved; now honour the interrupt
	}
	s.last = res.AccessToken
	return res, nil
}

// init finds the remembered account and builds the MSAL client for it.
// Tenant and client id not given in cfg (empty, or the defaults
// "organizations" and DefaultClientID, which cmd fills in) come from the
// login: a login with --tenant keeps applying to later commands, which
// matters for guest admins, whom "organizations" would send to their home
// tenant.
func (s *publicSource) init(ctx context.Context) error {
	if s.ready {
		return nil
	}
	acct, clientID, tenant, err := s.remembered()
	if err != nil {
		return err
	}
	client, err := newPublicClient(s.cfg, clientID, tenant, s.cache)
	if err != nil {
		return err
	}
	accounts, err := client.Accounts(ctx)
	if uerr := s.cache.unreadable(); uerr != nil {
		return uerr
	}
	if err != nil || ctx.Err() != nil {
		return publicError(ctx, errors.Join(err, ctx.Err()))
	}
	var found *public.Account
	for i := range accounts {
		if accounts[i].HomeAccountID == acct.HomeAccountID && (acct.Environment == "" || strings.EqualFold(accounts[i].Environment, acct.Environment)) {
			found = &accounts[i]
			break
		}
	}
	if found == nil {
		return notSignedIn(msgSignInExpired)
	}
	// Ask for what `provctl login` was granted, not for the command's own
	// list: Entra refuses a silent request for a permission that was never
	// consented (Synchronization.Read.All after a login that consented to
	// Synchronization.ReadWrite.All), which would break "log in once". A
	// command needing more than the login got answers 403 from Graph, and
	// exit 4 names the permission.
	scopes := delegatedScopes(s.cfg.GraphURL, s.requested)
	if len(acct.Scopes) > 0 {
		scopes = acct.Scopes
	}
	s.client, s.account, s.acct = client, *found, acct
	s.clientID, s.tenant, s.scopes = clientID, tenant, scopes
	s.ready = true
	return nil
}

// remembered is the account `provctl login` remembered, with the client
// id and tenant to use for it. Tenant and client id not given in cfg
// (empty, or the defaults "organizations" and DefaultClientID, which cmd
// fills in) come from the login. Not signed in, or signed in for another
// cloud or client id, is an *Error naming the login to run.
func (s *publicSource) remembered() (acct *Account, clientID, tenant string, err error) {
	if err := checkConfigDir(s.cfg.ConfigDir); err != nil {
		return nil, "", "", err
	}
	acct, err = loadAccount(s.cfg)
	if err != nil {
		return nil, "", "", err
	}
	if acct == nil {
		return nil, "", "", &Error{Err: ErrNotSignedIn}
	}
	clientID = firstNonEmpty(notDefault(s.cfg.ClientID, DefaultClientID), acct.ClientID, DefaultClientID)
	tenant = firstNonEmpty(notDefault(s.cfg.Tenant, defaultTenant), acct.Tenant, defaultTenant)
	if !strings.EqualFold(acct.AuthorityHost, s.cfg.AuthorityHost) {
		return nil, "", "", notSignedIn(fmt.Sprintf("signed in at %s, not at %s: run `provctl login` for this cloud", acct.AuthorityHost, s.cfg.AuthorityHost))
	}
	if !strings.EqualFold(clientID, acct.ClientID) {
		return nil, "", "", notSignedIn(fmt.Sprintf("signed in with client id %s, not %s: run `provctl login --client-id %s`", acct.ClientID, clientID, clientID))
	}
	return acct, clientID, tenant, nil
}

// status describes the cached sign-in, refreshing the token if needed;
// fresh redeems the refresh token even when a cached access token is still
// valid, which is the only way to learn that the sign-in was revoked.
func (s *publicSource) status(ctx context.Context, fresh bool) (*StatusInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, fresh)
	if err != nil {
		return nil, err
	}
	return &StatusInfo{
		Mode:          ModeDeviceCode,
		Account:       firstNonEmpty(res.Account.PreferredUsername, s.acct.Username),
		Tenant:        firstNonEmpty(s.acct.TenantID, s.tenant),
		Cloud:         s.cfg.Cloud,
		ClientID:      s.clientID,
		AuthorityHost: s.cfg.AuthorityHost,
		ExpiresOn:     res.ExpiresOn,
		Scopes:        withoutOIDC(res.GrantedScopes),
		CacheFile:     s.cache.path,
	}, nil
}

// notDefault returns v, or "" when v is the default def.
func notDefault(v, def string) string {
	if strings.EqualFold(v, def) {
		return ""
	}
	return v
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// withoutOIDC drops the sign-in scopes MSAL adds, leaving Graph permissions.
func withoutOIDC(scopes []string) []string {
	out := []string{}
	for _, s := range scopes {
		if !oidcScopes[strings.ToLower(s)] && s != "" {
			out = append(out, s)
		}
	}
	return out
}
