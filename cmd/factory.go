package cmd

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/auth"
	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
	"github.com/provctl/provctl/internal/provision/resolvecache"
)

// Factory gives commands what they share: streams, settings, the printer
// and a Graph client. Commands read it in RunE and pass plain values to
// their run functions.
type Factory struct {
	Streams *output.Streams
	Getenv  func(string) string
	// rawErr is stderr before guardStderr wrapped it (nil when not).
	rawErr io.Writer

	// Global flag values.
	Output     string
	JQ         string
	NoColor    bool
	NoHeaders  bool
	Debug      bool
	APIVersion string
	Cloud      string
	Tenant     string
	ConfigFile string

	// ServiceFunc, when set, replaces how Service builds the provisioning
	// service (sign-in and Graph client): tests give commands a Service
	// whose Graph is a test double (internal/graph/graphtest).
	ServiceFunc func(cmd *cobra.Command, scopes ...string) (*provision.Service, error)

	scopes   []string // the permissions the running command asked for, for error hints
	once     sync.Once
	settings Settings
	err      error
	httpc    *http.Client

	// stopTimeout ends the --command-timeout deadline, if one was set.
	stopTimeout    func()
	commandTimeout time.Duration
}

// NewFactory returns a Factory over streams, reading the environment
// through getenv (os.Getenv outside tests).
func NewFactory(streams *output.Streams, getenv func(string) string) *Factory {
	return &Factory{Streams: streams, Getenv: getenv}
}

// Settings resolves and validates the connection settings once.
func (f *Factory) Settings(cmd *cobra.Command) (Settings, error) {
	f.once.Do(func() {
		v, dir, err := newViper(cmd.Flags(), f.ConfigFile, f.Getenv, f.Streams.Warnf)
		if err != nil {
			f.err = err
			return
		}
		f.settings, f.err = resolveSettings(v, dir)
	})
	return f.settings, f.err
}

// Printer builds the printer for -o/--jq.
func (f *Factory) Printer(cmd *cobra.Command) (*output.Printer, error) {
	s, err := f.Settings(cmd)
	if err != nil {
		return nil, err
	}
	if f.NoColor {
		f.Streams.DisableColor()
	}
	format, err := output.ParseFormat(s.Output)
	if err != nil {
		return nil, usageErr(err)
	}
	if s.sources["output"] == "" {
		format = "" // the default: table, or JSON with --jq
	}
	p, err := output.NewPrinter(f.Streams, format, f.JQ)
	if jqt := (*output.JQTableError)(nil); errors.As(err, &jqt) {
		jqt.Source = s.Source("output")
	}
	if err != nil {
		return nil, usageErr(err)
	}
	p.NoHeaders = f.NoHeaders
	return p, nil
}

// HTTPClient is shared by sign-in and Graph, so --debug traces both.
func (f *Factory) HTTPClient(cmd *cobra.Command) (*http.Client, error) {
	s, err := f.Settings(cmd)
	if err != nil {
		return nil, err
	}
	if f.httpc == nil {
		var trace io.Writer
		if f.Debug {
			// Bodies may come from a proxy's HTML page: never let them drive the terminal.
			trace = output.SafeWriter{W: f.Streams.ErrOut}
		}
		c, err := graph.NewHTTPClient(s.CAFile, trace)
		if err != nil {
			return nil, usageErr(err)
		}
		f.httpc = c
	}
	return f.httpc, nil
}

// AuthConfig builds the sign-in configuration.
func (f *Factory) AuthConfig(cmd *cobra.Command) (auth.Config, error) {
	s, err := f.Settings(cmd)
	if err != nil {
		return auth.Config{}, err
	}
	httpc, err := f.HTTPClient(cmd)
	if err != nil {
		return auth.Config{}, err
	}
	cfg := auth.Config{
		Tenant:        s.Tenant,
		ClientID:      s.ClientID,
		AuthorityHost: s.AuthorityHost,
		GraphURL:      s.GraphURL,
		Cloud:         s.Cloud,
		ConfigDir:     s.ConfigDir,
		HTTPClient:    httpc,
		Env:           f.Getenv,
		Warn:          func(msg string) { f.Streams.Warnf("%s", msg) },
		Origin:        func(key string) string { return s.sources[key] },
		// Managed identity: setting managed-identity (login --identity writes it).
		ManagedIdentity: s.ManagedIdentity,
	}
	if cfg.ConfigDir == "" && auth.SelectMode(cfg) == auth.ModeDeviceCode {
		return cfg, usageErr(errors.New("no folder for the token cache: set PROVCTL_CONFIG_DIR (or HOME)"))
	}
	return cfg, nil
}

// Service returns a provisioning service whose Graph client signs in with
// the given delegated scopes (app-only modes use .default).
func (f *Factory) Service(cmd *cobra.Command, scopes ...string) (*provision.Service, error) {
	if f.ServiceFunc != nil {
		f.scopes = scopes
		return f.ServiceFunc(cmd, scopes...)
	}
	s, err := f.Settings(cmd)
	if err != nil {
		return nil, err
	}
	cfg, err := f.AuthConfig(cmd)
	if err != nil {
		return nil, err
	}
	f.scopes = scopes
	tokens, err := auth.NewTokenSource(cfg, scopes)
	if err != nil {
		return nil, err
	}
	if f.Debug {
		fmt.Fprintf(f.Streams.ErrOut, "debug: sign-in mode %s, Graph %s/%s\n", auth.SelectMode(cfg), s.GraphURL, s.APIVersion)
	}
	return &provision.Service{Graph: &graph.Client{
		BaseURL:    s.GraphURL,
		APIVersion: s.APIVersion,
		Tokens:     tokens,
		HTTP:       f.httpc,
		UserAgent:  "provctl/" + versionString(),
	}, Cache: f.resolveCache(cmd, s)}, nil
}

// resolveCache opens the resolution cache of the settings' cloud and
// tenant (nil when disabled or when the config folder cannot hold it:
// names are then resolved every time, which is only slower).
func (f *Factory) resolveCache(cmd *cobra.Command, s Settings) provision.ResolveCache {
	if s.ResolveCacheTTL <= 0 || !filepath.IsAbs(s.ConfigDir) {
		return nil // a relative folder (no HOME) would differ per working folder
	}
	c, err := resolvecache.Open(s.ConfigDir, resolvecache.Scope{Cloud: s.GraphURL, Tenant: s.Tenant}, s.ResolveCacheTTL)
	if err != nil {
		if f.Debug {
			fmt.Fprintf(f.Streams.ErrOut, "debug: no resolution cache: %v\n", err)
		}
		return nil
	}
	if refresh, _ := cmd.Flags().GetBool("refresh"); refresh {
		c.Refresh()
	}
	rc := resolveCache{c: c}
	if f.Debug {
		rc.debug = func(format string, a ...any) { fmt.Fprintf(f.Streams.ErrOut, format+"\n", a...) }
	}
	return rc
}

// Scopes by need (design.md §7).
const (
	scopeSyncRead  = "Synchronization.Read.All"
	scopeSyncWrite = "Synchronization.ReadWrite.All"
	scopeAuditLog  = "AuditLog.Read.All"
	scopeDirectory = "Directory.Read.All"
)
