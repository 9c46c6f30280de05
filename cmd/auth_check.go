package cmd

import (
	"context"
	"errors"
	"net/http"

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
