package tenant

import (
	"crypto/rand"
	"fmt"
	"slices"
)

// NewGUID returns a random (version 4) GUID in Microsoft's lower-case form.
func NewGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func newGUID() string { return NewGUID() }

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// nullable renders "" as JSON null, as Graph does for unset properties.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
