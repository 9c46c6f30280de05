package cmd

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/provctl/provctl/internal/graph"
)

// The keys `provctl config` knows are the settings' own (settingKeys), and
// a value is checked by the code that reads it for every command
// (resolveSettings, then what the printer and the HTTP client check): there
// is no second validator to drift.

// configKeys are the keys a config file may hold, sorted.
func configKeys() []string {
	keys := make([]string, 0, len(settingKeys))
	for k := range settingKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// envOnlySetting is a setting provctl reads from the environment only.
type envOnlySetting struct {
	Env string
	Why string
}

const secretOnlyInEnv = "it is a secret: provctl reads secrets only from the environment, never from a flag or the config file, where they would outlive the shell that needs them"

// envOnlySettings are the names a user may try to set in the config file
// but that provctl reads only from the environment, and why.
var envOnlySettings = map[string]envOnlySetting{
	"access-token":                {"PROVCTL_ACCESS_TOKEN", secretOnlyInEnv},
	"client-secret":               {"PROVCTL_CLIENT_SECRET", secretOnlyInEnv},
	"client-certificate-password": {"PROVCTL_CLIENT_CERTIFICATE_PASSWORD", secretOnlyInEnv},
	"client-certificate":          {"PROVCTL_CLIENT_CERTIFICATE", "app-only credentials are read only from the environment, with the password that may go with them"},
	"config-dir":                  {"PROVCTL_CONFIG_DIR", "it says where the config file is, so the file cannot say it"},
}

// envOnlyKey finds the environment-only setting a config file key stands
// for: its name in any case, with _ for -, or its variable's name; a
// nested key ("auth.client-secret") by its last part.
func envOnlyKey(key string) (envOnlySetting, bool) {
	if i := strings.LastIndex(key, "."); i >= 0 {
		key = key[i+1:]
	}
	k := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(key)), "_", "-")
	for name, e := range envOnlySettings {
		if k == name || strings.EqualFold(key, e.Env) {
			return e, true
		}
	}
	return envOnlySetting{}, false
}

// isSecretSetting says whether an environment-only setting is a secret.
func isSecretSetting(e envOnlySetting) bool { return e.Why == secretOnlyInEnv }

// unknownConfigKeyWarning says why a key of the config file is not read.
// A secret there is not just ignored: it sits in clear text in a file that
// backups and dotfile repositories copy, so it must be removed and
// replaced. The value is never shown.
func unknownConfigKeyWarning(path, key string) string {
	e, ok := envOnlyKey(key)
	switch {
	case ok && isSecretSetting(e):
		remove := "remove it"
		if !strings.Contains(key, ".") {
			remove += " (`provctl config unset " + key + "`)"
		}
		return fmt.Sprintf("config file %s holds %s, a secret: provctl never reads it from there, and a secret must not be stored in clear text in a file; %s and rotate the secret, then give the new one in %s", path, key, remove, e.Env)
	case ok:
		return fmt.Sprintf("config file %s: %s is not read from there: %s; set %s instead", path, key, e.Why, e.Env)
	}
	return fmt.Sprintf("config file %s: unknown key %q (known keys are named like the flags, e.g. tenant, output)", path, key)
}

// checkConfigKey refuses a key the config file cannot hold: an
// environment-only setting (saying why), or an unknown key (naming close
// ones). Both are usage errors.
func checkConfigKey(key string) error {
	if _, ok := settingKeys[key]; ok {
		return nil
	}
	if e, ok := envOnlySettings[key]; ok {
		return usageErr(fmt.Errorf("%s cannot be kept in the config file: %s; set %s instead", key, e.Why, e.Env))
	}
	msg := fmt.Sprintf("unknown setting %q", key)
	if near := closeConfigKeys(key); len(near) > 0 {
		msg += "; did you mean " + orList(near) + "?"
	}
	return usageErr(errors.New(msg + " (`provctl config list` shows every setting)"))
}

// closeConfigKeys are the keys key may have meant: its variable's key
// (PROVCTL_TENANT), or keys a typo or two away, or that hold it or that it
// holds.
func closeConfigKeys(key string) []string {
	k := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(key)), "_", "-")
	var near []string
	for _, c := range configKeys() {
		switch {
		case strings.EqualFold(key, settingKeys[c]), k == c:
			return []string{c}
		case editDistance(k, c) <= 2,
			len(k) >= 3 && (strings.Contains(c, k) || strings.Contains(k, c)):
			near = append(near, c)
		}
	}
	return near
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// orList spells names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// checkSettingValue checks one value for key as every command would read
// it from source (e.g. "tenant in config file …", or just the key).
func checkSettingValue(key, value, source string) error {
	v := viper.New()
	v.Set(key, value)
	s, err := resolveSettings(&layeredConfig{Viper: v, sources: map[string]string{key: source}}, "")
	if err != nil {
		return err
	}
	return checkSettingsInUse(s)
}

// checkSettingsInUse makes the checks that commands make when they use the
// settings, after resolveSettings: the CA file (Factory.HTTPClient).
func checkSettingsInUse(s Settings) error {
	if s.CAFile != "" {
		if _, err := graph.NewHTTPClient(s.CAFile, nil); err != nil {
			if inner := errors.Unwrap(err); inner != nil {
				err = inner // "open …: no such file or directory", without the variable's name
			}
			return usageErr(fmt.Errorf("invalid %s %q: %w", s.Source("ca-file"), s.CAFile, err))
		}
	}
	return nil
}

// settingValues spell each setting's value in effect as the config file
// takes it (a test keeps it in step with settingKeys).
var settingValues = map[string]func(Settings) string{
	"tenant":          func(s Settings) string { return s.Tenant },
	"client-id":       func(s Settings) string { return s.ClientID },
	"cloud":           func(s Settings) string { return s.Cloud },
	"graph-url":       func(s Settings) string { return s.GraphURL },
	"authority-host":  func(s Settings) string { return s.AuthorityHost },
	"api-version":     func(s Settings) string { return s.APIVersion },
	"ca-file":         func(s Settings) string { return s.CAFile },
	"output":          func(s Settings) string { return s.Output },
	"command-timeout": func(s Settings) string { return settingDuration(s.CommandTimeout) },
	"on-demand-rate": func(s Settings) string {
		return fmt.Sprintf("%d/%s", s.OnDemandRate.Limit, settingDuration(s.OnDemandRate.Window))
	},
	"resolve-cache-ttl": func(s Settings) string { return settingDuration(s.ResolveCacheTTL) },
	"managed-identity":  func(s Settings) string { return s.ManagedIdentity },
	"skipped-ok":        func(s Settings) string { return strconv.FormatBool(s.SkippedOK) },
	"heartbeat":         func(s Settings) string { return settingDuration(s.Heartbeat) },
}

// settingDuration spells d as one would write it: 2m, 24h, 1m30s, 0.
func settingDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// configFilePath is the file `provctl config` reads and edits: --config,
// else config.yaml in the config folder.
func (f *Factory) configFilePath() (string, error) {
	if f.ConfigFile != "" {
		return f.ConfigFile, nil
	}
	dir, err := configDir(f.Getenv)
	if err != nil {
		return "", usageErr(fmt.Errorf("no config file: %w, or use --config", err))
	}
	return filepath.Join(dir, "config.yaml"), nil
}
