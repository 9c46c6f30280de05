package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// msgSignInExpired is the answer whenever a cached sign-in cannot be used.
const msgSignInExpired = "your sign-in has expired or was revoked: run `provctl login`"

// notSignedInError is a "run provctl login" failure with a specific message;
// it matches ErrNotSignedIn with errors.Is.
type notSignedInError struct{ msg string }

func (e *notSignedInError) Error() string        { return e.msg }
func (e *notSignedInError) Is(target error) bool { return target == ErrNotSignedIn }

func notSignedIn(msg string) *Error { return &Error{Err: &notSignedInError{msg: msg}} }

// errKind sorts MSAL failures by what the user can do about them.
type errKind int

const (
	kindOther    errKind = iota // not an HTTP or network failure (MSAL logic, cache)
	kindCanceled                // the caller's context ended
	kindLocked                  // the cache lock timed out
	kindLocal                   // a local file (the cache) failed, not the authority
	kindNetwork                 // no answer from the authority
	kindRejected                // the authority said no (HTTP 4xx): an auth failure
	kindServer                  // the authority failed (HTTP 5xx etc.): transient
)

// failure is a sanitized MSAL error: never the response body as such, only
// the OAuth error fields, scrubbed of secrets and token-like strings.
type failure struct {
	kind  errKind
	oauth oauthError // for kindRejected/kindServer
	text  string     // one-line, scrubbed description
	cause error      // only ever a context sentinel or *lockError
}

// oauthError holds the fields of an OAuth/Entra error response.
type oauthError struct {
	Status        int    `json:"-"`
	Code          string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	SubError      string `json:"suberror"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
}

// hasCode reports whether Entra's AADSTS error codes include code.
func (o oauthError) hasCode(code int) bool {
	for _, c := range o.Codes {
		if c == code {
			return true
		}
	}
	return strings.Contains(o.Description, fmt.Sprintf("AADSTS%d", code))
}

// classify sanitizes err. secrets are values to scrub from any text kept.
func classify(ctx context.Context, err error, secrets ...string) failure {
	var lockErr *lockError
	var callErr msalerrors.CallErr
	var urlErr *url.Error
	var netErr net.Error
	var pathErr *fs.PathError
	switch {
	case ctx.Err() != nil:
		return failure{kind: kindCanceled, cause: ctx.Err(), text: ctx.Err().Error()}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// MSAL's own deadline (its 30 s per-call timeout), not the caller's.
		return failure{kind: kindNetwork, text: "timed out waiting for the authority"}
	case errors.As(err, &lockErr):
		return failure{kind: kindLocked, cause: lockErr, text: lockErr.Error()}
	case errors.As(err, &callErr):
		o := parseOAuthError(callErr)
		kind := kindServer
		if o.Status >= 400 && o.Status < 500 && o.Status != 429 {
			kind = kindRejected
		}
		return failure{kind: kind, oauth: o, text: scrub(o.summary(), secrets)}
	case errors.As(err, &pathErr) && !errors.As(err, &urlErr):
		// Checked before net.Error, which the errno inside matches: a
		// cache write failure is not "cannot reach the authority".
		return failure{kind: kindLocal, text: scrub(flatten(err.Error()), secrets)}
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		text := scrub(flatten(err.Error()), secrets)
		if strings.Contains(text, "x509:") {
			text += " (behind a TLS-inspecting proxy, or using the emulator? set PROVCTL_CA_FILE)"
		}
		return failure{kind: kindNetwork, text: text}
	case strings.Contains(err.Error(), "json decode error"):
		// A proxy page or a cut-off answer, not a verdict on the sign-in;
		// MSAL's text carries the raw body, so none of it is shown.
		return failure{kind: kindServer, text: "its answer could not be read (not a token response)"}
	default:
		return failure{kind: kindOther, text: scrub(flatten(err.Error()), secrets)}
	}
}

// parseOAuthError reads the error fields from a failed call's body (MSAL
// left it readable). The body itself is never kept.
func parseOAuthError(ce msalerrors.CallErr) oauthError {
	var o oauthError
	if ce.Resp == nil {
		return o
	}
	o.Status = ce.Resp.StatusCode
	var body []byte
	if ce.Resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(ce.Resp.Body, 64<<10))
	}
	if len(body) == 0 && ce.Err != nil {
		// MSAL already read the body (device-code polling does); its
		// message is "http call(...) error: reply status code was N:\n<body>".
		if _, rest, ok := strings.Cut(ce.Err.Error(), "\n"); ok {
			body = []byte(rest)
		}
	}
	_ = json.Unmarshal(body, &o)
	return o
}

// summary is "error: first line of error_description (HTTP n, trace id …)".
func (o oauthError) summary() string {
	var b strings.Builder
	if o.Code != "" {
		b.WriteString(o.Code)
	}
	if d := oneLine(o.Description); d != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(d)
	}
	if b.Len() == 0 {
		b.WriteString("no error details")
	}
	fmt.Fprintf(&b, " (HTTP %d", o.Status)
	if o.TraceID != "" {
		fmt.Fprintf(&b, ", trace id %s", o.TraceID)
	}
	if o.CorrelationID != "" {
		fmt.Fprintf(&b, ", correlation id %s", o.CorrelationID)
	}
	b.WriteString(")")
	return b.String()
}

// oneLine keeps the first line of s, at most 300 bytes (Entra appends
// trace/correlation lines; MSAL appends whole response bodies).
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// flatten joins a multi-line error (MSAL nests "…:\n …") into one line of
// at most 300 bytes.
func flatten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// tokenLike matches JWTs and long opaque credential-looking runs (refresh
// tokens, device codes, assertions). It is compiled on first use: only an
// error needs it, and every command would pay for it at start-up.
var tokenLike = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*|[A-Za-z0-9_\-.~+]{64,}={0,2}`)
})

// scrub removes known secrets and anything token-like from s.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return tokenLike().ReplaceAllString(s, "[redacted]")
}

// publicError turns a failed silent acquisition into the user's answer:
// expired/revoked sign-ins and missing accounts become "run provctl login";
// cancellation, lock timeouts, network and server failures stay what they
// are (exit 130/1), since logging in again would not help.
func publicError(ctx context.Context, err error) error {
	f := classify(ctx, err)
	switch f.kind {
	case kindCanceled:
		return fmt.Errorf("sign-in: %w", f.cause)
	case kindLocked, kindLocal, kindNetwork, kindServer:
		return f.localOrTransport()
	case kindRejected:
		if f.oauth.hasCode(65001) || f.oauth.SubError == "consent_required" {
			return notSignedIn("a permission this command needs was not granted at sign-in: run `provctl login` (with --scope for it, or ask an admin to consent): " + f.text)
		}
		return notSignedIn(msgSignInExpired + " (" + f.text + ")")
	default:
		return notSignedIn(msgSignInExpired)
	}
}

// appError turns a failed app-only acquisition into the user's answer.
func appError(ctx context.Context, err error, mode Mode, secrets ...string) error {
	f := classify(ctx, err, secrets...)
	switch f.kind {
	case kindCanceled, kindLocked:
		return fmt.Errorf("app-only sign-in: %w", f.cause)
	case kindNetwork:
		return fmt.Errorf("app-only sign-in: cannot reach the authority: %s", f.text)
	case kindServer:
		return fmt.Errorf("app-only sign-in: the authority failed: %s", f.text)
	default:
		return &Error{Err: fmt.Errorf("app-only sign-in (%s, %s) failed: %s", mode, modeVariable(mode), f.text)}
	}
}

// localOrTransport words the failures that are no one's answer to the
// sign-in itself — the cache's lock or file, the network, the authority
// failing — alike for every flow; logging in again would not help.
func (f failure) localOrTransport() error {
	switch f.kind {
	case kindLocked:
		return fmt.Errorf("sign-in: %w", f.cause)
	case kindLocal:
		return fmt.Errorf("sign-in: the token cache: %s", f.text)
	case kindNetwork:
		return fmt.Errorf("sign-in: cannot reach the authority: %s", f.text)
	}
	return fmt.Errorf("sign-in: the authority failed: %s", f.text)
}
