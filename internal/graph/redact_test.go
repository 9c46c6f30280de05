package graph

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The trace shows bodies as Graph sent them: only secret values change.
func TestRedactBodyKeepsBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body, want string
	}{
		{"pretty JSON, key order, escapes and numbers kept", "application/json",
			"{\n  \"zeta\": 1.50,\n  \"alpha\": \"caf\\u00e9 <b>\",\n  \"refresh_token\" : \"" + secRefresh + "\",\n  \"list\": [ 1e3, true, null ]\n}\n",
			"{\n  \"zeta\": 1.50,\n  \"alpha\": \"caf\\u00e9 <b>\",\n  \"refresh_token\" : \"[redacted]\",\n  \"list\": [ 1e3, true, null ]\n}\n"},
		{"Graph error answer untouched", "application/json; charset=utf-8", emptyTokenBody, emptyTokenBody},
		{"scalars under sensitive keys, null kept, containers searched", "application/json",
			`{"password":123,"secret":false,"token":null,"client_secret":{"value":"v","access_token":"x"}}`,
			`{"password":"[redacted]","secret":"[redacted]","token":null,"client_secret":{"value":"v","access_token":"[redacted]"}}`},
		{"escaped sensitive key", "application/json", `{"refresh\u005ftoken":"` + secRefresh + `"}`, `{"refresh\u005ftoken":"[redacted]"}`},
		{"JWT spelled with escapes", "application/json", `{"note":"` + strings.Replace(secAccessJWT, "e", `\u0065`, 1) + `"}`, `{"note":"[redacted-jwt]"}`},
		{"plain JWT inside a longer string", "application/json", `{"note":"Bearer ` + secAccessJWT + ` end"}`, `{"note":"Bearer [redacted-jwt] end"}`},
		{"top-level array and scalar", "application/json", `[ {"code":"x"} , "y" ]`, `[ {"code":"x"} , "y" ]`},
		{"form order and escapes kept", "application/x-www-form-urlencoded",
			"scope=a%20b&client_secret=" + url.QueryEscape(secClientSecret) + "&grant_type=client_credentials&refresh%5Ftoken=" + secRefresh,
			"scope=a%20b&client_secret=%5Bredacted%5D&grant_type=client_credentials&refresh%5Ftoken=%5Bredacted%5D"},
	}
	for _, tt := range tests {
		if got := redactBody(tt.ctype, []byte(tt.body)); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestRedactURLForTraceKeepsQueryOrder(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://graph.example/v1.0/x?$top=5&$filter=jobid+eq+%27J%27&access_token=" + secQuery)
	got := redactURLForTrace(u)
	want := "https://graph.example/v1.0/x?$top=5&$filter=jobid+eq+%27J%27&access_token=%5Bredacted%5D"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRedactHeaderValue(t *testing.T) {
	t.Parallel()
	// A Conditional Access claims challenge (base64 JSON, not a JWT).
	claims := "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0="
	tests := []struct{ name, value, want string }{
		{"Authorization", "Bearer " + secBearer, "[redacted]"},
		{"www-authenticate",
			`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="` + claims + `"`,
			`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="[redacted]"`},
		{"WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token expired", token=` + secAccessOpaque,
			`Bearer error="invalid_token", error_description="The access token expired", token=[redacted]`},
		{"WWW-Authenticate", `Negotiate ` + secBearer + `==, Bearer realm="x"`, `Negotiate [redacted], Bearer realm="x"`},
		{"WWW-Authenticate", `Negotiate abc, NTLM ` + secBearer, `Negotiate [redacted], NTLM [redacted]`},
		{"WWW-Authenticate", `Bearer claims="` + secAccessOpaque, `Bearer claims="[redacted]"`},
		{"Proxy-Authenticate", `Basic realm="proxy"`, `Basic realm="proxy"`},
		{"WWW-Authenticate", `Bearer error_description="cut, claims=` + secBearer, `Bearer error_description="[redacted]"`},
		{"WWW-Authenticate", `Bearer error_description="say \"hi\"", x`, `Bearer error_description="say \"hi\"", x`},
		{"WWW-Authenticate", `Bearer claims="a", ` + secBearer + `"`, `Bearer claims="[redacted]", [redacted]`},
		{"X-Anything", "token " + secIDJWT, "token [redacted-jwt]"},
		{"Request-Id", "rid-visible", "rid-visible"},
	}
	for _, tt := range tests {
		if got := redactHeaderValue(tt.name, tt.value); got != tt.want {
			t.Errorf("%s: %s\n got %q\nwant %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// End to end through the transport: a 401 with a challenge shows Graph's
// body as sent and no credential.
func TestTraceUnauthorizedChallenge(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", error="invalid_token", claims="`+secClientInfo+`", x=`+secAccessJWT)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(emptyTokenBody))
	}))
	defer srv.Close()
	var out syncBuffer
	hc := &http.Client{Transport: &TraceTransport{Out: &out}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1.0/me", nil)
	req.Header.Set("Authorization", "Bearer "+secAccessJWT)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	trace := out.String()
	if !strings.Contains(trace, "< "+emptyTokenBody+"\n") {
		t.Errorf("body not shown as sent:\n%s", trace)
	}
	if !strings.Contains(trace, `error="invalid_token"`) {
		t.Errorf("challenge error not shown:\n%s", trace)
	}
	for _, s := range allSecrets {
		if strings.Contains(trace, s) {
			t.Errorf("secret %q in trace:\n%s", s, trace)
		}
	}
}
