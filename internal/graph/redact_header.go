package graph

import (
	"net/http"
	"regexp"
	"strings"
)

// sensitiveHeaders carry credentials whole: their values never show.
var sensitiveHeaders = map[string]bool{
	"Authorization": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true,
	"X-Identity-Header": true, // the App Service managed identity secret (IDENTITY_HEADER)
}

// challengeHeaders are the 401 challenges; they stay readable (error and
// error_description say why the token was refused) but their other
// parameters and any token68 value are masked: a Conditional Access
// challenge carries a base64 claims request, other schemes may carry tokens.
var challengeHeaders = map[string]bool{"Www-Authenticate": true, "Proxy-Authenticate": true}

// readableChallengeParams are the challenge parameters known to carry no
// credential.
var readableChallengeParams = map[string]bool{
	"realm": true, "authorization_uri": true, "authorization": true, "trusted_issuers": true,
	"error": true, "error_description": true, "error_uri": true, "scope": true,
	"client_id": true, "resource_id": true, "resource": true,
}

var (
	// name=value or name="value" (a cut-off quoted value runs to the end).
	challengeParamRe = regexp.MustCompile(`^([A-Za-z0-9!#$%&'*+.^_|~-]+)(\s*=\s*)("(?:[^"\\]|\\.)*"?|[^\s,"]*)`)
	// an auth scheme: a token followed by a space, a comma or the end.
	challengeSchemeRe = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]+(?:[ \t,]|$)`)
	// a token68 credential after a scheme: "Negotiate YII…==".
	challengeToken68Re = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*[ \t]*(?:,|$)`)
)

// redactHeaderValue masks what a header may hold of a credential: sensitive
// headers whole, challenge parameters that are not known to be harmless,
// and anything JWT-shaped in any header.
func redactHeaderValue(name, v string) string {
	name = http.CanonicalHeaderKey(name)
	if sensitiveHeaders[name] {
		return "[redacted]"
	}
	if challengeHeaders[name] {
		v = redactChallenge(v)
	}
	return jwtLike.ReplaceAllString(v, "[redacted-jwt]")
}

// redactChallenge keeps what it recognises as harmless (scheme names,
// readable parameters, separators) and masks the rest: unknown parameter
// values, token68 credentials and anything it cannot parse, so a malformed
// header cannot smuggle a credential past it.
func redactChallenge(v string) string {
	var b strings.Builder
	schemeNext, afterScheme := true, false
	for i := 0; i < len(v); {
		rest := v[i:]
		switch c := v[i]; {
		case c == ',':
			b.WriteByte(c)
			i++
			schemeNext, afterScheme = true, false
			continue
		case c == ' ' || c == '\t':
			b.WriteByte(c)
			i++
			continue
		}
		if afterScheme && challengeToken68Re.MatchString(rest) {
			n := strings.IndexByte(rest, ',')
			if n < 0 {
				n = len(rest)
			}
			b.WriteString("[redacted]")
			i += n
			afterScheme = false
			continue
		}
		if p := challengeParamRe.FindStringSubmatch(rest); p != nil {
			// A cut-off quoted value may have swallowed what follows it.
			cutOff := strings.HasPrefix(p[3], `"`) && !closedQuote(p[3])
			switch {
			case readableChallengeParams[strings.ToLower(p[1])] && !cutOff:
				b.WriteString(p[0])
			case strings.HasPrefix(p[3], `"`):
				b.WriteString(p[1] + p[2] + `"[redacted]"`)
			default:
				b.WriteString(p[1] + p[2] + "[redacted]")
			}
			i += len(p[0])
			schemeNext, afterScheme = false, false
			continue
		}
		if schemeNext {
			if m := challengeSchemeRe.FindString(rest); m != "" {
				m = strings.TrimRight(m, " \t,")
				b.WriteString(m)
				i += len(m)
				schemeNext, afterScheme = false, true
				continue
			}
		}
		// Not recognised: mask up to the next comma.
		n := strings.IndexByte(rest, ',')
		if n < 0 {
			n = len(rest)
		}
		b.WriteString("[redacted]")
		i += n
		afterScheme = false
	}
	return b.String()
}

// closedQuote reports whether a quoted-string (as matched, starting with a
// quote) ends with an unescaped closing quote.
func closedQuote(q string) bool {
	if len(q) < 2 || q[len(q)-1] != '"' {
		return false
	}
	escaped := false
	for i := 1; i < len(q)-1; i++ {
		escaped = !escaped && q[i] == '\\'
	}
	return !escaped
}
