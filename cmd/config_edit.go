package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/spf13/viper"
)

// The config file is the user's: provctl edits it line by line, keeping
// comments, order and mode, and only ever one top-level key with a plain
// scalar value (`login --identity`, `logout` with managed-identity, and
// `provctl config set|unset`). Every edit is read back before it is
// written: the key must read as asked and every other key as before, or
// the file is left alone.

// keyLine matches a top-level line for key ("key: value", "key:"), in any
// case: viper reads keys without regard to case, so `Output: json` is the
// output setting and an edit must find it.
func keyLine(key string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)^` + regexp.QuoteMeta(key) + `[ \t]*:`)
}

// setConfigKey makes key: value the file's setting for key, replacing the
// first line for it (with the key spelled in lower case) and dropping
// others, else appending a line. A missing file is created 0600 (its
// folder 0700). The value is quoted when YAML would read it plain as
// something else ("0123", "a # b").
func setConfigKey(path, key, value string) error {
	return editConfigFile(path, func(data []byte) ([]byte, bool, error) {
		old := splitLines(data)
		eol := lineEnding(old)
		line := key + ": " + yamlScalar(value)
		lines, at := dropKey(old, key)
		if at >= 0 {
			line += trailingComment(old, key)
			eol = lineEndingAt(old, key, eol)
		}
		if at < 0 {
			if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
				lines[n-1] += eol
			}
			at = len(lines)
		}
		out := append(lines[:at:at], append([]string{line + eol}, lines[at:]...)...)
		result := []byte(strings.Join(out, ""))
		if err := checkEdit(data, result, key, &value); err != nil {
			return nil, false, fmt.Errorf("the file is not plain enough YAML to edit: add `%s` to it yourself", line)
		}
		return result, true, nil
	})
}

// removeConfigKey deletes key's top-level lines (and the indented lines of
// a value spread over several); a missing file or key removes nothing.
func removeConfigKey(path, key string) (bool, error) {
	if data, _, err := readConfigFile(path); err != nil || len(data) == 0 {
		return false, err // nothing to remove: no folder or lock to create
	}
	removed := false
	err := editConfigFile(path, func(data []byte) ([]byte, bool, error) {
		if len(data) == 0 {
			return nil, false, nil
		}
		lines, at := dropKey(splitLines(data), key)
		if at < 0 {
			return nil, false, nil
		}
		result := []byte(strings.Join(lines, ""))
		if err := checkEdit(data, result, key, nil); err != nil {
			return nil, false, fmt.Errorf("the file is not plain enough YAML to edit: remove %s from it yourself", key)
		}
		removed = true
		return result, true, nil
	})
	return removed && err == nil, err
}

// editConfigFile reads, edits and replaces the config file under a lock
// (<path>.lock beside it), so that two edits at once both land: without
// it, each would write back what it read and the later rename would drop
// the other's key. A symbolic link (a dotfiles manager's) is kept and the
// file it points to is edited, as an editor would; that file and its
// folder are checked as every command checks the file it reads. edit says
// whether there is anything to write.
func editConfigFile(path string, edit func(data []byte) ([]byte, bool, error)) error {
	target, err := linkTarget(path)
	if err != nil {
		return err
	}
	for _, dir := range []string{filepath.Dir(path), filepath.Dir(target)} {
		if err := checkConfigDirTrust(dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	unlock, err := lockConfigFile(path)
	if err != nil {
		return err
	}
	defer unlock()
	data, mode, err := readConfigFile(target)
	if err != nil {
		return err
	}
	result, changed, err := edit(data)
	if err != nil || !changed {
		return err
	}
	return writeConfigFile(target, result, mode)
}

// configLockTimeout bounds the wait for another edit of the file.
const configLockTimeout = 10 * time.Second

// lockConfigFile takes <path>.lock (0600), waiting at most
// configLockTimeout for another process editing the file.
func lockConfigFile(path string) (func(), error) {
	fl := flock.New(path+".lock", flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), configLockTimeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, 10*time.Millisecond)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("locking the config file: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("another provctl process is editing the config file (waited %s for %s.lock)", configLockTimeout, path)
	}
	return func() { _ = fl.Unlock() }, nil
}

// linkTarget is the file path names once symbolic links are followed;
// path itself when it is no link. A dangling link gives the missing file
// it points to, which the edit then creates.
func linkTarget(path string) (string, error) {
	p := path
	for range 40 { // as the kernel's limit on links followed
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		to, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(p), to)
		}
		p = to
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// lineEnding is the file's: CRLF when its first line ends so, else LF.
func lineEnding(lines []string) string {
	if len(lines) > 0 && strings.HasSuffix(lines[0], "\r\n") {
		return "\r\n"
	}
	return "\n"
}

// lineEndingAt is the ending of key's first line (dflt when it has none:
// the last line of a file without a final newline).
func lineEndingAt(lines []string, key, dflt string) string {
	re := keyLine(key)
	for _, l := range lines {
		if !re.MatchString(l) {
			continue
		}
		switch {
		case strings.HasSuffix(l, "\r\n"):
			return "\r\n"
		case strings.HasSuffix(l, "\n"):
			return "\n"
		}
		return dflt
	}
	return dflt
}

// configFileHasKey says whether the file has a top-level line for key.
func configFileHasKey(path, key string) (bool, error) {
	data, _, err := readConfigFile(path)
	if err != nil {
		return false, err
	}
	_, at := dropKey(splitLines(data), key)
	return at >= 0, nil
}

// dropKey removes key's top-level lines and the lines that continue its
// value (indented, or a top-level "- " list item), returning the rest and
// where the first removed line was (-1: none).
func dropKey(lines []string, key string) ([]string, int) {
	re := keyLine(key)
	var out []string
	at, inValue := -1, false
	for _, l := range lines {
		switch {
		case re.MatchString(l):
			if at < 0 {
				at = len(out)
			}
			inValue = true
			continue
		case inValue && isContinuation(l):
			continue
		}
		inValue = false
		out = append(out, l)
	}
	return out, at
}

// trailingComment is the comment at the end of key's first line ("   #
// slow proxy"), kept when its value is replaced; "" when there is none or
// the value is quoted (a # may then be part of it).
func trailingComment(lines []string, key string) string {
	re := keyLine(key)
	for _, l := range lines {
		loc := re.FindStringIndex(l)
		if loc == nil {
			continue
		}
		rest := strings.TrimRight(l[loc[1]:], "\r\n")
		for i := 1; i < len(rest); i++ {
			if rest[i] != '#' || (rest[i-1] != ' ' && rest[i-1] != '\t') {
				continue
			}
			value := strings.TrimRight(rest[:i], " \t")
			if strings.TrimSpace(value) == "" || strings.ContainsAny(value, `"'`) {
				return "" // no value ("key:  # about what follows"), or a # that may be inside quotes
			}
			return rest[len(value):]
		}
		return ""
	}
	return ""
}

// isContinuation says whether l can only belong to the value above it.
func isContinuation(l string) bool {
	return strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") ||
		strings.HasPrefix(l, "- ") || strings.TrimRight(l, "\r\n") == "-"
}

// yamlScalar is value as YAML reads it back unchanged: plain where it can
// be, else a double-quoted string (JSON's escapes are YAML's).
func yamlScalar(value string) string {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader("k: " + value + "\n")); err == nil && value != "" && v.GetString("k") == value {
		return value
	}
	q, _ := json.Marshal(value)
	return string(q)
}

// checkEdit reads before and after as the settings are read: after must
// parse, give want for key (or no key when want is nil), and every other
// key as before.
func checkEdit(before, after []byte, key string, want *string) error {
	key = strings.ToLower(key) // as viper reads keys
	read := func(data []byte) (*viper.Viper, error) {
		v := viper.New()
		v.SetConfigType("yaml")
		return v, v.ReadConfig(bytes.NewReader(data))
	}
	old, err := read(before)
	if err != nil {
		old = viper.New() // a file that did not parse may be fixed by the edit
	}
	v, err := read(after)
	if err != nil {
		return err
	}
	switch {
	case want == nil && v.IsSet(key):
		return fmt.Errorf("%s is still set", key)
	case want != nil && v.GetString(key) != *want:
		return fmt.Errorf("%s reads %q", key, v.GetString(key))
	}
	for _, k := range old.AllKeys() {
		if k != key && !strings.HasPrefix(k, key+".") && !reflect.DeepEqual(old.Get(k), v.Get(k)) {
			return fmt.Errorf("%s changed", k)
		}
	}
	return nil
}

// readConfigFile returns the file and its mode, refusing one others could
// have written (checkConfigFileTrust); a missing file is empty, mode 0600.
func readConfigFile(path string) ([]byte, fs.FileMode, error) {
	data, mode, err := readTrustedConfig(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	return data, mode, err
}

// writeConfigFile replaces path atomically (a temporary file in the same
// folder, synced, renamed over it), creating its folder 0700 if needed.
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
	if err := tmp.Sync(); err != nil {
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
