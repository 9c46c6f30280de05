package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// appSource gives app-only tokens (client credentials) for
// <GraphURL>/.default, whatever delegated scopes were asked for: an app's
// permissions are the application permissions granted to it.
type appSource struct {
	cfg    Config
	mode   Mode
	id     appIdentity
	cred   appCred
	scopes []string
	client confidential.Client
	cache  *memCache

	mu   sync.Mutex
	last string
}

func newAppSource(cfg Config, mode Mode) (*appSource, error) {
	id, err := resolveApp(cfg, mode)
	if err != nil {
		return nil, err
	}
	if id.authorityHost != cfg.AuthorityHost {
		// AZURE_AUTHORITY_HOST: the cloud is named by the hosts again.
		cfg.AuthorityHost = id.authorityHost
		cfg.Cloud = cloudName(cfg.AuthorityHost, cfg.GraphURL)
	}
	cred, err := appCredential(cfg, mode)
	if err != nil {
		return nil, err
	}
	id.sources.Credential = cred.source
	mc := &memCache{}
	client, err := newConfidentialClient(cfg, id.clientID, id.tenant, cred.cred, mc)
	if err != nil {
		return nil, err
	}
	return &appSource{cfg: cfg, mode: mode, id: id, cred: cred,
		scopes: appScopes(cfg.GraphURL), client: client, cache: mc}, nil
}

// Token returns the cached app token or a new one; refresh=true evicts the
// refused token so the credential is presented again.
func (s *appSource) Token(ctx context.Context, refresh bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, refresh)
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

func (s *appSource) acquire(ctx context.Context, refresh bool) (confidential.AuthResult, error) {
	if refresh {
		defer s.cache.evict(s.last)()
	}
	res, err := s.client.AcquireTokenByCredential(ctx, s.scopes)
	if err != nil {
		return res, s.failed(ctx, err)
	}
	s.last = res.AccessToken
	return res, nil
}

// failed turns a failed acquisition into the user's answer. A refusal
// names the variable that held the credential and, for a federated
// assertion that no federated credential matches, the one to add.
func (s *appSource) failed(ctx context.Context, err error) error {
	secrets := s.cred.secrets()
	var ge *githubError
	if errors.As(err, &ge) && ctx.Err() == nil {
		return ge.userError()
	}
	f := classify(ctx, err, secrets...)
	if f.kind != kindRejected && f.kind != kindOther {
		return appError(ctx, err, s.mode, secrets...) // canceled, lock, network, server
	}
	hint := ""
	if f.kind == kindRejected && s.cred.claims != nil {
		hint = scrub(federatedHint(f.oauth, s.id.clientID, s.cred.claims()), secrets)
	}
	return &Error{Err: fmt.Errorf("app-only sign-in (%s, %s) failed: %s%s", s.mode, s.cred.source, f.text, hint)}
}

// status presents the credential to the authority (fresh: even when this
// process holds a token already) and describes the sign-in.
func (s *appSource) status(ctx context.Context, fresh bool) (*StatusInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.acquire(ctx, fresh)
	if err != nil {
		return nil, err
	}
	info, _ := s.cached(ctx)
	info.ExpiresOn = res.ExpiresOn
	return info, nil
}

// cached describes the sign-in from the settings alone: app-only tokens
// live in memory, so there is no expiry to show without asking.
func (s *appSource) cached(context.Context) (*StatusInfo, error) {
	sources := s.id.sources
	return &StatusInfo{
		Mode:          s.mode,
		Tenant:        s.id.tenant,
		Cloud:         s.cfg.Cloud,
		ClientID:      s.id.clientID,
		AuthorityHost: s.cfg.AuthorityHost,
		Scopes:        s.scopes,
		Sources:       &sources,
	}, nil
}
