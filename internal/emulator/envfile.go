package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// envVar is one exported variable of the env file.
type envVar struct{ name, value string }

// envVars are the env-file contents; the names are a contract (design §8).
func (s *Server) envVars() []envVar {
	return []envVar{
		{"PROVCTL_GRAPH_URL", s.url},
		{"PROVCTL_AUTHORITY_HOST", s.url},
		{"PROVCTL_TENANT", s.dir.File().TenantID},
		{"PROVCTL_CA_FILE", s.caFile},
		{"PROVCTL_EMULATOR_URL", s.url},
		{"PROVCTL_EMULATOR_TOKEN", s.envToken},
		{"PROVCTL_EMULATOR_CLIENT_ID", s.app.clientID},
		{"PROVCTL_EMULATOR_CLIENT_SECRET", s.app.secret},
		{"PROVCTL_EMULATOR_CLIENT_CERTIFICATE", s.certFile},
		{"PROVCTL_EMULATOR_IDENTITY_ENDPOINT", s.identityURL()},
		{"PROVCTL_EMULATOR_IDENTITY_HEADER", s.identityHeader()},
		{"PROVCTL_EMULATOR_IDENTITY_CLIENT_ID", s.userAssignedIdentityID()},
		{"PROVCTL_EMULATOR_GITHUB_TOKEN_URL", s.githubTokenURL()},
		{"PROVCTL_EMULATOR_GITHUB_REQUEST_TOKEN", s.federated.github.requestToken},
	}
}

// writeEnvFile writes `export K='V'` lines for a POSIX shell to source.
func writeEnvFile(path string, vars []envVar) error {
	var b strings.Builder
	b.WriteString("# provctl emulator: source this file in a POSIX shell. It holds credentials.\n")
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v.name, shellQuote(v.value))
	}
	if err := writeFileAtomic(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write env file: %w", err)
	}
	return nil
}

// shellQuote single-quotes s, closing, escaping and reopening the quotes
// around each single quote inside it.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeFileAtomic writes data to a temporary file in path's directory and
// renames it over path, so a reader never sees a half-written file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
