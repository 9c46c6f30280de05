package emulator

import (
	"strings"
	"sync"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// entraState is the sign-in state: device codes and refresh tokens.
type entraState struct {
	mu        sync.Mutex
	devices   map[string]*deviceAuth // by device_code
	userCodes map[string]*deviceAuth // by user_code
	refresh   map[string]*refreshGrant
	revoked   map[string]bool // refresh tokens revoked through the control API
}

func newEntraState() *entraState {
	return &entraState{
		devices:   map[string]*deviceAuth{},
		userCodes: map[string]*deviceAuth{},
		refresh:   map[string]*refreshGrant{},
		revoked:   map[string]bool{},
	}
}

// deviceState is where a device code is in its life.
type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDeclined
	deviceRedeemed
)

// deviceAuth is one device-code sign-in.
type deviceAuth struct {
	deviceCode string
	userCode   string
	clientID   string
	scopes     []string // as requested
	expires    time.Time
	approveAt  time.Time // zero: only the verification page approves
	state      deviceState
	user       *tenant.User
}

// refreshGrant is what a refresh token stands for.
type refreshGrant struct {
	user     *tenant.User
	clientID string
	scopes   []string
}

// deviceLifetime is expires_in of device codes (Entra's default, 15 minutes).
const deviceLifetime = 900 * time.Second

func (e *entraState) newDevice(clientID string, scopes []string, now time.Time, autoApprove time.Duration) *deviceAuth {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := &deviceAuth{
		deviceCode: randomToken(48), userCode: newUserCode(), clientID: clientID,
		scopes: scopes, expires: now.Add(deviceLifetime),
	}
	if autoApprove > 0 {
		d.approveAt = now.Add(autoApprove)
	}
	e.devices[d.deviceCode] = d
	e.userCodes[d.userCode] = d
	return d
}

// answer records the verification page's decision for a user code; it
// returns the device auth, or nil when the code is unknown, used or expired.
func (e *entraState) answer(userCode string, approve bool, user *tenant.User, now time.Time) *deviceAuth {
	e.mu.Lock()
	defer e.mu.Unlock()
	code := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(userCode))
	d := e.userCodes[code]
	if d == nil || d.state != devicePending || !now.Before(d.expires) {
		return nil
	}
	if approve {
		d.state, d.user = deviceApproved, user
	} else {
		d.state = deviceDeclined
	}
	return d
}

// newRefresh stores a grant and returns its refresh token.
func (e *entraState) newRefresh(g refreshGrant) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	rt := "emu." + randomToken(64)
	e.refresh[rt] = &g
	return rt
}

// redeemRefresh consumes a refresh token (they rotate: each works once).
// revoked reports a token ended by POST /_emulator/revoke.
func (e *entraState) redeemRefresh(rt string) (g *refreshGrant, revoked bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.revoked[rt] {
		return nil, true
	}
	g = e.refresh[rt]
	delete(e.refresh, rt)
	return g, false
}

// revokeAll ends every refresh token issued so far.
func (e *entraState) revokeAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for rt := range e.refresh {
		e.revoked[rt] = true
	}
	e.refresh = map[string]*refreshGrant{}
}
