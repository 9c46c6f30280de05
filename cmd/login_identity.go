package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/output"
)

// identityKey is the setting (config key) that selects managed identity
// sign-in; its variable is PROVCTL_MANAGED_IDENTITY.
const identityKey = "managed-identity"

// identityLoginTimeout bounds `login --identity` without --timeout: MSAL
// tries an endpoint up to three times, a minute each.
const identityLoginTimeout = defaultCommandTimeout

// identitySetting is where the managed-identity setting lives: the config
// file `login --identity` writes, and where the current value came from.
type identitySetting struct {
	path   string // the config file (--config, else <config dir>/config.yaml); "" when there is none
	source string // "PROVCTL_MANAGED_IDENTITY", "managed-identity in config file …", "" unset
	value  string
}

func (f *Factory) identitySetting(cmd *cobra.Command) (identitySetting, error) {
	s, err := f.Settings(cmd)
	if err != nil {
		return identitySetting{}, err
	}
	path := f.ConfigFile
	if path == "" && s.ConfigDir != "" {
		path = filepath.Join(s.ConfigDir, "config.yaml")
	}
	return identitySetting{path: path, source: s.sources[identityKey], value: s.ManagedIdentity}, nil
}

func (is identitySetting) inConfigFile() bool {
	return strings.HasPrefix(is.source, identityKey+" in config file")
}

// identityFlag is --identity's identity: "system", or --client-id's.
func identityFlag(clientID string) (string, error) {
	if clientID == "" {
		return auth.ManagedIdentitySystem, nil
	}
	id, err := auth.ParseManagedIdentity(clientID)
	if err != nil || id == auth.ManagedIdentitySystem {
		return "", usageErr(fmt.Errorf("--client-id %q with --identity must be a user-assigned managed identity's client id (a GUID); leave it out for the system-assigned identity", clientID))
	}
	return id, nil
}

// identityLoginRun is `login --identity`: it gets a Graph token from the
// managed identity to prove it works here, then records the choice in the
// config file so later commands use it, as `az login --identity` does.
// Nothing else is stored: the identity's tokens stay in each process.
func identityLoginRun(ctx context.Context, opts *LoginOptions) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, identityLoginTimeout)
		defer cancel()
	}
	cfg := opts.Config
	cfg.ManagedIdentity = opts.Identity
	if mode := auth.SelectMode(cfg); mode != auth.ModeManagedIdentity {
		opts.Streams.Warnf("%s is set: other commands will keep using %s sign-in, not the managed identity", modeVariable(mode), mode)
	}
	info, err := auth.LoginManagedIdentity(ctx, cfg)
	if err != nil {
		return err
	}
	what := "the system-assigned managed identity"
	if opts.Identity != auth.ManagedIdentitySystem {
		what = "the user-assigned managed identity " + opts.Identity
	}
	var about []string
	if info.ClientID != "" && !strings.EqualFold(info.ClientID, opts.Identity) {
		about = append(about, "client id "+info.ClientID)
	}
	if info.Tenant != "" {
		about = append(about, "tenant "+info.Tenant)
	}
	detail := ""
	if len(about) > 0 {
		detail = " (" + strings.Join(about, ", ") + ")"
	}
	fmt.Fprintf(opts.Streams.ErrOut, "Signed in as %s%s through %s.\n", what, output.Sanitize(detail), info.Endpoint)
	return rememberIdentity(opts)
}

// rememberIdentity writes managed-identity to the config file.
func rememberIdentity(opts *LoginOptions) error {
	is, id := opts.Setting, opts.Identity
	if is.path == "" {
		opts.Streams.Warnf("no config folder to remember the managed identity in: set PROVCTL_MANAGED_IDENTITY=%s for later commands (or PROVCTL_CONFIG_DIR)", id)
		return nil
	}
	if err := setConfigKey(is.path, identityKey, id); err != nil {
		return fmt.Errorf("signed in, but %s could not be written to %s (%v): set PROVCTL_MANAGED_IDENTITY=%s for later commands instead", identityKey, is.path, err, id)
	}
	fmt.Fprintf(opts.Streams.ErrOut, "Later commands sign in as it (%s: %s in %s); `provctl logout` forgets it. Its tokens are never written to disk.\n", identityKey, id, is.path)
	if is.source != "" && !is.inConfigFile() && !strings.EqualFold(is.value, id) {
		opts.Streams.Warnf("%s=%s is set and wins over the config file: unset it for the identity signed in here", is.source, is.value)
	}
	return nil
}

// forgetIdentity removes managed-identity from the config file after a
// user's login or a logout (said tells what follows); one set in the
// environment stays, with a warning from warnOtherMode.
func forgetIdentity(is identitySetting, streams *output.Streams, said string) {
	if !is.inConfigFile() || is.path == "" {
		return
	}
	removed, err := removeConfigKey(is.path, identityKey)
	switch {
	case err != nil:
		streams.Warnf("could not remove %s from %s (%v): remove it by hand, or later commands keep signing in as the managed identity", identityKey, is.path, err)
	case removed:
		fmt.Fprintf(streams.ErrOut, "%s (removed %s from %s).\n", said, identityKey, is.path)
	}
}

// warnOtherMode warns before a user's login when another sign-in will keep
// serving other commands. A managed identity from the config file does
// not count: the login removes it.
func warnOtherMode(opts *LoginOptions) {
	cfg := opts.Config
	if opts.Setting.inConfigFile() {
		cfg.ManagedIdentity = ""
	}
	if mode := auth.SelectMode(cfg); mode != auth.ModeDeviceCode {
		opts.Streams.Warnf("%s is set: other commands will keep using %s sign-in, not this login", modeVariable(mode), mode)
	}
}

// modeVariable names what selects a non-interactive mode.
func modeVariable(mode auth.Mode) string {
	if mode == auth.ModeManagedIdentity {
		return "PROVCTL_MANAGED_IDENTITY"
	}
	if v := modeVariables[mode]; v != "" {
		return v
	}
	return "a sign-in variable"
}
