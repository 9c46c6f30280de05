package cmd

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/provctl/provctl/internal/auth"
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
}

// settingKeys maps config keys (named like the flags) to their variables.
var settingKeys = map[string]string{
	"tenant":         "PROVCTL_TENANT",
	"client-id":      "PROVCTL_CLIENT_ID",
	"cloud":          "PROVCTL_CLOUD",
	"graph-url":      "PROVCTL_GRAPH_URL",
	"authority-host": "PROVCTL_AUTHORITY_HOST",
	"api-version":    "PROVCTL_API_VERSION",
	"ca-file":        "PROVCTL_CA_FILE",
	"output":         "PROVCTL_OUTPUT",
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
func newViper(flags *pflag.FlagSet, configFile string, getenv func(string) string, warn func(string, ...any)) (*viper.Viper, string, error) {
	// No folder (HOME unset) is fine for a static or app-only token: only
	// the token cache needs one, and AuthConfig says so then.
	dir, _ := configDir(getenv)
	v := viper.New()
	v.SetConfigType("yaml")
	path := configFile
	if path == "" && dir != "" {
		path = filepath.Join(dir, "config.yaml")
	}
	if path == "" {
		// no config file to read
	} else if data, err := os.ReadFile(path); err == nil {
		if err := v.ReadConfig(strings.NewReader(string(data))); err != nil {
			return nil, "", usageErr(fmt.Errorf("config file %s: %w", path, err))
		}
		for _, key := range v.AllKeys() {
			if _, known := settingKeys[key]; !known {
				warn("config file %s: unknown key %q (known keys are named like the flags, e.g. tenant, output)", path, key)
			}
		}
	} else if configFile != "" || !(errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
		return nil, "", usageErr(fmt.Errorf("config file: %w", err))
	}
	for key, env := range settingKeys {
		if e := getenv(env); e != "" {
			v.Set(key, e) // Set outranks config; flags bound below outrank env only when changed
		}
		if f := flags.Lookup(key); f != nil && f.Changed {
			v.Set(key, f.Value.String())
		}
	}
	return v, dir, nil
}

// resolveSettings applies defaults and the cloud table, and validates.
func resolveSettings(v *viper.Viper, dir string) (Settings, error) {
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
	}
	if s.Tenant == "" {
		s.Tenant = "organizations"
	}
	if s.Output == "" {
		s.Output = "table"
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
	for name, raw := range map[string]string{"PROVCTL_GRAPH_URL": s.GraphURL, "PROVCTL_AUTHORITY_HOST": s.AuthorityHost} {
		if err := checkHTTPS(name, raw); err != nil {
			return s, usageErr(err)
		}
	}
	switch s.APIVersion {
	case "":
		s.APIVersion = "beta"
	case "beta", "v1.0":
	default:
		return s, usageErr(fmt.Errorf("invalid --api-version %q: use beta or v1.0", s.APIVersion))
	}
	if err := checkTenant(s.Tenant); err != nil {
		return s, usageErr(err)
	}
	return s, nil
}

func checkHTTPS(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q is not a URL", name, raw)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%s %q must use https", name, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("%s %q must be a root URL such as https://graph.microsoft.com", name, raw)
	}
	return nil
}

func checkTenant(t string) error {
	for _, r := range t {
		if !(r == '-' || r == '.' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("invalid tenant %q: use a tenant id (GUID), a domain, or organizations", t)
		}
	}
	return nil
}
