package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/viper"
)

// The config file is the user's: provctl edits it line by line, keeping
// comments, order and mode, and only ever one top-level key with a plain
// scalar value (`login --identity` and `logout` with managed-identity).

// keyLine matches a top-level line for key ("key: value", "key:").
func keyLine(key string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(key) + `[ \t]*:`)
}

// setConfigKey makes key: value the file's setting for key, replacing the
// first line for it and dropping others, else appending a line. A missing
// file is created 0600 (its folder 0700). The result is read back and must
// give value.
func setConfigKey(path, key, value string) error {
	data, mode, err := readConfigFile(path)
	if err != nil {
		return err
	}
	re, line, done := keyLine(key), key+": "+value, false
	var out []string
	for _, l := range splitLines(data) {
		if re.MatchString(l) {
			if !done {
				out = append(out, line+"\n")
				done = true
			}
			continue
		}
		out = append(out, l)
	}
	if !done {
		if n := len(out); n > 0 && !strings.HasSuffix(out[n-1], "\n") {
			out[n-1] += "\n"
		}
		out = append(out, line+"\n")
	}
	result := []byte(strings.Join(out, ""))
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(result)); err != nil || v.GetString(key) != value {
		return fmt.Errorf("the file is not plain enough YAML to edit: add `%s` to it yourself", line)
	}
	return writeConfigFile(path, result, mode)
}

// removeConfigKey deletes key's top-level lines; a missing file or key
// removes nothing.
func removeConfigKey(path, key string) (bool, error) {
	data, mode, err := readConfigFile(path)
	if err != nil || len(data) == 0 {
		return false, err
	}
	re := keyLine(key)
	var out []string
	removed := false
	for _, l := range splitLines(data) {
		if re.MatchString(l) {
			removed = true
			continue
		}
		out = append(out, l)
	}
	if !removed {
		return false, nil
	}
	return true, writeConfigFile(path, []byte(strings.Join(out, "")), mode)
}

// readConfigFile returns the file and its mode; a missing file is empty,
// mode 0600.
func readConfigFile(path string) ([]byte, fs.FileMode, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	if err != nil {
		return nil, 0, err
	}
	data, err := os.ReadFile(path)
	return data, st.Mode().Perm(), err
}

// writeConfigFile replaces path atomically (a temporary file renamed over
// it), creating its folder 0700 if needed.
func writeConfigFile(path string, data []byte, mode fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// splitLines splits after each newline, keeping it.
func splitLines(data []byte) []string {
	var out []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
