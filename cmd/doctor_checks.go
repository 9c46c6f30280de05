package cmd

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/provision"
)

// doctorState is what earlier checks found and later ones use.
type doctorState struct {
	caPEM     []byte                   // PROVCTL_CA_FILE's content
	proxies   map[string]*url.URL      // per endpoint label; nil: direct
	probes    map[string]*doctor.Probe // per endpoint label
	info      *auth.StatusInfo         // the verified sign-in
	tokens    auth.TokenSource         // hands out the verified token
	claims    *doctor.Claims           // nil when the token is opaque
	graphAPI  provision.GraphAPI       // signed in with tokens
	forbidden bool                     // Graph accepted the token but refused to list service principals
}

// Check names that later checks need.
const (
	checkSettings   = "settings"
	checkCA         = "CA certificates"
	checkProxy      = "proxy"
	checkAuthority  = "authority"
	checkGraph      = "Graph"
	checkMode       = "sign-in mode"
	checkSignIn     = "sign-in"
	checkToken      = "token"
	checkGraphToken = "Graph accepts the token"
)

// doctorChecks is the checklist, in the order a command goes through.
func doctorChecks(o *DoctorOptions, st *doctorState) []doctor.Check {
	network := []string{checkSettings, checkCA, checkProxy}
	checks := []doctor.Check{
		{Name: "config file", Run: o.checkConfigFile},
		{Name: checkSettings, Run: o.checkSettings},
		{Name: checkCA, Needs: []string{checkSettings}, Run: func(context.Context) []doctor.Result { return o.checkCA(st) }},
		{Name: checkProxy, Needs: []string{checkSettings}, Run: func(context.Context) []doctor.Result { return o.checkProxy(st) }},
		{Name: checkAuthority, Needs: network, Run: func(ctx context.Context) []doctor.Result { return o.checkAuthority(ctx, st) }},
		{Name: checkGraph, Needs: network, Run: func(ctx context.Context) []doctor.Result { return o.checkGraphReachable(ctx, st) }},
		{Name: "clock", Needs: []string{checkSettings}, Run: func(context.Context) []doctor.Result { return o.checkClock(st) }},
		{Name: checkMode, Needs: []string{checkSettings, checkCA}, Run: o.checkMode},
		{Name: checkSignIn, Needs: o.signInNeeds(), Timeout: o.signInBound(),
			Run: func(ctx context.Context) []doctor.Result { return o.checkSignIn(ctx, st) }},
		{Name: checkToken, Needs: []string{checkSignIn}, Run: func(ctx context.Context) []doctor.Result { return o.checkToken(ctx, st) }},
		{Name: "permissions", Needs: []string{checkToken}, Run: func(context.Context) []doctor.Result { return o.checkPermissions(st) }},
		{Name: checkGraphToken, Needs: []string{checkSignIn, checkGraph}, Run: func(ctx context.Context) []doctor.Result { return o.checkGraphToken(ctx, st) }},
	}
	if o.SP != "" {
		checks = append(checks, doctor.Check{Name: "synchronization API", Needs: []string{checkGraphToken}, Timeout: 10 * time.Second,
			Run: func(ctx context.Context) []doctor.Result { return o.checkSynchronization(ctx, st) }})
	}
	return checks
}

func (o *DoctorOptions) checkConfigFile(context.Context) []doctor.Result {
	path := o.ConfigFile
	if path == "" {
		return []doctor.Result{{Status: doctor.OK, Detail: "no config folder (neither PROVCTL_CONFIG_DIR, XDG_CONFIG_HOME nor HOME is set): no config file is read"}}
	}
	data, _, err := readTrustedConfig(path)
	if ue, untrusted := isUntrustedConfig(err); untrusted {
		return []doctor.Result{{Status: doctor.Failed, Detail: ue.Error(), Fix: ue.fix()}}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist) && o.ConfigGiven:
		return []doctor.Result{{Status: doctor.Failed, Detail: "--config " + path + " does not exist", Fix: "check the path given to --config"}}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return []doctor.Result{{Status: doctor.Failed, Detail: fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err)),
			Fix: "make it readable (chmod 600 " + path + "), or point --config at another file"}}
	case err != nil:
		return []doctor.Result{{Status: doctor.OK, Detail: "none at " + path + ": settings come from flags, the environment and defaults"}}
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
		return []doctor.Result{{Status: doctor.Failed, Detail: fmt.Sprintf("%s is not valid YAML: %s", path, msg),
			Fix: "fix the file: one setting per line, named like the flags (tenant: contoso.onmicrosoft.com)"}}
	}
	var unknown, secrets []string
	for key := range doc {
		if _, ok := settingKeys[strings.ToLower(key)]; ok {
			continue
		}
		if e, ok := envOnlyKey(key); ok && isSecretSetting(e) {
			secrets = append(secrets, key)
		} else {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	sort.Strings(secrets)
	var out []doctor.Result
	if len(secrets) > 0 {
		// Ignored like any unknown key, but the secret sits in clear text in
		// a file that backups copy: it must go, and be replaced.
		out = append(out, doctor.Result{Status: doctor.Warning,
			Detail: fmt.Sprintf("%s holds %s: a secret must not be stored in clear text in a file (provctl reads secrets only from the environment)", path, strings.Join(secrets, ", ")),
			Fix:    "remove it (provctl config unset " + secrets[0] + ") and rotate the secret; give the new one in its PROVCTL_ variable"})
	}
	if len(unknown) > 0 {
		out = append(out, doctor.Result{Status: doctor.Warning, Detail: fmt.Sprintf("%s: unknown keys %s are ignored", path, strings.Join(unknown, ", ")),
			Fix: "rename or remove them: keys are named like the flags (provctl help environment lists them with their variables)"})
	}
	if len(out) > 0 {
		return out
	}
	return []doctor.Result{{Status: doctor.OK, Detail: fmt.Sprintf("%s: %d settings", path, len(doc))}}
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkSettings shows the settings in effect, one line each, with where
// each came from: the connection settings always, the others when set.
func (o *DoctorOptions) checkSettings(context.Context) []doctor.Result {
	if o.SettingsErr != nil {
		return []doctor.Result{{Status: doctor.Failed, Detail: o.SettingsErr.Error(),
			Fix: "correct the flag, environment variable or config key the message names"}}
	}
	s := o.Settings
	line := func(key, value, dflt string) doctor.Result {
		from := s.sources[key]
		if from == "" {
			from = "default"
			if dflt != "" {
				from = dflt
			}
		}
		return doctor.Result{Check: "setting " + key, Status: doctor.OK, Detail: value + " (" + from + ")"}
	}
	cloudDefault := "default for cloud " + s.Cloud
	out := []doctor.Result{
		o.azureNote(line("tenant", s.Tenant, "default: any work or school account"), o.tenant(), o.tenantSource(), s.Tenant),
		line("client-id", s.ClientID, "default: Microsoft Graph Command Line Tools"),
		o.cloudLine(line("cloud", s.Cloud, "")),
		line("graph-url", s.GraphURL, cloudDefault),
		o.azureNote(line("authority-host", s.AuthorityHost, cloudDefault), o.authorityHost(), o.authoritySource(), s.AuthorityHost),
		line("api-version", s.APIVersion, ""),
	}
	if s.CAFile != "" {
		out = append(out, line("ca-file", s.CAFile, ""))
	}
	optional := []struct{ key, value string }{
		{"managed-identity", s.ManagedIdentity},
		{"output", s.Output},
		{"command-timeout", s.CommandTimeout.String()},
		{"on-demand-rate", s.OnDemandRate.String()},
		{"resolve-cache-ttl", s.ResolveCacheTTL.String()},
		{"skipped-ok", fmt.Sprint(s.SkippedOK)},
		{"heartbeat", s.Heartbeat.String()},
	}
	for _, opt := range optional {
		if s.sources[opt.key] != "" {
			out = append(out, line(opt.key, opt.value, ""))
		}
	}
	return out
}

// azureNote adds to a setting's line the value an app-only sign-in uses
// instead (AZURE_TENANT_ID, AZURE_AUTHORITY_HOST win over the config file
// and the defaults), so the line does not say what is not in use.
func (o *DoctorOptions) azureNote(r doctor.Result, used, from, setting string) doctor.Result {
	if used != setting && strings.HasPrefix(from, "AZURE_") {
		r.Detail += fmt.Sprintf("; the app-only sign-in uses %s from %s instead", used, from)
	}
	return r
}

// cloudLine shows the cloud as `auth status` does: the hosts in use name
// it, "custom" when they are no Microsoft cloud's (the emulator, a proxy).
func (o *DoctorOptions) cloudLine(r doctor.Result) doctor.Result {
	s := o.Settings
	inUse := auth.CloudName(o.authorityHost(), s.GraphURL)
	if strings.EqualFold(inUse, s.Cloud) {
		return r
	}
	r.Detail = fmt.Sprintf("%s: the Graph URL (%s) and the authority host (%s) in use are not both cloud %s's (%s)",
		inUse, s.Source("graph-url"), o.authoritySource(), s.Cloud, nonEmptyText(s.sources["cloud"], "default"))
	return r
}

// caSource names where the CA file setting came from.
func (o *DoctorOptions) caSource() string { return o.Settings.Source("ca-file") }

func (o *DoctorOptions) checkCA(st *doctorState) []doctor.Result {
	path := o.Settings.CAFile
	if path == "" {
		return []doctor.Result{{Status: doctor.OK, Detail: "the system's trusted roots (PROVCTL_CA_FILE is not set)"}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []doctor.Result{{Status: doctor.Failed, Detail: fmt.Sprintf("cannot read %s %s: %v", o.caSource(), path, unwrapPath(err)),
			Fix: "point " + o.caSource() + " at a readable PEM file of CA certificates, or unset it"}}
	}
	var names []string
	expired := ""
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		names = append(names, cert.Subject.CommonName)
		if o.Now().After(cert.NotAfter) {
			expired = cert.Subject.CommonName
		}
	}
	if len(names) == 0 {
		return []doctor.Result{{Status: doctor.Failed, Detail: fmt.Sprintf("%s %s holds no PEM certificate", o.caSource(), path),
			Fix: "point " + o.caSource() + " at the CA certificate in PEM form (-----BEGIN CERTIFICATE-----), e.g. the emulator's ca.pem"}}
	}
	st.caPEM = data
	detail := fmt.Sprintf("%s %s: %d certificate(s) (%s), trusted as well as the system's roots", o.caSource(), path, len(names), strings.Join(names, ", "))
	if expired != "" {
		return []doctor.Result{{Status: doctor.Warning, Detail: detail + "; " + expired + " has expired",
			Fix: "replace the expired CA certificate in " + path}}
	}
	return []doctor.Result{{Status: doctor.OK, Detail: detail}}
}

// checkProxy says which proxy the transport uses for the authority and for
// Graph (HTTPS_PROXY, NO_PROXY; loopback addresses are never proxied).
func (o *DoctorOptions) checkProxy(st *doctorState) []doctor.Result {
	st.proxies = map[string]*url.URL{}
	if name := o.proxyVariable(); name != "" {
		// net/http drops a value it cannot read without a word: say so,
		// or the lines below would blame NO_PROXY.
		if problem, ignored := doctor.ProxyProblem(o.Getenv(name)); problem != "" {
			effect := "a request through it fails"
			if ignored {
				effect = "every request ignores it and connects directly"
			}
			return []doctor.Result{{Status: doctor.Failed, Detail: fmt.Sprintf("%s is set, but is not a proxy URL: %s; %s", name, problem, effect),
				Fix: "set " + name + " to the proxy's URL, http://host:port (e.g. http://proxy.contoso.com:3128), or unset it"}}
		}
	}
	var used []string
	for _, ep := range []struct{ label, root string }{{checkAuthority, o.authorityHost()}, {checkGraph, o.Settings.GraphURL}} {
		req, err := http.NewRequest(http.MethodGet, ep.root+"/", nil)
		if err != nil {
			return []doctor.Result{{Status: doctor.Failed, Detail: err.Error()}}
		}
		proxy, err := o.Proxy(req)
		if err != nil {
			return []doctor.Result{{Status: doctor.Failed, Detail: fmt.Sprintf("%s is not a proxy URL: %v", o.proxyVariable(), err),
				Fix: "set " + o.proxyVariable() + " to the proxy's URL, e.g. http://proxy.contoso.com:3128, or unset it"}}
		}
		st.proxies[ep.label] = proxy
		if proxy != nil {
			used = append(used, fmt.Sprintf("%s for %s", doctor.ProxyText(proxy), ep.label))
		}
	}
	noProxy := ""
	if v := o.firstEnv("NO_PROXY", "no_proxy"); v != "" {
		noProxy = "; NO_PROXY " + v
	}
	switch {
	case len(used) > 0:
		return []doctor.Result{{Status: doctor.OK, Detail: strings.Join(used, ", ") + " (" + o.proxyVariable() + ")" + noProxy}}
	case o.proxyVariable() != "":
		return []doctor.Result{{Status: doctor.OK, Detail: "none: " + o.proxyVariable() + " is set, but not used for these hosts (NO_PROXY, or a loopback address)" + noProxy}}
	}
	return []doctor.Result{{Status: doctor.OK, Detail: "none: direct connections (HTTPS_PROXY is not set)"}}
}

// proxyVariable names the variable that sets the proxy of https URLs, as
// net/http reads them ("" when none is set).
func (o *DoctorOptions) proxyVariable() string {
	for _, name := range []string{"HTTPS_PROXY", "https_proxy"} {
		if o.Getenv(name) != "" {
			return name
		}
	}
	return ""
}

func (o *DoctorOptions) firstEnv(names ...string) string {
	for _, n := range names {
		if v := o.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
