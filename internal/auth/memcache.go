package auth

import (
	"context"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

// memCache keeps an app-only client's tokens in memory only: app tokens are
// cheap to get again from the credential in the environment, so they are
// never written to disk. It exists (instead of MSAL's built-in cache) so a
// forced refresh can evict the refused token.
type memCache struct {
	evictor
	mu   sync.Mutex
	data []byte
}

func (c *memCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	c.mu.Lock()
	data := c.data
	c.mu.Unlock()
	return u.Unmarshal(c.filter(data))
}

func (c *memCache) Export(_ context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.data = data
	c.mu.Unlock()
	return nil
}
