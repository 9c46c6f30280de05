package auth

import (
	"encoding/json"
	"sync"
)

// evictor hides a refused access token from MSAL during one forced refresh.
//
// MSAL Go v1.10.1 has no "force refresh" option for public clients (and
// AcquireTokenByCredential only skips its cache when claims are sent, which
// would put a made-up claims challenge on the wire). Instead the cache's
// Replace drops the refused token from what MSAL loads: MSAL then finds no
// usable access token, redeems the refresh token (or the app credential)
// and writes the new token back, which also removes the refused one from
// the file. Matching on the token value means a token another process
// already refreshed is used as is, with no extra network call.
type evictor struct {
	mu     sync.Mutex
	active bool
	secret string // the refused token; "" drops every access token
}

// evict hides secret until the returned function is called.
func (e *evictor) evict(secret string) (restore func()) {
	e.mu.Lock()
	e.active, e.secret = true, secret
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		e.active, e.secret = false, ""
		e.mu.Unlock()
	}
}

// filter returns data without the evicted access token(s). Data that is
// not a cache document is returned unchanged for MSAL to judge.
func (e *evictor) filter(data []byte) []byte {
	e.mu.Lock()
	active, secret := e.active, e.secret
	e.mu.Unlock()
	if !active || len(data) == 0 {
		return data
	}
	var doc map[string]json.RawMessage
	if json.Unmarshal(data, &doc) != nil {
		return data
	}
	var ats map[string]json.RawMessage
	if raw, ok := doc["AccessToken"]; !ok || json.Unmarshal(raw, &ats) != nil {
		return data
	}
	for k, raw := range ats {
		var at struct {
			Secret string `json:"secret"`
		}
		if secret == "" || (json.Unmarshal(raw, &at) == nil && at.Secret == secret) {
			delete(ats, k)
		}
	}
	raw, err := json.Marshal(ats)
	if err != nil {
		return data
	}
	doc["AccessToken"] = raw
	out, err := json.Marshal(doc)
	if err != nil {
		return data
	}
	return out
}
