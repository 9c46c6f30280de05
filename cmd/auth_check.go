package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/provision"
)

// graphAppID is Microsoft Graph's own application id. Its service
// principal exists in every tenant, which makes looking it up the cheapest
// request that proves Graph accepts a token (see probeGraph).
const graphAppID = "00000003-0000-0000-c000-000000000000"

// Results of one part of a sign-in check, as `auth status -o json` and
// `doctor` report them.
const (
	checkOK      = "ok"
	checkFailed  = "failed"
	checkSkipped = "skipped"
)

// graphWith returns the Graph API of this command signed in with tokens:
// the token source a check just verified, so that asking Graph costs no
// second sign-in. Tests swap the whole service (Factory.ServiceFunc).
func (f *Factory) graphWith(cmd *cobra.Command, tokens auth.TokenSource, scopes ...string) (provision.GraphAPI, error) {
	if f.ServiceFunc != nil {
		svc, err := f.ServiceFunc(cmd, scopes...)
		if err != nil {
			return nil, err
		}
		return svc.Graph, nil
	}
	s, err := f.Settings(cmd)
	if err != nil {
		return nil, err
	}
	httpc, err := f.HTTPClient(cmd)
	if err != nil {
		return nil, err
	}
	f.scopes = scopes
	return &graph.Client{
		BaseURL:    s.GraphURL,
		APIVersion: s.APIVersion,
		Tokens:     tokens,
		HTTP:       httpc,
		UserAgent:  "provctl/" + versionString(),
	}, nil
}

// graphProbe is what Graph said of a token.
type graphProbe struct {
	// Forbidden: Graph accepted the token but refused to list service
	// principals (403): the sign-in works, a permission is missing.
	Forbidden bool
}

// probeGraph asks Graph for its own service principal by appId
// (GET /servicePrincipals?$filter=appId eq '00000003-…'&$top=1). Any
// answer but 401 proves the token is accepted: 200 and 403 (no permission
// to read service principals) both do, so the probe needs no permission
// beyond what provctl's commands use. /me would need User.Read, which
// provctl never asks for, and answers app-only tokens with 400. A refused
// token (401), or a failed request, is the error.
func probeGraph(ctx context.Context, g provision.GraphAPI) (graphProbe, error) {
	_, err := g.ServicePrincipalsByAppID(ctx, graphAppID, 1)
	switch {
	case err == nil:
		return graphProbe{}, nil
	case graph.IsStatus(err, http.StatusForbidden):
		return graphProbe{Forbidden: true}, nil
	}
	return graphProbe{}, err
}

// tokenRefused reports an error that means the sign-in itself is dead (the
// authority or Graph refused it), as opposed to a network or Graph failure.
func tokenRefused(err error) bool {
	var ae *auth.Error
	return errors.As(err, &ae) || graph.IsStatus(err, http.StatusUnauthorized)
}

// answerTimeoutError: the authority (or Graph) did not answer within the
// bound of a check. It is the network's failure, not the sign-in's: exit 1.
type answerTimeoutError struct {
	who    string // "the authority (https://login.microsoftonline.com)"
	within time.Duration
	what   string // the fix
}

func (e *answerTimeoutError) Error() string { return e.reason() + ": " + e.what }

// reason is the error without its fix: "the authority (…) did not answer within 5s".
func (e *answerTimeoutError) reason() string {
	return fmt.Sprintf("%s did not answer within %s", e.who, durationText(e.within))
}

// answerWindow is how long the sign-in of mode may wait for the authority
// so that the whole check ends within bound: a refresh of `provctl login`
// that was sent may outlive its context by auth's grace, to save the
// rotated refresh token.
func answerWindow(mode auth.Mode, bound time.Duration) time.Duration {
	if w := bound - auth.RefreshGrace(mode); w > 0 {
		return w
	}
	return bound
}

// verifyWithin is auth.Verify ending within bound, the grace included. A
// wait that ran out is an *answerTimeoutError naming who did not answer;
// Ctrl-C stays the interrupt it is.
func verifyWithin(ctx context.Context, cfg auth.Config, bound time.Duration) (*auth.StatusInfo, auth.TokenSource, error) {
	mode := auth.SelectMode(cfg)
	window := answerWindow(mode, bound)
	vctx, cancel := context.WithTimeout(ctx, window)
	defer cancel()
	info, tokens, err := auth.Verify(vctx, cfg)
	if err != nil && !errors.Is(ctx.Err(), context.Canceled) && errors.Is(vctx.Err(), context.DeadlineExceeded) {
		return nil, nil, &answerTimeoutError{who: issuerText(cfg, mode), within: window,
			what: "try again; check the network (HTTPS_PROXY, NO_PROXY) and " + authoritySetting(cfg)}
	}
	return info, tokens, err
}

// issuerText names who issues the tokens of mode, with the host asked.
func issuerText(cfg auth.Config, mode auth.Mode) string {
	if mode == auth.ModeManagedIdentity {
		return "the managed identity endpoint"
	}
	target, _ := auth.ResolveTarget(cfg)
	if target.AuthorityHost == "" {
		return "the authority"
	}
	return "the authority (" + target.AuthorityHost + ")"
}

// authoritySetting names where the authority host the sign-in uses came
// from: AZURE_AUTHORITY_HOST for an app-only mode that took it, else the
// setting (flag, PROVCTL_AUTHORITY_HOST, config key) or --cloud.
func authoritySetting(cfg auth.Config) string {
	if target, _ := auth.ResolveTarget(cfg); target.AuthoritySource != "" {
		return target.AuthoritySource
	}
	if cfg.Origin != nil {
		if from := cfg.Origin("authority-host"); from != "" {
			return from
		}
	}
	return "PROVCTL_AUTHORITY_HOST (or --cloud)"
}
