package auth

import (
	"context"
	"fmt"
	"os"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// Logout forgets every cached account and token: each account is removed
// through MSAL, then the cache file is replaced by an empty cache (tokens
// of other client ids, or entries MSAL would keep, cannot survive) and
// account.json is deleted. Temporary files that interrupted writes left
// behind go too: the cache's hold tokens. It works offline and is
// idempotent.
func Logout(ctx context.Context, cfg Config) error {
	cfg, err := cfg.resolve()
	if err != nil {
		return err
	}
	if cfg.ConfigDir == "" {
		return nil
	}
	fc := newFileCache(Config{ConfigDir: cfg.ConfigDir}) // a corrupted cache is fine here
	if _, err := os.Lstat(fc.path); err == nil {
		removeAccounts(ctx, cfg, fc)
		if err := fc.clear(ctx); err != nil {
			return err
		}
	}
	if err := fc.removeTemps(ctx); err != nil {
		return err
	}
	if err := removeIfExists(accountPath(cfg)); err != nil {
		return fmt.Errorf("forgetting the account: %w", err)
	}
	left, err := tempFiles(cfg.ConfigDir, accountFileName)
	for _, p := range left {
		if err == nil {
			err = removeIfExists(p)
		}
	}
	if err != nil {
		return fmt.Errorf("forgetting the account: %w", err)
	}
	return nil
}

// removeAccounts asks MSAL to remove each cached account; best effort,
// since the cache is cleared afterwards anyway. Discovery is off so that
// logout never needs the network.
func removeAccounts(ctx context.Context, cfg Config, fc *fileCache) {
	host := cfg.AuthorityHost
	if _, err := authorityURL(host, defaultTenant); err != nil {
		return
	}
	pc, err := public.New(firstNonEmpty(cfg.ClientID, DefaultClientID),
		public.WithAuthority(host+"/"+defaultTenant), public.WithCache(fc), public.WithInstanceDiscovery(false))
	if err != nil {
		return
	}
	accounts, err := pc.Accounts(ctx)
	if err != nil {
		return
	}
	for _, a := range accounts {
		_ = pc.RemoveAccount(ctx, a)
	}
}
