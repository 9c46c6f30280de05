package cmd

import (
	"context"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/output"
)

// Set by -ldflags at build time; build info fills them otherwise.
var (
	version = ""
	commit  = ""
)

// VersionInfo is what `provctl version` reports.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

func versionInfo() VersionInfo {
	v := VersionInfo{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && v.Commit == "" {
				v.Commit = s.Value
			}
		}
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	if v.Commit == "" {
		v.Commit = "unknown"
	}
	return v
}

func versionString() string { return versionInfo().Version }

// VersionOptions are the inputs of `provctl version`.
type VersionOptions struct {
	Printer *output.Printer
}

// NewCmdVersion builds `provctl version`.
func NewCmdVersion(f *Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{}
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version",
		Args:    noArgs,
		Example: "  $ provctl version\n  $ provctl version -o json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			return versionRun(runContext(cmd), opts)
		},
	}
}

func versionRun(ctx context.Context, opts *VersionOptions) error {
	return opts.Printer.PrintContext(ctx, versionInfo(), nil)
}

// View shows the version as fields.
func (v VersionInfo) View() []output.Section {
	return []output.Section{{Fields: []output.Field{
		{Name: "Version", Value: output.Cell{Text: v.Version, Style: output.Bold}},
		{Name: "Commit", Value: output.Cell{Text: v.Commit}},
		{Name: "Go", Value: output.Cell{Text: v.GoVersion}},
		{Name: "Platform", Value: output.Cell{Text: v.Platform}},
	}}}
}
