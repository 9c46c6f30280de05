package auth

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// wantSettingError fails unless err is a *SettingError naming variable
// (exit 2 in cmd) and containing each of wants.
func wantSettingError(t *testing.T, err error, variable string, wants ...string) {
	t.Helper()
	var se *SettingError
	if !errors.As(err, &se) {
		t.Fatalf("want *auth.SettingError, got %T: %v", err, err)
	}
	var ae *Error
	if errors.As(err, &ae) {
		t.Errorf("a setting error is also an *auth.Error (exit 4): %v", err)
	}
	if se.Variable != variable || !strings.Contains(LocalFix(err), variable) {
		t.Errorf("variable %q, fix %q, want %s", se.Variable, LocalFix(err), variable)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// App-only modes take the tenant and authority host from azidentity's
// variables over the config file: the target says so, and where the
// sign-in really goes; other modes use the settings.
func TestResolveTargetAzureVariables(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		envClientID: testAppID, envClientSecret: testSecret,
		envAzureTenantID: "good.test", envAzureAuthorityHost: "https://127.0.0.1:8443/",
	}
	cfg := Config{ClientID: testAppID, Tenant: "mine.test", AuthorityHost: "https://login.microsoftonline.com", GraphURL: "https://graph.microsoft.com", Cloud: "global",
		Env: func(k string) string { return env[k] },
		Origin: func(key string) string {
			return map[string]string{"client-id": envClientID, "tenant": "tenant in config file c.yaml"}[key]
		}}
	got, err := ResolveTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := Target{Mode: ModeSecret, AuthorityHost: "https://127.0.0.1:8443", Tenant: "good.test", Cloud: "custom",
		AuthoritySource: envAzureAuthorityHost, TenantSource: envAzureTenantID}
	if got != want {
		t.Errorf("target %+v, want %+v", got, want)
	}

	// provctl's own variable wins, as for the sign-in
	env[envAuthorityHost], env[envTenant] = "https://login.microsoftonline.com", "mine.test"
	cfg.Origin = func(key string) string {
		return map[string]string{"client-id": envClientID, "tenant": envTenant, "authority-host": envAuthorityHost}[key]
	}
	if got, _ := ResolveTarget(cfg); got.AuthorityHost != cfg.AuthorityHost || got.Tenant != "mine.test" || got.Cloud != "global" || got.AuthoritySource != "" {
		t.Errorf("with PROVCTL_*: %+v", got)
	}

	// the cached sign-in of `provctl login` does not read them
	delete(env, envClientSecret)
	if got, _ := ResolveTarget(cfg); got.Mode != ModeDeviceCode || got.Tenant != "mine.test" || got.AuthorityHost != cfg.AuthorityHost {
		t.Errorf("device code: %+v", got)
	}
	if RefreshGrace(ModeDeviceCode) != redeemGrace || RefreshGrace(ModeSecret) != 0 {
		t.Error("only a refresh of the cached sign-in has a grace")
	}
}

// A config folder others can write to is refused; its fix is chmod 700
// on that folder, whatever the network.
func TestLocalFixConfigFolder(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	if err := os.Chmod(cfg.ConfigDir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, _, err := Verify(testCtx(t), cfg)
	if fix := LocalFix(err); !strings.Contains(fix, "chmod 700 "+cfg.ConfigDir) {
		t.Errorf("fix %q for %v", fix, err)
	}
	if LocalFix(errors.New("cannot reach the authority")) != "" {
		t.Error("a network failure has no local fix")
	}
}

var wholeSecondsUTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func jsonKeys(t *testing.T, v any) ([]string, map[string]any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, m
}

// The status JSON has the same keys in every mode, online and offline,
// null where a value is unknown, and its times at whole seconds in UTC.
func TestStatusJSONKeepsItsKeys(t *testing.T) {
	t.Parallel()
	fa := newFakeAuthority(t)
	cfg := fa.config(t, nil)
	login(t, cfg)
	online, _, err := Verify(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	offline, err := CachedStatus(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	junk, err := CachedStatus(testCtx(t), Config{Env: func(k string) string { return map[string]string{envAccessToken: "not-a-jwt"}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	app := appFake(t)
	appOffline, err := CachedStatus(testCtx(t), appConfig(t, app, map[string]string{envClientSecret: testSecret}))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := jsonKeys(t, online)
	if strings.Join(want, " ") != "account authorityHost cacheFile clientId cloud expiresOn mode scopes sources tenant" {
		t.Fatalf("keys %q", want)
	}
	for name, info := range map[string]*StatusInfo{"offline": offline, "static junk": junk, "app-only offline": appOffline} {
		keys, m := jsonKeys(t, info)
		if strings.Join(keys, " ") != strings.Join(want, " ") {
			t.Errorf("%s: keys %q, want %q", name, keys, want)
		}
		if name != "offline" && (m["expiresOn"] != nil || m["account"] != nil) {
			t.Errorf("%s: unknown values are not null: %v", name, m)
		}
	}
	for name, info := range map[string]*StatusInfo{"online": online, "offline": offline} {
		_, m := jsonKeys(t, info)
		if s, _ := m["expiresOn"].(string); !wholeSecondsUTC.MatchString(s) {
			t.Errorf("%s: expiresOn %q", name, m["expiresOn"])
		}
		if m["sources"] != nil {
			t.Errorf("%s: device code has sources %v", name, m["sources"])
		}
	}
	_, m := jsonKeys(t, appOffline)
	sources, _ := m["sources"].(map[string]any)
	if len(sources) != 4 || sources["credential"] != envClientSecret || sources["authorityHost"] != nil {
		t.Errorf("app-only sources %v", m["sources"])
	}
}
