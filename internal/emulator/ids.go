package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"github.com/provctl/provctl/internal/emulator/tenant"
)

// newGUID returns a random (version 4) GUID in Microsoft's lower-case form.
func newGUID() string { return tenant.NewGUID() }

// randomToken returns n random bytes as unpadded base64url: opaque secrets
// such as refresh tokens, device codes and client secrets.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// userCodeAlphabet leaves out look-alikes (0/O, 1/I/L) because people type it.
const userCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newUserCode returns a 9-character device-flow user code like Entra's.
func newUserCode() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = userCodeAlphabet[int(b[i])%len(userCodeAlphabet)]
	}
	return string(b)
}

// nameOr returns s, or def when s is empty.
func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
