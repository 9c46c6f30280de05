package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// echoTokens hands out one opaque token, not JWT-shaped, so only the
// exact-value and "Bearer" rules can catch it.
type echoTokens struct{}

const echoedToken = "opaque.ECHOED-token_0042"

func (echoTokens) Token(context.Context, bool) (string, error) { return echoedToken, nil }

// Graph's "Access token validation failure" echoes what it received; the
// error line must not.
func TestErrorMessageRedactsEchoedToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		msg := fmt.Sprintf("Access token validation failure. Received: %s; raw %s; other Bearer xyz123; jwt %s.", r.Header.Get("Authorization"), echoedToken, secAccessJWT)
		fmt.Fprintf(w, `{"error":{"code":"InvalidAuthenticationToken","message":%q}}`, msg)
	}))
	defer srv.Close()
	c, _ := newTestClient(srv, echoTokens{})
	err := c.Get(context.Background(), "x", nil, &struct{}{})
	if err == nil {
		t.Fatal("no error")
	}
	text := err.Error()
	for _, leak := range []string{echoedToken, "xyz123", secAccessJWT, "eyJ"} {
		if strings.Contains(text, leak) {
			t.Errorf("error shows %q: %s", leak, text)
		}
	}
	if !strings.Contains(text, "Access token validation failure. Received: Bearer [redacted]") || !strings.Contains(text, "InvalidAuthenticationToken") {
		t.Errorf("error lost Graph's words: %s", text)
	}
}

func TestRedactCredentials(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Received: Bearer abc.def-ghi, then": "Received: Bearer [redacted], then",
		"bearer\tX":                          "bearer\t[redacted]",
		"jwt " + secIDJWT + " end":           "jwt [redacted-jwt] end",
		"known " + secClientSecret:           "known [redacted]",
		`refresh_token=` + secRefresh:        `refresh_token=[redacted]`,
		"nothing to hide (HTTP 400)":         "nothing to hide (HTTP 400)",
		"short known abc":                    "short known abc",
	} {
		if got := RedactCredentials(in, secClientSecret, "abc"); got != want {
			t.Errorf("RedactCredentials(%q) = %q, want %q", in, got, want)
		}
	}
}

// A 2 MiB message is one line of at most MaxMessageRunes characters (plus
// the ids), and a JWT across the cut is still masked.
func TestErrorMessageIsClipped(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxMessageRunes-5) + secAccessJWT + strings.Repeat("x", 2<<20)
	e := &Error{StatusCode: 500, Code: "Boom", Message: long, RequestID: "rid-1"}
	text := e.Error()
	if n := utf8.RuneCountInString(text); n > MaxMessageRunes+100 {
		t.Errorf("Error() is %d characters", n)
	}
	if strings.Contains(text, "eyJ") {
		t.Errorf("JWT piece at the cut shows: …%s", text[len(text)-200:])
	}
	if !strings.Contains(text, "…") || !strings.HasSuffix(text, "(Boom, HTTP 500, request-id rid-1)") {
		t.Errorf("clipped text ends %q", text[len(text)-80:])
	}
	short := &Error{StatusCode: 400, Message: "fine"}
	if got := short.Error(); got != "fine (HTTP 400)" {
		t.Errorf("short message changed: %q", got)
	}
}

func TestClipRunes(t *testing.T) {
	t.Parallel()
	if got := clipRunes("héllo", 2); got != "hé…" {
		t.Errorf("clipRunes = %q", got)
	}
	if got := clipRunes("hé", 2); got != "hé" {
		t.Errorf("clipRunes = %q", got)
	}
}

// A URL's user info is masked wherever it stands: by itself, and in every
// message RedactCredentials cleans (a Graph URL setting, a proxy echoed by
// a network error).
func TestRedactURLUserinfo(t *testing.T) {
	if got := RedactURLUserinfo(`tenant "x https://a:b@c/d?e ftp://t@h"`); got != `tenant "x https://xxxxx@c/d?e ftp://xxxxx@h"` {
		t.Errorf("RedactURLUserinfo: %s", got)
	}
	if got := RedactURLUserinfo("ht tps://admin:hunter2@x"); strings.Contains(got, "hunter2") {
		t.Errorf("a value that is no URL keeps its password: %s", got)
	}
	msg := `proxyconnect tcp: dial http://proxyuser:Pa55wordXYZ@127.0.0.1:3128: connection refused`
	if got := RedactCredentials(msg); strings.Contains(got, "Pa55wordXYZ") || !strings.Contains(got, "http://xxxxx@127.0.0.1:3128") {
		t.Errorf("RedactCredentials: %s", got)
	}
}
