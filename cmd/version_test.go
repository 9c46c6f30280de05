package cmd

import (
	"runtime/debug"
	"testing"
)

// The version comes from -ldflags (make build, the release, the
// Containerfile), else from the build info that `go install …@vX.Y.Z` and a
// build in a git work tree write.
func TestVersionFrom(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name                 string
		ldVersion, ldCommit  string
		bi                   *debug.BuildInfo
		wantVersion, wantRev string
	}{
		{name: "ldflags win", ldVersion: "v1.4.0", ldCommit: "abc123",
			bi:          &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}, Settings: vcs("def456", "false")},
			wantVersion: "v1.4.0", wantRev: "abc123"},
		{name: "go install module@tag", bi: &debug.BuildInfo{Main: debug.Module{Path: "github.com/provctl/provctl", Version: "v1.2.3"}},
			wantVersion: "v1.2.3", wantRev: "unknown"},
		{name: "build in a work tree", bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101000000-0123456789ab+dirty"}, Settings: vcs("0123456789abcdef", "true")},
			wantVersion: "v0.0.0-20260101000000-0123456789ab+dirty", wantRev: "0123456789abcdef-dirty"},
		{name: "clean work tree", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: vcs("0123456789abcdef", "false")},
			wantVersion: "v1.2.3", wantRev: "0123456789abcdef"},
		{name: "devel without vcs", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			wantVersion: "dev", wantRev: "unknown"},
		{name: "ldflags version only", ldVersion: "v2.0.0", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("feed", "false")},
			wantVersion: "v2.0.0", wantRev: "feed"},
		{name: "no build info", wantVersion: "dev", wantRev: "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := versionFrom(tt.ldVersion, tt.ldCommit, tt.bi)
			if got.Version != tt.wantVersion || got.Commit != tt.wantRev {
				t.Errorf("version %q commit %q, want %q %q", got.Version, got.Commit, tt.wantVersion, tt.wantRev)
			}
			if got.GoVersion == "" || got.Platform == "" {
				t.Errorf("Go version %q, platform %q: want both", got.GoVersion, got.Platform)
			}
		})
	}
}

// versionInfo (and so `provctl version`, --version and the User-Agent) reads
// the binary's own build info when -ldflags set nothing.
func TestVersionInfoReadsBuildInfo(t *testing.T) {
	saved, savedVersion, savedCommit := readBuildInfo, version, commit
	t.Cleanup(func() { readBuildInfo, version, commit = saved, savedVersion, savedCommit })
	version, commit = "", ""
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/provctl/provctl", Version: "v9.8.7"}}, true
	}
	if got := versionString(); got != "v9.8.7" {
		t.Errorf("versionString() = %q, want v9.8.7 from the build info", got)
	}
	readBuildInfo = func() (*debug.BuildInfo, bool) { return nil, false }
	if got := versionInfo(); got.Version != "dev" || got.Commit != "unknown" {
		t.Errorf("without build info: %+v, want dev/unknown", got)
	}
}
