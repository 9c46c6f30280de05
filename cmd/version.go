package cmd

import (
	"context"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/output"
)

// Set by -ldflags at build time (`make build`, .goreleaser.yaml, the
// Containerfile); build info fills them otherwise.
var (
	version = ""
	commit  = ""
)

// readBuildInfo is debug.ReadBuildInfo; a test replaces it.
var readBuildInfo = debug.ReadBuildInfo

// VersionInfo is what `provctl version` reports.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

func versionInfo() VersionInfo {
	bi, _ := readBuildInfo()
	return versionFrom(version, commit, bi)
}

// versionFrom decides the version and commit: the -ldflags values when set;
// otherwise the main module's version in the build info, which `go install
// github.com/provctl/provctl@v1.2.3` sets to the tag ("v1.2.3") and a build
// in a git work tree sets to a pseudo-version (with "+dirty" for uncommitted
// changes), and the vcs.revision setting (with "-dirty" when vcs.modified);
// "dev" and "unknown" when neither says. bi may be nil.
func versionFrom(ldVersion, ldCommit string, bi *debug.BuildInfo) VersionInfo {
	v := VersionInfo{Version: ldVersion, Commit: ldCommit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		if v.Commit == "" {
			var rev, modified string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					modified = s.Value
				}
			}
			if rev != "" && modified == "true" {
				rev += "-dirty"
			}
			v.Commit = rev
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
