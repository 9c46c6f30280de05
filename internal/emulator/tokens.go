package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// graphAudience is the aud of every access token the emulator issues: Graph's
// resource URI, as in real tokens for graph.microsoft.com.
const graphAudience = "https://graph.microsoft.com"

// graphAppID is Microsoft Graph's well-known application id, also a valid aud.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// tokenIssuer mints and validates access tokens: JWT-shaped, HMAC-SHA256 with
// a per-process random key, so tokens from another emulator (or anything
// else) fail as foreign.
type tokenIssuer struct {
	key      []byte
	issuer   string
	tenantID string
	clock    *clock
	seq      atomic.Uint64 // serial of the last token issued, carried in uti
	cutoff   atomic.Uint64 // tokens with a serial <= cutoff count as expired
}

func newTokenIssuer(issuer, tenantID string, c *clock) *tokenIssuer {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &tokenIssuer{key: key, issuer: issuer, tenantID: tenantID, clock: c}
}

// subject is who a token is for: a user (delegated, scp) or an app (roles).
type subject struct {
	user       *tenant.User // nil for app-only
	clientID   string       // appid claim: the client that asked
	clientName string
	appOID     string   // app-only: the service principal's object id
	perms      []string // delegated scopes or application roles
}

// mint returns a signed access token for s, valid for lifetime.
func (ti *tokenIssuer) mint(s subject, lifetime time.Duration) (string, time.Time) {
	now := ti.clock.now()
	exp := now.Add(lifetime)
	c := map[string]any{
		"aud": graphAudience, "iss": ti.issuer, "tid": ti.tenantID,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"appid": s.clientID, "app_displayname": s.clientName,
		"uti": ti.nextUTI(), "ver": "1.0",
	}
	if s.user != nil {
		c["idtyp"] = "user"
		c["oid"], c["sub"] = s.user.ID, s.user.ID
		c["upn"], c["preferred_username"], c["unique_name"] = s.user.UserPrincipalName, s.user.UserPrincipalName, s.user.UserPrincipalName
		c["name"] = s.user.DisplayName
		c["scp"] = strings.Join(s.perms, " ")
	} else {
		c["idtyp"] = "app"
		c["oid"], c["sub"] = s.appOID, s.appOID
		c["roles"] = s.perms
	}
	return signHS256(ti.key, map[string]any{"typ": "JWT"}, c), exp
}

// nextUTI makes the uti claim: an opaque id that carries the token's serial,
// which is how expire-tokens can end every token issued so far.
func (ti *tokenIssuer) nextUTI() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], ti.seq.Add(1))
	_, _ = rand.Read(b[8:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// expireAll makes every token issued so far count as expired.
func (ti *tokenIssuer) expireAll() { ti.cutoff.Store(ti.seq.Load()) }

// caller is a validated bearer.
type caller struct {
	delegated bool
	oid       string
	name      string
	appID     string
	perms     map[string]bool
}

// tokenError is why a bearer token was refused; its message is Graph's.
type tokenError struct{ msg string }

func (e *tokenError) Error() string { return e.msg }

var (
	errTokenEmpty     = &tokenError{"Access token is empty."}
	errTokenMalformed = &tokenError{"IDX14100: JWT is not well formed, there are no dots (.). The token needs to be in JWS or JWE Compact Serialization Format."}
	errTokenSignature = &tokenError{"Access token validation failure. Invalid signature."}
	errTokenAudience  = &tokenError{"Access token validation failure. Invalid audience."}
	errTokenExpired   = &tokenError{"Lifetime validation failed, the token is expired."}
	errTokenNotYet    = &tokenError{"Lifetime validation failed, the token is not yet valid."}
)

// verify validates a bearer token this issuer minted.
func (ti *tokenIssuer) verify(token string) (*caller, error) {
	if token == "" {
		return nil, errTokenEmpty
	}
	claims := gojwt.MapClaims{}
	// Only the signature is checked here (HS256 with this issuer's key); the
	// claims are checked below, on the emulator's clock and with Entra's
	// messages.
	parser := gojwt.NewParser(gojwt.WithValidMethods([]string{"HS256"}), gojwt.WithJSONNumber(), gojwt.WithoutClaimsValidation())
	_, err := parser.ParseWithClaims(token, claims, func(*gojwt.Token) (any, error) { return ti.key, nil })
	switch {
	case errors.Is(err, gojwt.ErrTokenMalformed):
		return nil, errTokenMalformed
	case err != nil:
		return nil, errTokenSignature
	}
	t := &jwt{claims: claims}
	if aud := t.str("aud"); aud != graphAudience && aud != graphAudience+"/" && aud != graphAppID {
		return nil, errTokenAudience
	}
	now := ti.clock.now().Unix()
	exp, ok := t.num("exp")
	if !ok || now >= exp || ti.serial(t.str("uti")) <= ti.cutoff.Load() {
		return nil, errTokenExpired
	}
	// Entra allows five minutes of clock skew on nbf.
	if nbf, ok := t.num("nbf"); ok && nbf > now+300 {
		return nil, errTokenNotYet
	}
	c := &caller{oid: t.str("oid"), appID: t.str("appid"), perms: map[string]bool{}}
	if scp := t.str("scp"); scp != "" || t.str("idtyp") == "user" {
		c.delegated, c.name = true, t.str("name")
		for _, p := range strings.Fields(scp) {
			c.perms[strings.ToLower(p)] = true
		}
	} else {
		c.name = t.str("app_displayname")
		if roles, ok := t.claims["roles"].([]any); ok {
			for _, r := range roles {
				if s, ok := r.(string); ok {
					c.perms[strings.ToLower(s)] = true
				}
			}
		}
	}
	return c, nil
}

func (ti *tokenIssuer) serial(uti string) uint64 {
	b, err := base64.RawURLEncoding.DecodeString(uti)
	if err != nil || len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b[:8])
}

// errNoBearer is returned by bearerToken when the header is absent or not Bearer.
var errNoBearer = errors.New("no bearer token")

// bearerToken extracts the token from an Authorization header value.
func bearerToken(h string) (string, error) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", errNoBearer
	}
	return strings.TrimSpace(tok), nil
}
