package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/provision"
)

// credentialVariables select a sign-in mode; more than one set is a
// common surprise (a stale PROVCTL_ACCESS_TOKEN hides `provctl login`).
var credentialVariables = []string{
	"PROVCTL_ACCESS_TOKEN", "AZURE_FEDERATED_TOKEN_FILE",
	"PROVCTL_CLIENT_CERTIFICATE", "AZURE_CLIENT_CERTIFICATE_PATH",
	"PROVCTL_CLIENT_SECRET", "AZURE_CLIENT_SECRET",
}

func (o *DoctorOptions) mode() auth.Mode { return auth.SelectMode(o.Auth) }

// signInNeeds: the modes that ask the authority need it reachable.
func (o *DoctorOptions) signInNeeds() []string {
	switch o.mode() {
	case auth.ModeStatic, auth.ModeManagedIdentity:
		return []string{checkMode}
	}
	return []string{checkMode, checkAuthority}
}

// checkMode says which sign-in the settings select and why, naming
// variables, never their values.
func (o *DoctorOptions) checkMode(ctx context.Context) []doctor.Result {
	if o.AuthErr != nil {
		return []doctor.Result{{Status: doctor.Failed, Detail: o.AuthErr.Error(), Fix: "correct the setting the message names"}}
	}
	mode := o.mode()
	used := auth.ModeVariable(o.Auth, mode)
	var detail string
	switch mode {
	case auth.ModeStatic:
		detail = "static: PROVCTL_ACCESS_TOKEN is set and used as is (it cannot be refreshed)"
	case auth.ModeDeviceCode:
		detail = "device-code: no credential variable is set, so commands use the sign-in of `provctl login` (cached in " + o.Auth.ConfigDir + ")"
	case auth.ModeManagedIdentity:
		detail = fmt.Sprintf("managed-identity: %s (%s)", o.Settings.ManagedIdentity, o.Settings.Source("managed-identity"))
	default:
		info, err := auth.CachedStatus(ctx, o.Auth)
		if err != nil {
			return []doctor.Result{{Status: doctor.Failed, Detail: err.Error(), Fix: o.signInFix(mode, err)}}
		}
		detail = fmt.Sprintf("%s: app %s in tenant %s (%s)", mode, info.ClientID, info.Tenant, info.Sources.Text())
	}
	var unused []string
	for _, v := range credentialVariables {
		if v != used && o.Getenv(v) != "" {
			unused = append(unused, v)
		}
	}
	if len(unused) > 0 {
		return []doctor.Result{{Status: doctor.Warning, Detail: detail + "; also set but not used: " + strings.Join(unused, ", "),
			Fix: "unset what you do not mean to use (provctl help environment gives the order of the modes)"}}
	}
	return []doctor.Result{{Status: doctor.OK, Detail: detail}}
}

// signInBound is the sign-in check's bound in all: a refresh of `provctl
// login` gets it less auth's grace to answer (verifyWithin), so that a
// refresh already sent can still be saved within it.
const signInBound = 15 * time.Second

func (o *DoctorOptions) signInBound() time.Duration {
	if o.SignInBound > 0 {
		return o.SignInBound
	}
	return signInBound
}

// checkSignIn gets a new token from the authority now, as `auth status`
// does: the refresh token is redeemed, the credential presented.
func (o *DoctorOptions) checkSignIn(ctx context.Context, st *doctorState) []doctor.Result {
	mode := o.mode()
	info, tokens, err := verifyWithin(ctx, o.Auth, o.signInBound())
	var timeout *answerTimeoutError
	switch {
	case errors.As(err, &timeout):
		return []doctor.Result{{Status: doctor.Failed, Detail: timeout.reason(), Fix: timeout.what}}
	case err != nil:
		return []doctor.Result{{Status: doctor.Failed, Detail: graph.RedactCredentials(err.Error()), Fix: o.signInFix(mode, err)}}
	}
	st.info, st.tokens = info, tokens
	who := info.Account
	if who == "" {
		who = "app " + info.ClientID
	}
	switch mode {
	case auth.ModeStatic:
		return []doctor.Result{{Status: doctor.OK, Detail: "PROVCTL_ACCESS_TOKEN: no authority to ask (Graph decides, below)"}}
	case auth.ModeManagedIdentity:
		return []doctor.Result{{Status: doctor.OK, Detail: "the managed identity endpoint issued a new token for " + who}}
	}
	return []doctor.Result{{Status: doctor.OK, Detail: fmt.Sprintf("the authority issued a new token just now for %s (tenant %s, client id %s)", who, info.Tenant, info.ClientID)}}
}

// signInFix is the fix for a sign-in that failed in mode, matching its
// cause: a local problem (the config folder, the cache's lock, a
// certificate file) before the authority's word; a refusal by mode; a
// silent or unreachable authority names the network and its setting.
func (o *DoctorOptions) signInFix(mode auth.Mode, err error) string {
	if fix := auth.LocalFix(err); fix != "" {
		return fix
	}
	var timeout *answerTimeoutError
	if errors.As(err, &timeout) {
		return timeout.what
	}
	if !tokenRefused(err) {
		if mode == auth.ModeManagedIdentity {
			return "run this on the Azure resource the managed identity is assigned to (" + o.Settings.Source("managed-identity") + "); try again if its endpoint failed"
		}
		return "try again; check the network (HTTPS_PROXY, NO_PROXY) and " + o.authoritySource()
	}
	switch mode {
	case auth.ModeDeviceCode:
		return "run `provctl login`"
	case auth.ModeStatic:
		return "put a new token in PROVCTL_ACCESS_TOKEN, or unset it and run `provctl login`"
	case auth.ModeManagedIdentity:
		return "check that the managed identity (" + o.Settings.Source("managed-identity") + ") is assigned to this Azure resource; `provctl logout` forgets one `provctl login --identity` chose"
	}
	return "check " + auth.ModeVariable(o.Auth, mode) + " and the app registration's client id and tenant (`provctl auth status --offline` says where each came from)"
}

// knownGraphs are the Graph roots of Microsoft's clouds.
func knownGraphs() []string {
	var out []string
	for _, name := range []string{"global", "usgov", "usgovdod", "china"} {
		if c, err := auth.LookupCloud(name); err == nil {
			out = append(out, c.GraphURL)
		}
	}
	return out
}

// checkToken reads the new token's claims (never printing it): who it is
// for, its audience and its lifetime.
func (o *DoctorOptions) checkToken(ctx context.Context, st *doctorState) []doctor.Result {
	mode := o.mode()
	tok, err := st.tokens.Token(ctx, false)
	if err != nil {
		return []doctor.Result{{Status: doctor.Failed, Detail: graph.RedactCredentials(err.Error()), Fix: o.signInFix(mode, err)}}
	}
	c, err := doctor.ReadClaims(tok)
	if err != nil {
		return []doctor.Result{{Status: doctor.Warning, Detail: err.Error() + " (Graph may still accept it)"}}
	}
	st.claims = &c
	fix := o.newTokenFix(mode)
	kind := "app-only, for app " + c.Who
	if c.Delegated {
		kind = "delegated, for " + c.Who
	}
	who := doctor.Result{Check: checkToken, Status: doctor.OK, Detail: kind + " in tenant " + c.TenantID}
	if t := o.tenant(); provision.IsGUID(t) && c.TenantID != "" && !strings.EqualFold(t, c.TenantID) {
		who.Status = doctor.Warning
		who.Detail += fmt.Sprintf(", but the tenant setting (%s) is %s", o.tenantSource(), t)
		who.Fix = "sign in to tenant " + t + ", or correct the tenant setting"
	}
	aud := doctor.AudienceResult(c, o.Settings.GraphURL, knownGraphs(), fix)
	aud.Check = "token audience"
	life := doctor.LifetimeResult(c, o.Now(), mode != auth.ModeStatic, fix)
	life.Check = "token lifetime"
	return []doctor.Result{who, aud, life}
}

// newTokenFix says how to get another token in mode.
func (o *DoctorOptions) newTokenFix(mode auth.Mode) string {
	switch mode {
	case auth.ModeStatic:
		return "put a token for Microsoft Graph in PROVCTL_ACCESS_TOKEN (e.g. az account get-access-token --resource-type ms-graph), or unset it and run `provctl login`"
	case auth.ModeDeviceCode:
		return "run `provctl login`"
	}
	return "check the app-only settings (`provctl auth status --offline`)"
}

// checkPermissions compares the token's scopes or roles with what each
// group of commands needs.
func (o *DoctorOptions) checkPermissions(st *doctorState) []doctor.Result {
	if st.claims == nil {
		return []doctor.Result{{Status: doctor.Skipped, Detail: "not run: the token cannot be read; Graph answers 403 where a permission is missing"}}
	}
	mode := o.mode()
	clientID := ""
	if st.info != nil {
		clientID = st.info.ClientID
	}
	return doctor.PermissionResults(*st.claims, func(missing []string) string {
		list := strings.Join(missing, " and ")
		switch mode {
		case auth.ModeDeviceCode:
			return "run `provctl login` without --scope: it asks for " + list + " and every other permission provctl uses (your tenant may need an admin to consent)"
		case auth.ModeStatic:
			return "use a token that carries " + list
		case auth.ModeManagedIdentity:
			return "grant the managed identity's service principal the Microsoft Graph application permission " + list + " (an app role assignment; see docs/auth.md)"
		}
		return "grant the app registration " + clientID + " the Microsoft Graph application permission " + list + ", with admin consent"
	})
}

// checkGraphToken asks Graph, with the token, for its own service
// principal (the probe of `auth status`).
func (o *DoctorOptions) checkGraphToken(ctx context.Context, st *doctorState) []doctor.Result {
	g, err := o.Graph(st.tokens)
	if err != nil {
		return []doctor.Result{{Status: doctor.Failed, Detail: err.Error()}}
	}
	st.graphAPI = g
	probe, err := probeGraph(ctx, g)
	switch {
	case err != nil && tokenRefused(err):
		return []doctor.Result{{Status: doctor.Failed, Detail: "Graph refused the token: " + graph.RedactCredentials(err.Error()), Fix: o.signInFix(o.mode(), err)}}
	case err != nil && doctor.TimedOut(err):
		bound := o.Runner.Each
		if bound <= 0 {
			bound = doctor.DefaultEach
		}
		return []doctor.Result{{Status: doctor.Failed, Detail: "Graph did not answer within " + durationText(bound) + " (GET servicePrincipals): the token was not checked",
			Fix: "try again; check the network (HTTPS_PROXY, NO_PROXY) and " + o.Settings.Source("graph-url")}}
	case err != nil:
		// A 5xx or a broken answer says nothing of the token.
		fix := errorHint(err, reportContext{settings: o.Settings, mode: o.mode(), scopes: []string{scopeSyncRead}})
		return []doctor.Result{{Status: doctor.Failed, Detail: "Graph failed, so the token was not checked: " + graph.RedactCredentials(err.Error()),
			Fix: nonEmptyText(fix, "try again later; the request-id lets Microsoft support find the call")}}
	case probe.Forbidden:
		st.forbidden = true
		return []doctor.Result{{Status: doctor.Warning, Detail: "Graph accepted the token, but refused to list service principals (403): names given to --sp cannot be looked up",
			Fix: "a permission to read service principals is missing: Directory.Read.All (provctl login asks for it) or, app-only, Application.Read.All"}}
	}
	return []doctor.Result{{Status: doctor.OK, Detail: "Graph accepted the token (GET servicePrincipals, for Graph's own)"}}
}

// checkSynchronization resolves --sp and lists its jobs: the
// synchronization API answers for it.
func (o *DoctorOptions) checkSynchronization(ctx context.Context, st *doctorState) []doctor.Result {
	name := "synchronization API (--sp " + o.SP + ")"
	svc := &provision.Service{Graph: st.graphAPI}
	sp, err := svc.ResolveServicePrincipal(ctx, o.SP)
	if err != nil {
		return []doctor.Result{{Check: name, Status: doctor.Failed, Detail: graph.RedactCredentials(err.Error()), Fix: o.lookupFix(err)}}
	}
	jobs, err := svc.ListJobs(ctx, sp.ID)
	label := fmt.Sprintf("%s (%s)", sp.DisplayName, sp.ID)
	if err != nil {
		return []doctor.Result{{Check: name, Status: doctor.Failed, Detail: label + ": " + graph.RedactCredentials(err.Error()), Fix: o.lookupFix(err)}}
	}
	if len(jobs) == 0 {
		return []doctor.Result{{Check: name, Status: doctor.Warning, Detail: label + " has no synchronization job",
			Fix: "set up provisioning for the app (Entra admin center, Enterprise applications, " + sp.DisplayName + ", Provisioning)"}}
	}
	var list, quarantined []string
	for _, j := range jobs {
		state := "status unknown"
		if j.Status != nil && j.Status.Code != "" {
			state = string(j.Status.Code)
			if strings.EqualFold(state, "Quarantine") {
				quarantined = append(quarantined, j.TemplateID)
			}
		}
		list = append(list, fmt.Sprintf("%s (%s)", nonEmptyText(j.TemplateID, j.ID), state))
	}
	detail := fmt.Sprintf("%s: %d job(s): %s", label, len(jobs), strings.Join(list, ", "))
	if len(quarantined) > 0 {
		return []doctor.Result{{Check: name, Status: doctor.Warning, Detail: detail,
			Fix: fmt.Sprintf("provctl job show --sp %s --job %s says why the job is in quarantine", sp.ID, quarantined[0])}}
	}
	return []doctor.Result{{Check: name, Status: doctor.OK, Detail: detail}}
}

// lookupFix is the fix for a failed --sp lookup or job listing.
func (o *DoctorOptions) lookupFix(err error) string {
	var nf *provision.NotFoundError
	var amb *provision.AmbiguousError
	switch {
	case errors.As(err, &nf):
		return "check --sp: an object id, an appId or a display name (provctl sp list --name PREFIX finds it)"
	case errors.As(err, &amb):
		return "give --sp the object id of the one you mean"
	}
	if hint := errorHint(err, reportContext{settings: o.Settings, mode: o.mode(), scopes: []string{scopeSyncRead}}); hint != "" {
		return hint
	}
	return "try again; check --sp"
}
