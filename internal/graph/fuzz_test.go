package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Compact versions of every documented provisionOnDemand answer shape.
// The full doc examples are tested in ondemand_test.go; the fuzzer gets
// short seeds because it minimizes every new input it finds, and
// minimizing kilobyte-long strings would eat a short -fuzztime whole.
var onDemandSeeds = [][2]string{
	// example 1: Skipped/RedundantExport, steps with details, statusInfo with nulls
	{`{"result":"Skipped","details":{"errorCode":"RedundantExport","errorMessage":"m"}}`,
		`{"action":"Other","changeId":"g8","endTime":"2020-06-26T13:58:24.7682084Z","modifiedProperties":[{"displayName":"accountEnabled","oldValue":null,"newValue":"True"}],"provisioningSteps":[{"name":"EntrySynchronizationSkip","type":"Export","status":"Skipped","timestamp":"2020-06-26T13:58:24Z","details":{"SkipReason":"RedundantExport","ScopeEvaluationResult":"{}"}}],"statusInfo":{"status":"Skipped","errorCode":null,"reason":null},"sourceIdentity":{"id":"6","type":"User","displayName":null,"details":null},"sourceSystem":{"id":null,"name":"Azure Active Directory"}}`},
	// example 2: cloud sync, nested JSON strings in details, modifiedProperties without oldValue
	{`{"result":"Success","details":{}}`,
		`{"action":"Update","modifiedProperties":[{"displayName":"displayName","newValue":"Adele"}],"provisioningSteps":[{"name":"EntryImportAdd","type":"Import","status":"Success","details":{"ExportedAttributes":"{\"displayName\":\"Adele\"}"}}],"statusInfo":{"status":"Success"}}`},
	// example 3: group, value {}
	{`{"result":"Success","details":{}}`, `{}`},
	// cross-tenant: .NET type name key, JSON array value
	{`Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo`,
		`[{"provisioningSteps":[{"name":"EntryImport","type":"Import","status":"Success","details":{}}],"statusInfo":{"status":"Success"}}]`},
	{"", ""},
	{`{"result":"Success"}`, "null"},
	{`{"result":`, `{"action":`},
	{`{}`, `[null,{}]`},
	{`{}`, `{"provisioningSteps":[{"details":"{\"a\":1}"}]}`},
	{`{}`, `{"modifiedProperties":[{"displayName":"x","oldValue":{"a":[1]},"newValue":12}]}`},
	{`{}`, `{"startTime":"0001-01-01T00:00:00Z","statusInfo":{"status":1}}`},
}

func FuzzDecodeOnDemand(f *testing.F) {
	for _, s := range onDemandSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		ans, err := DecodeOnDemand(StringKeyStringValuePair{Key: key, Value: value})
		if err != nil {
			if ans != nil {
				t.Fatalf("answer with error: %+v", ans)
			}
			return
		}
		if ans.KeyText != key {
			t.Fatalf("KeyText %q != key %q", ans.KeyText, key)
		}
		// Whatever decoded must render back to JSON (as the output layer does).
		if _, err := json.Marshal(ans); err != nil {
			t.Fatalf("marshal decoded answer: %v", err)
		}
	})
}

func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":{"code":"TooManyRequests","message":"Please retry again later.","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"}}}`,
		`{"error":{"code":"RequestParameterInvalid","message":"m","innerError":{"date":"2020-11-17T17:56:39","request-id":"r","client-request-id":"c"}}}`,
		`{"error":{"code":"a","innererror":{"innererror":{"innererror":{"request-id":"deep"}}}}}`,
		`{"error":"invalid_grant","error_description":"AADSTS"}`,
		`{"error":null}`, `{"error":[]}`, `<html><body>502</body></html>`, "", "\xff\xfe", `{"error":{"innerError":5}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var e Error
		parseErrorBody([]byte(body), &e)
		if strings.ContainsAny(e.Message, "\r\n") && !json.Valid([]byte(body)) {
			t.Fatalf("multi-line message from a non-JSON body: %q", e.Message)
		}
		if !json.Valid([]byte(body)) && !utf8.ValidString(e.Message) {
			t.Fatalf("invalid UTF-8 message %q", e.Message)
		}
		full := newError(&Response{StatusCode: 400, Header: http.Header{"Retry-After": {body}}, Body: []byte(body)})
		_ = full.Error()
		if full.RetryAfter < 0 || full.RetryAfter > maxRetryAfter {
			t.Fatalf("RetryAfter %v", full.RetryAfter)
		}
	})
}

func FuzzTimeUnmarshal(f *testing.F) {
	for _, s := range []string{`""`, `null`, `"0001-01-01T00:00:00Z"`, `"2020-06-26T13:58:24.7682084Z"`, `"2021-05-18T19:03:10"`,
		`"2022-12-10"`, `"garbage"`, `12`, `"2021-05-18T19:03:10+14:00"`, `"\u0032021-05-18"`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v Time
		if err := v.UnmarshalJSON(b); err != nil {
			if !v.IsZero() {
				t.Fatalf("error %v left a value %v", err, v.Time)
			}
			return
		}
		if !v.IsZero() && v.Location() != time.UTC {
			t.Fatalf("non-UTC %v", v.Time)
		}
		out, err := v.MarshalJSON()
		if err != nil {
			// Years outside 0-9999 cannot be written as RFC 3339; only a
			// value that came in with a zone offset can land there.
			if v.Year() >= 0 && v.Year() <= 9999 {
				t.Fatalf("marshal %v: %v", v.Time, err)
			}
			return
		}
		var back Time
		if err := back.UnmarshalJSON(out); err != nil || !back.Equal(v.Time) {
			t.Fatalf("round trip %s: %v %v", out, back.Time, err)
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	ref := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, s := range []string{"2", "2.128", "1.001", "", "-1", "1e9", "NaN", ".", "99999999999999999999.9",
		ref.Add(time.Minute).Format(http.TimeFormat), "Mon, 02 Jan 2006 15:04:05 GMT", "0.0000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, ref)
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v without ok", v, d)
		}
	})
}

func FuzzSynchronizationJob(f *testing.F) {
	for _, s := range []string{
		getJobDocExample,
		`{"id":"apply.BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6","templateId":"BoxOutDelta","status":{}}`,
		`{"status":{"quarantine":{"reason":64,"seriesCount":"1","currentBegan":""},"lastExecution":{"countImported":"1e3"}}}`,
		`{"servicePrincipal":[{"id":"x"}],"durationInMilliseconds":"12","provisioningSteps":[{"details":{"a":[1]}}]}`,
		`{"servicePrincipal":{"id":"x"},"activityDateTime":"0001-01-01T00:00:00Z"}`,
		`null`, `[]`, `{"status":null}`, `{"status":{"progress":[{"completedUnits":1.5}]}}`,
		neverRanJob,
		`{"synchronizationRules":[{"name":"USER_TO_USER","objectMappings":[{"sourceObjectName":"User"}]},{"id":"r#V2","priority":"2","editable":null}]}`,
		`{"status":{"lastExecution":{"timeBegan":"0001-01-01T00:00:00Z","timeEnded":5},"lastSuccessfulExecution":{"timeBegan":null}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var job SynchronizationJob
		if json.Unmarshal(b, &job) == nil {
			if _, err := json.Marshal(job); err != nil {
				t.Fatalf("marshal job: %v", err)
			}
		}
		var res ApplyResource
		if json.Unmarshal(b, &res) == nil && len(res.Raw) > 0 && string(res.Raw) != string(bytes.TrimSpace(b)) {
			t.Fatalf("Raw %q != input %q", res.Raw, b)
		}
		var schema Schema
		if json.Unmarshal(b, &schema) == nil {
			if _, err := json.Marshal(schema); err != nil {
				t.Fatalf("marshal schema: %v", err)
			}
		}
		var log ProvisioningObjectSummary
		_ = json.Unmarshal(b, &log)
		var page struct {
			Value []ProvisioningObjectSummary `json:"value"`
		}
		_ = json.Unmarshal(b, &page)
	})
}

func FuzzRedactBody(f *testing.F) {
	f.Add("application/json", `{"access_token":"abc","refresh_token":"def"}`, "0AXoAopaqueSecret", uint16(40))
	f.Add("application/x-www-form-urlencoded", "refresh_token=def&client_secret=ghi", "M.C105_BAY.secret", uint16(0))
	f.Add("", "refresh_token=def", "secretsecret", uint16(9))
	f.Add("text/html", "<p>x</p>", "DAQABAAEAAAdevice", uint16(7000))
	f.Fuzz(func(t *testing.T, ctype, body, secret string, cut uint16) {
		out := redactBody(ctype, []byte(body))
		if len(out) > traceBodyLimit+len(" …(truncated)") {
			t.Fatalf("trace body of %d bytes", len(out))
		}
		// Property: a secret under a sensitive key never shows, in a JSON
		// or form body, whole or cut off, whatever the Content-Type says.
		if len(secret) < 8 || strings.IndexFunc(secret, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '~')
		}) >= 0 {
			return
		}
		probe := secret[:8]
		if strings.Contains(body, probe) || strings.Contains("[redacted] …(truncated) [redacted-jwt] %5Bredacted%5D", probe) {
			return
		}
		js, _ := json.Marshal(map[string]string{"pad": body, "refresh_token": secret, "Client_Secret": secret})
		form := url.Values{"pad": {body}, "refresh_token": {secret}, "client_assertion": {secret}}.Encode()
		for _, full := range []string{string(js), form} {
			if strings.Count(full, probe) != 2 { // the probe also occurs outside the two secrets
				continue
			}
			for _, b := range []string{full, full[:int(cut)%(len(full)+1)]} {
				if got := redactBody(ctype, []byte(b)); strings.Contains(got, probe) {
					t.Fatalf("secret shows for Content-Type %q, body %q:\n%s", ctype, b, got)
				}
			}
		}
	})
}

// FuzzRedactJSONInPlace checks the in-place redaction against a model on
// decoded values: sensitive scalars become "[redacted]", nothing else
// changes, and a body with nothing to hide comes back byte for byte.
func FuzzRedactJSONInPlace(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"abc","refresh_token":"def","expires_in":3599}`,
		"{\n \"b\" : [1, 2.50, \"x\\u0041\"],\n \"a\": {\"password\": null, \"secret\": {\"token\": true}}\n}\n",
		emptyTokenBody, `[]`, `"s"`, ` 12 `, `{"refresh\u005ftoken":"x","":""}`, `[[[[{"code":"c"}]]]]`,
		`{"note":"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhbGljZSJ9.aWQtdG9rZW4tc2ln"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		out := redactJSONInPlace(b)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON out of %q:\n%q", b, out)
		}
		// Only masks are added: any change brings a "[redacted…" with it.
		if mask := []byte(`"[redacted`); !bytes.Equal(out, b) && bytes.Count(out, mask) <= bytes.Count(b, mask) {
			t.Fatalf("bytes changed without a mask:\nin  %q\nout %q", b, out)
		}
		in, got := decodeAny(t, b), decodeAny(t, out)
		want, jwt := redactModel(in)
		if jwt {
			return // strings holding JWTs are masked by pattern, not by key
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("in  %q\nout %q\ngot %#v\nwant %#v", b, out, got, want)
		}
	})
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// redactModel is what redaction means on decoded values (duplicate keys
// decode to their last value on both sides). It also reports whether any
// key or string is JWT-shaped.
func redactModel(v any) (out any, jwt bool) {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			jwt = jwt || jwtLike.MatchString(k)
			switch val.(type) {
			case map[string]any, []any, nil:
			default:
				if sensitiveJSONKey(k) {
					m[k] = "[redacted]"
					continue
				}
			}
			r, j := redactModel(val)
			m[k], jwt = r, jwt || j
		}
		return m, jwt
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			r, j := redactModel(e)
			a[i], jwt = r, jwt || j
		}
		return a, jwt
	case string:
		return t, jwtLike.MatchString(t)
	}
	return v, false
}

// FuzzRedactChallenge: whatever a WWW-Authenticate header holds, no JWT
// shows, and a value under a parameter not known to be harmless never does.
func FuzzRedactChallenge(f *testing.F) {
	f.Add(`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`, "opaqueCLAIMSsecret")
	f.Add(`Negotiate YIIabc==, Bearer error="invalid_token"`, "M.C105_BAY.secret")
	f.Add(`Bearer claims="`, "secretsecret")
	f.Add(`Bearer error_description="cut`, "secretsecret")
	f.Fuzz(func(t *testing.T, header, secret string) {
		if got := redactHeaderValue("WWW-Authenticate", header); jwtLike.MatchString(got) {
			t.Fatalf("JWT shows: %q", got)
		}
		if len(secret) < 8 || strings.IndexFunc(secret, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '~')
		}) >= 0 || strings.Contains(header, secret) || strings.Contains("[redacted] [redacted-jwt]", secret) {
			return
		}
		for _, v := range []string{
			header + `, Bearer claims="` + secret + `"`,
			`Bearer claims=` + secret + `, ` + header,
			`Negotiate ` + secret + `, Bearer realm=""`,
			header + `, Bearer claims=` + secret,
		} {
			if got := redactHeaderValue("WWW-Authenticate", v); strings.Contains(got, secret) {
				t.Fatalf("secret shows in %q:\n%q", v, got)
			}
		}
	})
}

// FuzzValidUTF8: the answer body is valid UTF-8, unchanged when it already
// was, and decodes to the same strings as the bytes Graph sent (each bad
// byte is one U+FFFD on both sides).
func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{`{"a":"ok"}`, "{\"a\":\"\xff\xfe\"}", "\xe2\x82", "\xed\xa0\x80", `"\ud800"`, "", "€\xc0\xaf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out := validUTF8(b)
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", b, out)
		}
		if utf8.Valid(b) && !bytes.Equal(out, b) {
			t.Fatalf("valid input changed: %q -> %q", b, out)
		}
		var in, got any
		if json.Unmarshal(b, &in) == nil {
			if err := json.Unmarshal(out, &got); err != nil || !reflect.DeepEqual(in, got) {
				t.Fatalf("decodes differently: %#v vs %#v (%v)", in, got, err)
			}
		}
	})
}

// FuzzDecodeObject: any answer body either decodes (and then it was a JSON
// object) or is a DecodeError naming the request; never a panic.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{}`, `null`, ``, `[]`, `"x"`, `{"id":`, ` {"id":"a"} `, "\xff", `{"status":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		resp := &Response{Body: b, Method: http.MethodGet, URLPath: "/beta/x"}
		var res ApplyResource
		err := DecodeObject(resp, &res)
		if err == nil {
			if trimmed := bytes.TrimSpace(b); len(trimmed) == 0 || trimmed[0] != '{' {
				t.Fatalf("accepted a non-object %q", b)
			}
			return
		}
		var derr *DecodeError
		if !errors.As(err, &derr) || !strings.Contains(err.Error(), "GET /beta/x") {
			t.Fatalf("err = %v", err)
		}
	})
}

// FuzzRedactCredentials: whatever a message holds, a known secret, a JWT
// or the credential after "Bearer " never shows, and the result is stable.
func FuzzRedactCredentials(f *testing.F) {
	f.Add("Access token validation failure. Received: Bearer ", "opaque-SECRET-0042")
	f.Add("x eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.sig y", "client-secret-value")
	f.Add("refresh_token=", "M.C105_BAY.secret")
	f.Fuzz(func(t *testing.T, msg, secret string) {
		got := RedactCredentials(msg+" Bearer "+secret+" "+secret, secret)
		if jwtLike.MatchString(got) {
			t.Fatalf("JWT shows: %q", got)
		}
		if len(secret) >= minKnownSecret && !strings.Contains("[redacted] [redacted-jwt]", secret) && strings.Contains(got, secret) {
			t.Fatalf("secret %q shows: %q", secret, got)
		}
		if again := RedactCredentials(got); again != got {
			t.Fatalf("not stable: %q -> %q", got, again)
		}
	})
}

// FuzzTraceEchoMask: a secret posted in a form or JSON body never shows in
// an echo of it, raw, form-encoded or JSON-escaped.
func FuzzTraceEchoMask(f *testing.F) {
	f.Add("client_secret", "Qx8Q~opaque/secret+0004", "error_description: ")
	f.Add("refresh_token", "0.AXoA-opaque\"refresh", "")
	f.Add("device_code", "DAQABAAEAAA<device>&", "<p>")
	f.Fuzz(func(t *testing.T, key, secret, prefix string) {
		// A JSON body cannot carry invalid UTF-8: the secret it posts is
		// then another string.
		if !sensitiveKeys[normalizeKey(key)] || len(secret) < minKnownSecret || !utf8.ValidString(secret) || strings.Contains("[redacted]", secret) {
			return
		}
		req, _ := http.NewRequest(http.MethodPost, "https://login.example/t", nil)
		for _, body := range []string{url.Values{key: {secret}}.Encode(), mustJSON(map[string]string{key: secret})} {
			s := collectSecrets(req, []byte(body))
			js := mustJSON(secret)
			for _, echo := range []string{secret, url.QueryEscape(secret), js[1 : len(js)-1]} {
				if got := s.mask(prefix + echo + prefix); strings.Contains(got, secret) && !strings.Contains(prefix, secret) {
					t.Fatalf("body %q: %q still shows in %q", body, secret, got)
				}
			}
		}
	})
}

func mustJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
