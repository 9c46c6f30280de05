package emulator

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// TestTokenVerifyRefusals pins which 401 message each kind of bad token gets.
func TestTokenVerifyRefusals(t *testing.T) {
	var c clock
	ti := newTokenIssuer("https://issuer.test", "tid", &c)
	good, _ := ti.mint(subject{clientID: defaultPublicClient, perms: []string{"User.Read.All"}}, time.Hour)
	if _, err := ti.verify(good); err != nil {
		t.Fatalf("own token refused: %v", err)
	}
	parts := strings.Split(good, ".")
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		name, token string
		want        error
	}{
		{"empty", "", errTokenEmpty},
		{"two segments", parts[0] + "." + parts[1], errTokenMalformed},
		{"bad base64 payload", parts[0] + ".!!." + parts[2], errTokenMalformed},
		{"payload not an object", parts[0] + "." + seg(`"x"`) + "." + parts[2], errTokenMalformed},
		{"bad base64 signature", parts[0] + "." + parts[1] + ".!!", errTokenMalformed},
		{"alg none", seg(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + ".", errTokenSignature},
		{"alg ES256", seg(`{"alg":"ES256","typ":"JWT"}`) + "." + parts[1] + "." + parts[2], errTokenSignature},
		{"no alg", seg(`{"typ":"JWT"}`) + "." + parts[1] + "." + parts[2], errTokenSignature},
		{"tampered payload", parts[0] + "." + seg(`{"aud":"https://graph.microsoft.com"}`) + "." + parts[2], errTokenSignature},
	} {
		if _, err := ti.verify(tc.token); err != tc.want {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	c.advance(2 * time.Hour)
	if _, err := ti.verify(good); err != errTokenExpired {
		t.Errorf("expired: err = %v", err)
	}
}
