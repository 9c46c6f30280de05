// Package graph is the only code that speaks HTTP to Microsoft Graph: request
// building, retries, typed errors, paging, and the wire models.
package graph

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"time"
)

// DefaultMaxBodyBytes caps how much of a response body is read (32 MiB).
const DefaultMaxBodyBytes = 32 << 20

// Client calls one Graph endpoint (BaseURL + "/" + APIVersion).
type Client struct {
	BaseURL    string      // e.g. https://graph.microsoft.com
	APIVersion string      // "beta" or "v1.0"
	Tokens     TokenSource // nil sends no Authorization header
	HTTP       *http.Client
	UserAgent  string
	Retry      RetryPolicy
	// MaxBodyBytes caps response bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Sleep waits between retries; tests replace it. nil uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Request describes one Graph call. Path is relative to the API version root
// and must already be escaped (use Path to build it).
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   any // marshalled as JSON when non-nil
	rawURL string
}

// Response is a successful Graph answer.
type Response struct {
	StatusCode int
	Header     http.Header
	// Body is the answer as received, except that bytes that are not valid
	// UTF-8 are each replaced by U+FFFD (see validUTF8), so every
	// json.RawMessage kept from it can be printed as valid JSON.
	Body            []byte
	RequestID       string
	ClientRequestID string
	// Method and URLPath name the request in errors ("GET /beta/…").
	Method  string
	URLPath string
}

// Get fetches path and decodes the JSON object it answers into out (which
// may be nil); see DecodeObject.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: path, Query: query})
	if err != nil {
		return err
	}
	return decodeInto(resp, out)
}

// Post sends body as JSON to path and decodes the JSON object it answers
// into out (which may be nil; a 204 No Content leaves out untouched).
func (c *Client) Post(ctx context.Context, path string, body, out any) error {
	resp, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: path, Body: body})
	if err != nil {
		return err
	}
	return decodeInto(resp, out)
}

// tokenFailure marks an error of the TokenSource, so Do can tell it from
// a failed exchange; Do never returns it.
type tokenFailure struct{ Err error }

func (e *tokenFailure) Error() string { return e.Err.Error() }
func (e *tokenFailure) Unwrap() error { return e.Err }

// TokenRefusedError is Graph's 401 after which the TokenSource could not
// supply a fresh token. Its text is Graph's answer (code, message,
// request-id: "Access token is empty." and "Lifetime validation failed, the
// token is expired." need different fixes); Refresh is the source's own
// failure, which says what to do (e.g. "run `provctl login`"). errors.As
// finds both.
type TokenRefusedError struct {
	Graph   *Error
	Refresh error
}

func (e *TokenRefusedError) Error() string   { return e.Graph.Error() }
func (e *TokenRefusedError) Unwrap() []error { return []error{e.Graph, e.Refresh} }

// Do sends the request with retries and returns the 2xx response, or an
// *Error for a Graph error answer, or the transport/context error.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := json.Marshal(req.Body)
		if err != nil {
			return nil, fmt.Errorf("encode request body: %w", err)
		}
		body = b
	}
	target := req.rawURL
	if target == "" {
		target = c.url(req.Path, req.Query)
	}
	policy := c.Retry.withDefaults()
	start := time.Now()
	var waited time.Duration // sum of retry waits, so MaxTotal holds with any Sleep
	refreshed, forceRefresh := false, false
	var refused *Error // the 401 that asked for a fresh token
	for attempt := 1; ; attempt++ {
		refreshing := forceRefresh
		resp, sent, err := c.send(ctx, req.Method, target, req.Header, body, attempt, forceRefresh)
		forceRefresh = false
		if err == nil {
			return resp, nil
		}
		var tf *tokenFailure
		if errors.As(err, &tf) {
			if refreshing && ctx.Err() == nil {
				// Graph's words name the fix ("Access token is empty." vs
				// "Lifetime validation failed"): keep them beside the
				// token source's own answer.
				return nil, &TokenRefusedError{Graph: refused, Refresh: tf.Err}
			}
			return nil, tf.Err
		}
		var gerr *Error
		if errors.As(err, &gerr) && gerr.StatusCode == http.StatusUnauthorized && !refreshed && c.Tokens != nil {
			// One forced refresh: the cached token may have been revoked or
			// expired early. Later attempts use the source's cache again.
			refreshed, forceRefresh, refused = true, true, gerr
			attempt--
			continue
		}
		elapsed := max(time.Since(start), waited)
		wait, retry := policy.next(attempt, err, elapsed)
		if !retry || !safeToRepeat(req.Method, err) {
			if !retry && policy.pastBudget(attempt, err, elapsed) {
				gerr.RetryBudget = policy.MaxTotal // say how long Graph asked to wait
			}
			return nil, maybeApplied(req.Method, target, sent, err)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

// SleepContext waits for d or until ctx ends, whichever comes first.
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) url(path string, query url.Values) string {
	u := strings.TrimRight(c.BaseURL, "/") + "/" + c.apiVersion() + "/" + strings.TrimLeft(path, "/")
	if len(query) > 0 {
		u += "?" + encodeQuery(query)
	}
	return u
}

func (c *Client) apiVersion() string {
	if c.APIVersion == "" {
		return "beta"
	}
	return c.APIVersion
}

// encodeQuery is url.Values.Encode but keeps '$' in OData system query
// option names readable ($filter, not %24filter); both are accepted by Graph.
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "%24", "$")
}

// send makes one attempt. sent reports whether the request may have reached
// the server (it was written, or the transport does not say), which decides
// whether a failed POST may have been applied.
func (c *Client) send(ctx context.Context, method, target string, hdr http.Header, body []byte, attempt int, refresh bool) (resp *Response, sent bool, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	progress := &sendProgress{}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, progress.trace()), method, target, rd)
	if err != nil {
		return nil, false, fmt.Errorf("build request: %w", err)
	}
	for k, v := range hdr {
		hreq.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
	crid := newGUID()
	hreq.Header.Set("client-request-id", crid)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", c.userAgent())
	if attempt > 1 {
		hreq.Header.Set("Retry-Attempt", fmt.Sprint(attempt-1))
	}
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	var tok string
	if c.Tokens != nil {
		tok, err = c.Tokens.Token(ctx, refresh)
		if err != nil {
			return nil, false, &tokenFailure{Err: err}
		}
		if !headerSafe(tok) {
			// net/http would refuse it too, as a network error we would
			// retry for seconds; no retry can fix it.
			return nil, false, &LocalError{Kind: LocalToken, Err: errTokenNotHeaderSafe}
		}
		hreq.Header.Set("Authorization", "Bearer "+tok)
	}
	httpc := c.HTTP
	if httpc == nil {
		httpc = http.DefaultClient
	}
	hresp, err := httpc.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, progress.sent(), ctx.Err()
		}
		if lerr := localAddressError(method, target, err); lerr != nil {
			return nil, false, lerr
		}
		// *url.Error repeats the full URL, query included; NetworkError
		// names the redacted URL itself.
		var uerr *url.Error
		if errors.As(err, &uerr) && uerr.Err != nil {
			err = uerr.Err
		}
		return nil, progress.sent(), &NetworkError{Method: method, URL: redactURL(target), Err: err}
	}
	defer hresp.Body.Close()
	limit := c.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	ok := hresp.StatusCode >= 200 && hresp.StatusCode < 300
	data, err := io.ReadAll(io.LimitReader(hresp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, true, ctx.Err()
		}
		if ok {
			return nil, true, &NetworkError{Method: method, URL: redactURL(target), Err: fmt.Errorf("reading the answer (HTTP %d): %w", hresp.StatusCode, err)}
		}
		// An error status says what happened even when its body was cut
		// off (a cut 429 is still "not processed, retry").
	}
	if int64(len(data)) > limit {
		return nil, true, fmt.Errorf("%s %s: response larger than %d bytes", method, redactURL(target), limit)
	}
	resp = &Response{
		StatusCode:      hresp.StatusCode,
		Header:          hresp.Header,
		Body:            validUTF8(data),
		RequestID:       hresp.Header.Get("request-id"),
		ClientRequestID: crid,
		Method:          method,
		URLPath:         urlPath(target),
	}
	if ok {
		return resp, true, nil
	}
	gerr := newError(resp)
	// Graph echoes tokens in messages ("Received: Bearer eyJ…").
	gerr.Message = RedactCredentials(gerr.Message, tok)
	return nil, true, gerr
}

func (c *Client) userAgent() string {
	if c.UserAgent != "" {
		return c.UserAgent
	}
	return "provctl/dev"
}

// NetworkError is a failure to reach Graph (DNS, TLS, connection reset).
type NetworkError struct {
	Method, URL string
	Err         error
}

func (e *NetworkError) Error() string {
	// The text of Err may quote what a server sent (a malformed status line).
	return fmt.Sprintf("%s %s: %s", e.Method, e.URL, RedactCredentials(e.Err.Error()))
}
func (e *NetworkError) Unwrap() error { return e.Err }

// redactURL drops the query (user data such as filters) and any password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.RawQuery, u.ForceQuery = "", false
	return u.Redacted()
}

// urlPath is the escaped path of a URL, for naming a request in errors.
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.EscapedPath()
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
