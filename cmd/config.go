package cmd

import (
	"cmp"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
)

// NewCmdConfig builds the `config` command group.
func NewCmdConfig(f *Factory) *cobra.Command {
	c := groupCommand(&cobra.Command{
		Use:   "config",
		Short: "Show and change the settings of the config file",
		Long: `Show the settings in effect and where each comes from, and change the config
file: --config, else config.yaml in the config folder ($PROVCTL_CONFIG_DIR, else
$XDG_CONFIG_HOME/provctl, else ~/.config/provctl).

A flag wins over a variable, a variable over the config file, the config file
over the default ("provctl help environment"). set checks a value as every
command reads it, and edits the file in place: comments, order and mode stay;
a new file is created 0600 in a 0700 folder. Secrets are never kept there.

A config file that another user owns or can write is not read, by any
command: it could send your token to a server of theirs (exit 1; the message
says to run chmod 600).`,
		Example: `  $ provctl config list
  $ provctl config set command-timeout 5m
  $ provctl config get command-timeout
  $ provctl config unset command-timeout`,
	})
	c.AddCommand(newCmdConfigList(f), newCmdConfigGet(f), newCmdConfigSet(f), newCmdConfigUnset(f))
	return c
}

// ConfigEntry is one setting as `config list` and `config get` show it
// (its JSON is the output contract).
type ConfigEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Source is flag, env, config or default.
	Source string `json:"source"`
	// From names the flag, the variable or the config file's path.
	From     string `json:"from,omitempty"`
	Variable string `json:"variable"`
	// Invalid says why the value cannot work; the setting's default is
	// then what `config list` resolves the others with.
	Invalid string `json:"invalid,omitempty"`
}

// configView is what the config commands resolve: the file and each
// setting.
type configView struct {
	path    string // "" when there is no config folder and no --config
	entries []ConfigEntry
	output  string // the output setting, when set and valid
}

// configState resolves every setting as commands would, except that an
// invalid value is reported in its entry instead of failing the command:
// `config list` must work on the settings it is there to fix.
func (f *Factory) configState(cmd *cobra.Command) (configView, error) {
	_, _ = f.Settings(cmd) // says once what is wrong with the file (unknown keys)
	v, dir, err := newViper(settingFlags(cmd), f.ConfigFile, f.Getenv, func(string, ...any) {})
	if err != nil {
		return configView{}, err
	}
	view := configView{path: f.ConfigFile}
	if view.path == "" && dir != "" {
		view.path = filepath.Join(dir, "config.yaml")
	}
	valid := viper.New()
	invalid := map[string]error{}
	for _, key := range configKeys() {
		raw := v.GetString(key)
		if raw == "" {
			continue
		}
		if err := checkSettingValue(key, raw, v.sources[key]); err != nil {
			invalid[key] = err
			continue
		}
		valid.Set(key, raw)
	}
	s, err := resolveSettings(&layeredConfig{Viper: valid, sources: v.sources}, dir)
	if err != nil {
		return configView{}, err
	}
	if v.GetString("output") != "" && invalid["output"] == nil {
		view.output = s.Output
	}
	for _, key := range configKeys() {
		e := ConfigEntry{Key: key, Value: settingValues[key](s), Source: "default", Variable: settingKeys[key]}
		if raw := v.GetString(key); raw != "" {
			e.Source, e.From = entrySource(key, v.sources[key])
			if err := invalid[key]; err != nil {
				e.Value, e.Invalid = raw, err.Error()
			}
		}
		// A URL's password would otherwise be shown by the setting meant to fix it.
		e.Value, e.Invalid = graph.RedactURLUserinfo(e.Value), graph.RedactURLUserinfo(e.Invalid)
		view.entries = append(view.entries, e)
	}
	return view, nil
}

// settingFlags are the command's flags but -o/--output: in the config
// commands it formats the listing, and is not the output setting they
// describe (a script asking `config get output -o json` wants the default
// that other commands use, not "json" from its own flag).
func settingFlags(cmd *cobra.Command) *pflag.FlagSet {
	flags := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if fl.Name != "output" {
			flags.AddFlag(fl)
		}
	})
	return flags
}

// entrySource splits a Settings source ("--tenant", "PROVCTL_TENANT",
// "tenant in config file PATH") into its kind and what it names.
func entrySource(key, src string) (kind, from string) {
	switch {
	case strings.HasPrefix(src, "--"):
		return "flag", src
	case src == settingKeys[key]:
		return "env", src
	}
	return "config", strings.TrimPrefix(src, key+" in config file ")
}

// configPrinter is Factory.Printer, unless a setting is invalid: then
// `config list` still prints, in the format -o or a valid output setting
// asks for (else the default), without the settings it is there to fix.
// A bad output setting is one of them: the listing is then a table (its
// entry says why on stderr).
func (f *Factory) configPrinter(cmd *cobra.Command, view configView) (*output.Printer, error) {
	p, err := f.Printer(cmd)
	if _, serr := f.Settings(cmd); err == nil || serr == nil {
		return p, err // fine, or the printer's own error (-o, --jq)
	}
	if f.NoColor {
		f.Streams.DisableColor()
	}
	var format output.Format
	if want := cmp.Or(f.Output, view.output); want != "" {
		if format, err = output.ParseFormat(want); err != nil {
			return nil, usageErr(fmt.Errorf("--output: %w", err)) // only -o can be bad here
		}
	}
	p, err = output.NewPrinter(f.Streams, format, f.JQ)
	if err != nil {
		return nil, usageErr(err)
	}
	p.NoHeaders = f.NoHeaders
	return p, nil
}

// warnInvalid says on stderr which settings cannot work.
func warnInvalid(s *output.Streams, entries []ConfigEntry) {
	for _, e := range entries {
		if e.Invalid != "" {
			s.Warnf("%s (every other command exits 2 until it is fixed)", e.Invalid)
		}
	}
}

func newCmdConfigList(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List every setting, its value in effect and where it comes from",
		Long: `List every setting the config file can hold: its value in effect, and where
that comes from: a flag, a variable (PROVCTL_*), the config file, or the
default. A value that cannot work is shown as set and named on stderr (a bad
output setting too: the list is then a table). -o/--output only formats the
list: the output setting is shown as other commands read it, without the flag.
A URL's user name and password are shown as xxxxx.`,
		Example: `  $ provctl config list
  $ provctl config list -o json --jq '.[] | select(.source != "default")'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			view, err := f.configState(cmd)
			if err != nil {
				return err
			}
			p, err := f.configPrinter(cmd, view)
			if err != nil {
				return err
			}
			warnInvalid(f.Streams, view.entries)
			if p.Format == output.Table && view.path != "" {
				fmt.Fprintf(f.Streams.ErrOut, "Config file: %s%s\n", output.Sanitize(view.path), missingNote(view.path))
			}
			return p.PrintContext(runContext(cmd), view.entries, configListView(view.entries))
		},
	}
}

// missingNote says when the config file does not exist yet.
func missingNote(path string) string {
	if data, _, err := readConfigFile(path); err == nil && data == nil {
		return " (not created yet)"
	}
	return ""
}

type configListView []ConfigEntry

func (v configListView) View() []output.Section {
	s := output.Section{Columns: []string{"KEY", "VALUE", "SOURCE"}}
	for _, e := range v {
		value, src := output.Cell{Text: e.Value}, output.Cell{Text: e.Source, Style: output.Muted}
		switch e.Source {
		case "flag", "env":
			src = output.Cell{Text: e.Source + " " + e.From}
		case "config":
			src.Style = output.Plain
		}
		if e.Invalid != "" {
			value.Style, src.Text = output.Failure, src.Text+" (invalid)"
		}
		s.Rows = append(s.Rows, []output.Cell{{Text: e.Key, Style: output.Bold}, value, src})
	}
	return []output.Section{s}
}

func newCmdConfigGet(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "get KEY",
		Short: "Print one setting's value in effect",
		Long: `Print the value in effect of one setting, alone on a line, for scripts: from a
flag, a variable, the config file or the default ("provctl config list" says
which). An unknown key exits 2. With -o json or yaml, the entry of config list;
-o only formats it, so get output says what other commands use.`,
		Example: `  $ provctl config get tenant
  $ provctl config get command-timeout -o json`,
		Args:              exactKeyArgs(1),
		ValidArgsFunction: completeConfigKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkConfigKey(args[0]); err != nil {
				return err
			}
			view, err := f.configState(cmd)
			if err != nil {
				return err
			}
			p, err := f.configPrinter(cmd, view)
			if err != nil {
				return err
			}
			for _, e := range view.entries {
				if e.Key != args[0] {
					continue
				}
				warnInvalid(f.Streams, []ConfigEntry{e})
				if f.Output == "" && f.JQ == "" { // the value alone, whatever the output setting
					_, err := fmt.Fprintln(f.Streams.Out, output.Sanitize(e.Value))
					return err
				}
				return p.PrintContext(runContext(cmd), e, nil)
			}
			return fmt.Errorf("setting %s not resolved", args[0]) // configKeys and configState list the same keys
		},
	}
}

func newCmdConfigSet(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Keep a setting in the config file",
		Long: `Write KEY: VALUE to the config file after checking it as every command reads
it: an unknown key or a value that cannot work exits 2 and changes nothing.
The file is replaced atomically; its comments, order and mode stay, and a new
one is created 0600 (its folder 0700). A relative ca-file is made absolute.
A symbolic link stays: the file it points to is edited. Edits at once wait
for each other (a .lock file beside the config file). A file or folder that
other users can write is not written to (exit 1). A VALUE that starts with -
goes after --: provctl config set KEY -- VALUE.

Secrets (client-secret, access-token, the certificate's password) cannot be
kept there: provctl reads them only from the environment.`,
		Example: `  $ provctl config set command-timeout 5m
  $ provctl config set api-version v1.0`,
		Args:              exactKeyArgs(2),
		ValidArgsFunction: completeConfigKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			return configSetRun(f, args[0], args[1])
		},
	}
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		// "-1s" reads as flags; no setting takes such a value, but the
		// message it gets should be the value's, not cobra's.
		return commandLineErr(fmt.Errorf("%w (a VALUE that starts with - goes after --: provctl config set KEY -- VALUE)", err))
	})
	return c
}

func configSetRun(f *Factory, key, value string) error {
	if err := checkConfigKey(key); err != nil {
		return err
	}
	if value == "" {
		return usageErr(fmt.Errorf("an empty value: run `provctl config unset %s` to go back to the default", key))
	}
	if key == "ca-file" {
		abs, err := filepath.Abs(value)
		if err != nil {
			return usageErr(fmt.Errorf("ca-file %q: %w", value, err))
		}
		value = abs // read from whatever folder a later command runs in
	}
	if err := checkSettingValue(key, value, key); err != nil {
		return err
	}
	path, err := f.configFilePath()
	if err != nil {
		return err
	}
	if err := setConfigKey(path, key, value); err != nil {
		return configFileErr(path, err)
	}
	fmt.Fprintf(f.Streams.ErrOut, "Set %s to %s in %s.\n", key, output.Sanitize(graph.RedactURLUserinfo(value)), output.Sanitize(path))
	overriddenNote(f, key)
	return nil
}

// configFileErr names the file an edit failed on, unless the message
// already does (a file or folder others can write).
func configFileErr(path string, err error) error {
	if _, untrusted := isUntrustedConfig(err); untrusted {
		return err
	}
	return fmt.Errorf("config file %s: %w", path, err)
}

// overriddenNote says when the key's variable outranks the config file.
func overriddenNote(f *Factory, key string) {
	if env := settingKeys[key]; env != "" && f.Getenv(env) != "" {
		fmt.Fprintf(f.Streams.ErrOut, "Note: %s is set and wins over the config file.\n", env)
	}
}

func newCmdConfigUnset(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "unset KEY",
		Short: "Remove a setting from the config file",
		Long: `Remove KEY from the config file, so that the variable or the default applies.
A key the file does not hold removes nothing (exit 0). An unknown key the
file holds (a typo that commands warn about) is removed too.`,
		Example:           `  $ provctl config unset command-timeout`,
		Args:              exactKeyArgs(1),
		ValidArgsFunction: completeConfigKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			return configUnsetRun(f, args[0])
		},
	}
}

func configUnsetRun(f *Factory, key string) error {
	path, err := f.configFilePath()
	if err != nil {
		return err
	}
	if err := checkConfigKey(key); err != nil {
		// A key commands warn about may still be removed from the file.
		has, herr := configFileHasKey(path, key)
		if _, untrusted := isUntrustedConfig(herr); untrusted {
			return herr
		}
		if herr != nil || !has {
			return err
		}
	}
	removed, err := removeConfigKey(path, key)
	if err != nil {
		return configFileErr(path, err)
	}
	if !removed {
		fmt.Fprintf(f.Streams.ErrOut, "%s is not set in %s: nothing to remove.\n", key, output.Sanitize(path))
		return nil
	}
	fmt.Fprintf(f.Streams.ErrOut, "Removed %s from %s.\n", key, output.Sanitize(path))
	overriddenNote(f, key)
	return nil
}

// exactKeyArgs wants n arguments, KEY first, as a usage error.
func exactKeyArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr(fmt.Errorf("%s takes %s, got %d arguments", cmd.CommandPath(), strings.TrimPrefix(cmd.Use, cmd.Name()+" "), len(args)))
		}
		return nil
	}
}

// completeConfigKeys offers the keys for KEY.
func completeConfigKeys(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
	var keys []string
	for _, k := range configKeys() {
		if len(args) == 0 && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	return keys, cobra.ShellCompDirectiveNoFileComp
}
