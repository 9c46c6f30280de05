package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
)

// azureTarget is where an app-only sign-in really goes when it took the
// tenant or the authority host from azidentity's AZURE_TENANT_ID or
// AZURE_AUTHORITY_HOST (which win over the config file and the defaults);
// false when the settings are what the sign-in uses.
func (o *DoctorOptions) azureTarget() (auth.Target, bool) {
	if o.SettingsErr != nil || o.AuthErr != nil {
		return auth.Target{}, false
	}
	t, err := auth.ResolveTarget(o.Auth)
	if err != nil || (t.AuthoritySource == "" && t.TenantSource == "") {
		return auth.Target{}, false
	}
	return t, true
}

// authorityHost and tenant are those the sign-in uses, and
// authoritySource and tenantSource where they came from: the probes must
// ask the authority the sign-in asks, and the fixes name its setting.
func (o *DoctorOptions) authorityHost() string {
	if t, ok := o.azureTarget(); ok && t.AuthoritySource != "" {
		return t.AuthorityHost
	}
	return o.Settings.AuthorityHost
}

func (o *DoctorOptions) authoritySource() string {
	if t, ok := o.azureTarget(); ok && t.AuthoritySource != "" {
		return t.AuthoritySource
	}
	return o.Settings.Source("authority-host")
}

func (o *DoctorOptions) tenant() string {
	if t, ok := o.azureTarget(); ok && t.TenantSource != "" {
		return t.Tenant
	}
	return o.Settings.Tenant
}

func (o *DoctorOptions) tenantSource() string {
	if t, ok := o.azureTarget(); ok && t.TenantSource != "" {
		return t.TenantSource
	}
	return o.Settings.Source("tenant")
}

// endpoint describes the authority or Graph for the probe's lines.
func (o *DoctorOptions) endpoint(label, key string, st *doctorState) doctor.Endpoint {
	setting := o.Settings.Source(key)
	if key == "authority-host" {
		setting = o.authoritySource()
	}
	e := doctor.Endpoint{Label: label, Setting: setting}
	if o.Settings.CAFile != "" {
		e.CASetting, e.CAFile, e.CAPEM = o.caSource(), o.Settings.CAFile, st.caPEM
	}
	if st.proxies[label] != nil {
		e.ProxySetting = o.proxyVariable()
	}
	return e
}

// probe sends one unauthenticated GET over a new client, as configured
// for every command, and keeps what it went through.
func (o *DoctorOptions) probe(ctx context.Context, st *doctorState, label, rawURL string) (*doctor.Probe, []doctor.Result) {
	client, err := o.NewHTTP()
	if err != nil {
		return nil, []doctor.Result{{Check: label, Status: doctor.Failed, Detail: err.Error(), Fix: "correct " + o.caSource()}}
	}
	defer client.CloseIdleConnections()
	p := doctor.RunProbe(ctx, client, rawURL, st.proxies[label])
	if st.probes == nil {
		st.probes = map[string]*doctor.Probe{}
	}
	st.probes[label] = p
	return p, nil
}

// checkAuthority fetches the tenant's OpenID configuration, the first
// thing MSAL asks the authority for.
func (o *DoctorOptions) checkAuthority(ctx context.Context, st *doctorState) []doctor.Result {
	target := o.authorityHost() + "/" + url.PathEscape(o.tenant()) + "/v2.0/.well-known/openid-configuration"
	p, failed := o.probe(ctx, st, checkAuthority, target)
	if failed != nil {
		return failed
	}
	e := o.endpoint(checkAuthority, "authority-host", st)
	e.Judge = o.judgeAuthority
	return p.Results(e)
}

// judgeAuthority reads the authority's answer: the tenant's sign-in
// configuration, or the error that says the tenant is unknown.
func (o *DoctorOptions) judgeAuthority(p *doctor.Probe) doctor.Result {
	var doc struct {
		TokenEndpoint string `json:"token_endpoint"`
		Error         string `json:"error"`
	}
	_ = json.Unmarshal(p.Body, &doc)
	switch {
	case p.Status == http.StatusOK && doc.TokenEndpoint != "":
		return doctor.Result{Status: doctor.OK, Detail: p.AnswerText() + ": the sign-in configuration of tenant " + o.tenant()}
	case doc.Error == "invalid_tenant":
		return doctor.Result{Status: doctor.Failed, Detail: p.AnswerText() + ": the authority knows no tenant " + o.tenant(),
			Fix: "check the tenant (" + o.tenantSource() + "): its id, or a verified domain such as contoso.onmicrosoft.com, in this cloud (--cloud)"}
	}
	return doctor.Result{Status: doctor.Failed, Detail: p.AnswerText() + ", but not with the sign-in configuration an authority serves",
		Fix: "check " + o.authoritySource() + " and --cloud; a proxy's or portal's page answers like this too (HTTPS_PROXY, NO_PROXY)"}
}

// checkGraphReachable asks Graph for service principals without a token:
// Graph answers 401 ("Access token is empty.") in JSON, which shows it is
// there; the token's own check comes later.
func (o *DoctorOptions) checkGraphReachable(ctx context.Context, st *doctorState) []doctor.Result {
	target := o.Settings.GraphURL + "/" + o.Settings.APIVersion + "/servicePrincipals"
	p, failed := o.probe(ctx, st, checkGraph, target)
	if failed != nil {
		return failed
	}
	e := o.endpoint(checkGraph, "graph-url", st)
	e.Judge = o.judgeGraph
	return p.Results(e)
}

func (o *DoctorOptions) judgeGraph(p *doctor.Probe) doctor.Result {
	ctype, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
	if ctype == "application/json" {
		return doctor.Result{Status: doctor.OK, Detail: p.AnswerText() + " (asked without a token)"}
	}
	return doctor.Result{Status: doctor.Warning, Detail: fmt.Sprintf("%s with %s, not Graph's JSON", p.AnswerText(), nonEmptyText(ctype, "no content type")),
		Fix: "check " + o.Settings.Source("graph-url") + " and --cloud; a proxy's or portal's page answers like this (HTTPS_PROXY, NO_PROXY)"}
}

func nonEmptyText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkClock compares this machine's clock with Graph's (else the
// authority's) Date header.
func (o *DoctorOptions) checkClock(st *doctorState) []doctor.Result {
	for _, label := range []string{checkGraph, checkAuthority} {
		p := st.probes[label]
		if p == nil || p.Status == 0 || p.Header.Get("Date") == "" {
			continue
		}
		skew, err := doctor.ClockSkew(p.Header.Get("Date"), p.Sent, p.Answered)
		if err != nil {
			return []doctor.Result{{Status: doctor.Warning, Detail: err.Error()}}
		}
		return []doctor.Result{doctor.ClockResult(skew, label+" ("+p.URL.Host+")")}
	}
	return []doctor.Result{{Status: doctor.Skipped, Detail: "not run: neither Graph nor the authority answered with a Date"}}
}
