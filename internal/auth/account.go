package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Account is the signed-in user remembered by `provctl login` in
// <ConfigDir>/account.json, so later processes know which cached account,
// tenant and client id to use silently. It holds no token.
type Account struct {
	HomeAccountID string   `json:"homeAccountId"`
	Environment   string   `json:"environment"` // the host MSAL keys this account's tokens by
	Username      string   `json:"username"`
	TenantID      string   `json:"tenantId,omitempty"` // the directory (tid) the user signed in to
	Tenant        string   `json:"tenant"`             // authority tenant used at login ("organizations", a domain, an id)
	AuthorityHost string   `json:"authorityHost"`
	ClientID      string   `json:"clientId"`
	Scopes        []string `json:"scopes,omitempty"` // scopes requested at login, as sent
}

func accountPath(cfg Config) string { return filepath.Join(cfg.ConfigDir, accountFileName) }

// loadAccount returns the remembered account, or nil when there is none.
// An unreadable file is reported as not signed in, with the reason.
func loadAccount(cfg Config) (*Account, error) {
	if cfg.ConfigDir == "" {
		return nil, nil
	}
	path := accountPath(cfg)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var a Account
	if err == nil {
		err = json.Unmarshal(data, &a)
	}
	if err == nil && a.HomeAccountID == "" {
		err = errors.New("no account id")
	}
	if err != nil {
		cfg.warn(fmt.Sprintf("ignoring %s: it is unreadable (%s)", path, describeFileError(err)))
		return nil, notSignedIn(fmt.Sprintf("the sign-in record at %s is unreadable (%s): run `provctl login` to sign in again", path, describeFileError(err)))
	}
	return &a, nil
}

// saveAccount writes account.json, 0600, atomically.
func saveAccount(cfg Config, a *Account) error {
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(accountPath(cfg), append(data, '\n')); err != nil {
		return fmt.Errorf("remembering the account: %w", err)
	}
	return nil
}
