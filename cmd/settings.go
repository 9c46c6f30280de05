package cmd

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
	"github.com/provctl/provctl/internal/provision/resolvecache"
)

// Settings are the resolved connection settings (flag > environment >
// config file > default, design.md §6).
type Settings struct {
	Tenant        string
	ClientID      string
	Cloud         string
	GraphURL      string
	AuthorityHost string
	APIVersion    string
	CAFile        string
	ConfigDir     string
	Output        string
	// CommandTimeout bounds a command that has no --timeout of its own.
	CommandTimeout time.Duration
	// OnDemandRate is the provisionOnDemand budget per job that runs share
	// (Graph's documented 5/10s unless set, e.g. for an emulator).
	OnDemandRate provision.Rate
	// ResolveCacheTTL is how long resolved names are remembered across
	// commands (0: not at all).
	ResolveCacheTTL time.Duration
	// SkippedOK makes poll and run exit 0 for a skipped outcome
	// (--skipped-ok, which the setting's flag binding covers).
	SkippedOK bool
	// Heartbeat is how long a wait in a CI log, or a run over a list in a
	// pipe, goes without a line before one says where it stands.
	Heartbeat time.Duration
	// ManagedIdentity selects managed identity sign-in: "system" or a
	// user-assigned identity's client id ("" off).
	ManagedIdentity string
	// sources says where each key's value came from ("PROVCTL_GRAPH_URL",
	// "--tenant", "graph-url in config file …"), for messages that must
	// name the setting to fix.
	sources map[string]string
}

// Source names where a setting's value came from: its flag, its variable,
// or its key in the config file. A value provctl chose itself (a default,
// or the cloud's host) is named by its variable, where it can be set.
func (s Settings) Source(key string) string {
	if src := s.sources[key]; src != "" {
		return src
	}
	if env := settingKeys[key]; env != "" {
		return env
	}
	return key
}

// layeredConfig is the merged configuration and the source of each value.
type layeredConfig struct {
	*viper.Viper
	sources map[string]string
}

// defaultCommandTimeout bounds commands without a --timeout of their own:
// a silent or dripping server must not hold a script or a CI step.
const defaultCommandTimeout = 2 * time.Minute

// settingKeys maps config keys (named like the flags) to their variables.
var settingKeys = map[string]string{
	"tenant":            "PROVCTL_TENANT",
	"client-id":         "PROVCTL_CLIENT_ID",
	"cloud":             "PROVCTL_CLOUD",
	"graph-url":         "PROVCTL_GRAPH_URL",
	"authority-host":    "PROVCTL_AUTHORITY_HOST",
	"api-version":       "PROVCTL_API_VERSION",
	"ca-file":           "PROVCTL_CA_FILE",
	"output":            "PROVCTL_OUTPUT",
	"command-timeout":   "PROVCTL_COMMAND_TIMEOUT",
	"on-demand-rate":    "PROVCTL_ON_DEMAND_RATE",
	"resolve-cache-ttl": "PROVCTL_RESOLVE_CACHE_TTL",
	"managed-identity":  "PROVCTL_MANAGED_IDENTITY",
	"skipped-ok":        "PROVCTL_SKIPPED_OK",
	"heartbeat":         "PROVCTL_HEARTBEAT",
}

// configDir is $PROVCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/provctl, else
// ~/.config/provctl.
func configDir(getenv func(string) string) (string, error) {
	if d := getenv("PROVCTL_CONFIG_DIR"); d != "" {
		return d, nil
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "provctl"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config folder: set PROVCTL_CONFIG_DIR (%w)", err)
	}
	return filepath.Join(home, ".config", "provctl"), nil
}

// newViper reads the config file (explicit path or <dir>/config.yaml, if it
// exists) and binds environment variables and the given flags.
func newViper(flags *pflag.FlagSet, configFile string, getenv func(string) string, warn func(string, ...any)) (*layeredConfig, string, error) {
	// No folder (HOME unset) is fine for a static or app-only token: only
	// the token cache needs one, and AuthConfig says so then.
	dir, _ := configDir(getenv)
	v := viper.New()
	v.SetConfigType("yaml")
	sources := map[string]string{}
	path := configFile
	if path == "" && dir != "" {
		path = filepath.Join(dir, "config.yaml")
	}
	if path == "" {
		// no config file to read
	} else if data, _, err := readTrustedConfig(path); err == nil {
		if err := v.ReadConfig(strings.NewReader(string(data))); err != nil {
			return nil, "", usageErr(fmt.Errorf("config file %s: %w", path, err))
		}
		for _, key := range v.AllKeys() {
			if _, known := settingKeys[key]; !known {
				warn("%s", unknownConfigKeyWarning(path, key))
			}
			sources[key] = fmt.Sprintf("%s in config file %s", key, path)
		}
	} else if _, untrusted := isUntrustedConfig(err); untrusted {
		return nil, "", err
	} else if configFile != "" || !(errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
		return nil, "", usageErr(fmt.Errorf("config file: %w", err))
	}
	for key, env := range settingKeys {
		if e := getenv(env); e != "" {
			v.Set(key, e) // Set outranks config; flags bound below outrank env only when changed
			sources[key] = env
		}
		if f := flags.Lookup(key); f != nil && f.Changed {
			v.Set(key, f.Value.String())
			sources[key] = "--" + key
		}
	}
	return &layeredConfig{Viper: v, sources: sources}, dir, nil
}

// resolveSettings applies defaults and the cloud table, and validates.
func resolveSettings(v *layeredConfig, dir string) (Settings, error) {
	s := Settings{
		Tenant:        v.GetString("tenant"),
		ClientID:      v.GetString("client-id"),
		Cloud:         v.GetString("cloud"),
		GraphURL:      v.GetString("graph-url"),
		AuthorityHost: v.GetString("authority-host"),
		APIVersion:    v.GetString("api-version"),
		CAFile:        v.GetString("ca-file"),
		Output:        v.GetString("output"),
		ConfigDir:     dir,
		sources:       v.sources,
	}
	if s.Tenant == "" {
		s.Tenant = "organizations"
	}
	if s.ClientID != "" && !provision.IsGUID(s.ClientID) {
		return s, usageErr(fmt.Errorf("invalid %s %q: an application (client) id is a GUID, as the app registration shows it", s.Source("client-id"), graph.Clip(s.ClientID)))
	}
	if s.Output == "" {
		s.Output = "table"
	}
	if _, err := output.ParseFormat(s.Output); err != nil {
		// Named here, so that every command's message says where it came from.
		return s, usageErr(fmt.Errorf("%s: %w", s.Source("output"), err))
	}
	s.CommandTimeout = defaultCommandTimeout
	if ct := v.GetString("command-timeout"); ct != "" {
		d, err := time.ParseDuration(ct)
		if err != nil || d <= 0 {
			return s, usageErr(fmt.Errorf("invalid %s %q: use a positive duration such as 2m or 90s", s.Source("command-timeout"), ct))
		}
		s.CommandTimeout = d
	}
	s.ResolveCacheTTL = resolvecache.DefaultTTL
	if ttl := v.GetString("resolve-cache-ttl"); ttl != "" {
		d, err := time.ParseDuration(ttl)
		if err != nil || d < 0 {
			return s, usageErr(fmt.Errorf("invalid %s %q: use a duration such as 24h, or 0 to turn the cache off", s.Source("resolve-cache-ttl"), ttl))
		}
		s.ResolveCacheTTL = d
	}
	if err := resolveCISettings(v, &s); err != nil {
		return s, err
	}
	s.OnDemandRate = provision.DefaultRate
	if rate := v.GetString("on-demand-rate"); rate != "" {
		r, err := provision.ParseRate(rate)
		if err != nil {
			return s, usageErr(fmt.Errorf("%s: %w", s.Source("on-demand-rate"), err))
		}
		s.OnDemandRate = r
	}
	if mi := v.GetString("managed-identity"); mi != "" {
		id, err := auth.ParseManagedIdentity(mi)
		if err != nil {
			return s, usageErr(fmt.Errorf("%s: %w", s.Source("managed-identity"), err))
		}
		s.ManagedIdentity = id
	}
	if s.ClientID == "" {
		s.ClientID = auth.DefaultClientID
	}
	cloud, err := auth.LookupCloud(s.Cloud)
	if err != nil {
		return s, usageErr(err)
	}
	s.Cloud = cloud.Name
	if s.GraphURL == "" {
		s.GraphURL = cloud.GraphURL
	}
	if s.AuthorityHost == "" {
		s.AuthorityHost = cloud.AuthorityHost
	}
	s.GraphURL = strings.TrimRight(s.GraphURL, "/")
	s.AuthorityHost = strings.TrimRight(s.AuthorityHost, "/")
	for key, raw := range map[string]string{"graph-url": s.GraphURL, "authority-host": s.AuthorityHost} {
		if err := checkHTTPS(s.Source(key), raw); err != nil {
			return s, usageErr(err)
		}
	}
	switch s.APIVersion {
	case "":
		s.APIVersion = "beta"
	case "beta", "v1.0":
	default:
		return s, usageErr(fmt.Errorf("invalid %s %q: use beta or v1.0", s.Source("api-version"), s.APIVersion))
	}
	if err := checkTenant(s.Tenant); err != nil {
		return s, usageErr(fmt.Errorf("%s: %w", s.Source("tenant"), err))
	}
	return s, nil
}

// checkHTTPS validates a root URL; name is where it came from, so the
// message names what to fix.
func checkHTTPS(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q is not a URL", name, graph.RedactURLUserinfo(raw))
	}
	shown := graph.RedactURLUserinfo(raw)
	if u.User != nil {
		// A password here would be printed by every message naming the URL.
		return fmt.Errorf("%s %q must not hold a user name or password: provctl signs in with tokens (a proxy's credentials go in HTTPS_PROXY)", name, shown)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%s %q must use https", name, shown)
	}
	if u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("%s %q must be a root URL such as https://graph.microsoft.com", name, shown)
	}
	// url.Parse takes any digits as a port; a dial would fail on each try.
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s %q has an invalid port (use 1-65535)", name, shown)
		}
	}
	return nil
}

// maxTenantLength is a domain's longest (RFC 1035); a GUID is shorter.
const maxTenantLength = 253

func checkTenant(t string) error {
	if len(t) > maxTenantLength {
		// Not echoed: a value that long is a paste gone wrong.
		return fmt.Errorf("invalid tenant: %d characters long; a tenant id (GUID) or domain has at most %d", len(t), maxTenantLength)
	}
	for _, r := range t {
		if !(r == '-' || r == '.' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("invalid tenant %q: use a tenant id (GUID), a domain, or organizations", t)
		}
	}
	return nil
}
