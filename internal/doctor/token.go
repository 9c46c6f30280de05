package doctor

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are what a Graph access token says about itself, read without
// checking its signature (Graph checks it; provctl only reports). They
// never include the token.
type Claims struct {
	Audience  []string
	Scopes    []string // delegated permissions (scp)
	Roles     []string // application permissions (roles)
	Expires   time.Time
	NotBefore time.Time
	TenantID  string
	Who       string // the user's name, or the app's id
	Delegated bool   // a user's token (scp), not an app's
}

// ErrNotJWT means the token is opaque: nothing can be read from it.
var ErrNotJWT = errors.New("the token is not a JWT: its audience, expiry and permissions cannot be read")

// ReadClaims decodes a token's payload without verifying it.
func ReadClaims(token string) (Claims, error) {
	mc := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, mc); err != nil {
		return Claims{}, ErrNotJWT
	}
	var c Claims
	c.Audience, _ = mc.GetAudience()
	if exp, _ := mc.GetExpirationTime(); exp != nil {
		c.Expires = exp.Time
	}
	if nbf, _ := mc.GetNotBefore(); nbf != nil {
		c.NotBefore = nbf.Time
	}
	c.TenantID = claimString(mc, "tid")
	c.Scopes = strings.Fields(claimString(mc, "scp"))
	if roles, ok := mc["roles"].([]any); ok {
		for _, r := range roles {
			if s, ok := r.(string); ok {
				c.Roles = append(c.Roles, s)
			}
		}
	}
	c.Delegated = len(c.Scopes) > 0 || claimString(mc, "idtyp") == "user"
	if c.Delegated {
		c.Who = firstNonEmpty(claimString(mc, "preferred_username"), claimString(mc, "upn"), claimString(mc, "unique_name"), claimString(mc, "oid"))
	} else {
		c.Who = firstNonEmpty(claimString(mc, "appid"), claimString(mc, "azp"), claimString(mc, "oid"))
	}
	return c, nil
}

func claimString(mc jwt.MapClaims, name string) string {
	s, _ := mc[name].(string)
	return s
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// Permissions are the token's permissions: its scopes, or its roles.
func (c Claims) Permissions() []string {
	if c.Delegated {
		return c.Scopes
	}
	return c.Roles
}

// graphAppID is Microsoft Graph's application id, the audience of tokens
// asked for with its short scope names.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// AudienceResult checks the token is for Microsoft Graph. graphURL is the
// Graph provctl talks to; knownGraphs are the Graph roots of Microsoft's
// clouds. A token for another cloud's Graph fails when graphURL is one of
// them; against any other Graph URL (the emulator, a proxy) a token for a
// known Graph is accepted. fix says how to get another token.
func AudienceResult(c Claims, graphURL string, knownGraphs []string, fix string) Result {
	graphURL = strings.TrimRight(graphURL, "/")
	if len(c.Audience) == 0 {
		return Result{Status: Warning, Detail: "the token names no audience (aud): Graph decides whether it is meant for it"}
	}
	known := func(aud string) bool {
		for _, g := range knownGraphs {
			if strings.EqualFold(aud, g) {
				return true
			}
		}
		return false
	}
	graphIsKnown := known(graphURL)
	for _, aud := range c.Audience {
		aud = strings.TrimRight(aud, "/")
		switch {
		case strings.EqualFold(aud, graphURL), strings.EqualFold(aud, graphAppID):
			return Result{Status: OK, Detail: "for Microsoft Graph (" + aud + ")"}
		case known(aud) && !graphIsKnown:
			return Result{Status: OK, Detail: "for Microsoft Graph (" + aud + "), which " + graphURL + " stands for"}
		case known(aud):
			return Result{Status: Failed, Detail: fmt.Sprintf("the token is for %s, but provctl talks to %s", aud, graphURL),
				Fix: "use one cloud for both: --cloud (PROVCTL_CLOUD) and the sign-in; " + fix}
		}
	}
	return Result{Status: Failed, Detail: fmt.Sprintf("the token is for %s, not for Microsoft Graph", strings.Join(c.Audience, ", ")), Fix: fix}
}

// LifetimeResult checks the token is valid now. refreshable: provctl gets
// a new one by itself when it runs out (every mode but a static token).
func LifetimeResult(c Claims, now time.Time, refreshable bool, fix string) Result {
	switch {
	case c.Expires.IsZero():
		return Result{Status: Warning, Detail: "the token has no expiry (exp)"}
	case !now.Before(c.Expires):
		return Result{Status: Failed, Detail: "the token expired at " + c.Expires.UTC().Format(time.RFC3339), Fix: fix}
	case !c.NotBefore.IsZero() && c.NotBefore.Sub(now) > SkewFailure:
		return Result{Status: Failed, Detail: "the token is not valid before " + c.NotBefore.UTC().Format(time.RFC3339) + ": this machine's clock is behind", Fix: "set this machine's clock (NTP)"}
	}
	left := c.Expires.Sub(now)
	text := fmt.Sprintf("valid until %s (%s left)", c.Expires.UTC().Format(time.RFC3339), HumanDuration(left))
	if !refreshable && left < 10*time.Minute {
		return Result{Status: Warning, Detail: text + ": a long --wait may outlive it", Fix: fix}
	}
	if refreshable {
		text += "; provctl gets a new one by itself"
	}
	return Result{Status: OK, Detail: text}
}
