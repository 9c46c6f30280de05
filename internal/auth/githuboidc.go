package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// GitHub Actions OIDC: in a job with `permissions: id-token: write`,
// GitHub sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN;
// a GET of the URL with an audience, authorized by the request token,
// answers {"count": n, "value": "<JWT>"}. provctl asks for Entra ID's
// audience and presents the JWT as the client assertion of the app
// registration's federated credential: no secret, no curl step.

// githubAudience is the audience Entra ID's federated credentials expect.
const githubAudience = "api://AzureADTokenExchange"

const (
	githubTryTimeout = 20 * time.Second // one request to GitHub
	githubMaxAnswer  = 64 << 10         // a JWT is a few KB
)

// githubAssertion fetches a fresh OIDC token from GitHub whenever MSAL
// needs an assertion: GitHub's tokens live minutes, so none is kept for
// reuse.
type githubAssertion struct {
	url    string // the request URL with the audience
	token  string // the request token (a secret)
	client *http.Client

	mu   sync.Mutex
	last string // the last JWT, only to scrub it from errors
}

func newGitHubAssertion(cfg Config) (*githubAssertion, error) {
	u, err := githubTokenURL(cfg.env(envGitHubTokenURL), githubAudience)
	if err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	return &githubAssertion{url: u, token: cfg.env(envGitHubRequestToken), client: client}, nil
}

// githubTokenURL adds the audience to ACTIONS_ID_TOKEN_REQUEST_URL, which
// already carries a query (api-version) in GitHub's runners: with "&" then,
// else with "?". The URL must be https: the request token travels with it.
func githubTokenURL(raw, audience string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return "", &Error{Err: fmt.Errorf("%s must be an https URL, as GitHub Actions sets it in jobs with `permissions: id-token: write` (unset it to sign in otherwise)", envGitHubTokenURL)}
	}
	u.Fragment, u.RawFragment = "", ""
	q := u.RawQuery
	if q != "" && !strings.HasSuffix(q, "&") {
		q += "&"
	}
	u.RawQuery = q + "audience=" + url.QueryEscape(audience)
	return u.String(), nil
}

// assertion is MSAL's assertion callback.
func (g *githubAssertion) assertion(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
	jwt, err := g.fetch(ctx)
	if err != nil {
		return "", err
	}
	g.mu.Lock()
	g.last = jwt
	g.mu.Unlock()
	return jwt, nil
}

func (g *githubAssertion) secrets() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return []string{g.token, g.last}
}

func (g *githubAssertion) lastClaims() *assertionClaims {
	g.mu.Lock()
	defer g.mu.Unlock()
	return readAssertionClaims(g.last)
}

// fetch asks GitHub for a token, retrying 429, 5xx, unreadable answers
// and network failures as the other sign-in calls do: at most
// loginAttempts tries, after Retry-After or a growing backoff, never past
// ctx's deadline.
func (g *githubAssertion) fetch(ctx context.Context) (string, error) {
	for attempt := 1; ; attempt++ {
		jwt, retryAfter, err := g.try(ctx)
		var ge *githubError
		if err == nil || !errors.As(err, &ge) || !ge.transient || attempt == loginAttempts || ctx.Err() != nil {
			return jwt, err
		}
		wait := loginBackoff << (attempt - 1)
		if retryAfter >= 0 {
			wait = retryAfter
		}
		wait = min(wait, loginMaxWait)
		if d, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(d) {
			return "", err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", err
		case <-t.C:
		}
	}
}

// try sends one request. retryAfter is the answer's Retry-After, or -1.
func (g *githubAssertion) try(ctx context.Context) (jwt string, retryAfter time.Duration, err error) {
	tctx, cancel := context.WithTimeout(ctx, githubTryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodGet, g.url, nil)
	if err != nil {
		return "", -1, &githubError{msg: "cannot build the request: " + scrub(err.Error(), g.secrets())}
	}
	req.Header.Set("Authorization", "bearer "+g.token)
	req.Header.Set("Accept", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", -1, ctx.Err()
		}
		return "", -1, &githubError{transient: true, msg: "cannot reach it: " + scrub(flatten(err.Error()), g.secrets())}
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, githubMaxAnswer+1))
	retryAfter = -1
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		retryAfter = d
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests || s >= 500:
		return "", retryAfter, &githubError{transient: true, msg: fmt.Sprintf("it failed (HTTP %d)", s)}
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return "", -1, &githubError{msg: fmt.Sprintf("it refused %s (HTTP %d): the job needs `permissions: id-token: write`, and the request token is valid only while its job runs", envGitHubRequestToken, s)}
	case s != http.StatusOK:
		return "", -1, &githubError{msg: fmt.Sprintf("it answered HTTP %d: check %s", s, envGitHubTokenURL)}
	case readErr != nil:
		return "", -1, &githubError{transient: true, msg: "its answer was cut off"}
	}
	jwt, err = githubAnswerToken(body)
	return jwt, -1, err
}

// githubAnswerToken reads {"value": "<JWT>"} (GitHub also sends "count").
// Nothing of the body is quoted in an error: it may hold the token.
func githubAnswerToken(body []byte) (string, error) {
	if len(body) > githubMaxAnswer {
		return "", &githubError{msg: "its answer is too large to be a token"}
	}
	var a struct {
		Value any `json:"value"`
	}
	if !json.Valid(body) || json.Unmarshal(body, &a) != nil {
		// a proxy's page or a cut-off body: worth another try
		return "", &githubError{transient: true, msg: "its answer could not be read (not a JSON object)"}
	}
	v, _ := a.Value.(string)
	v = strings.TrimSpace(v)
	switch {
	case a.Value == nil:
		return "", &githubError{msg: `its answer has no "value"`}
	case strings.Count(v, ".") != 2 || strings.ContainsAny(v, " \t\r\n"):
		return "", &githubError{msg: `its answer's "value" is not a JWT`}
	}
	return v, nil
}

// githubError is a failure to get the OIDC token from GitHub. transient
// ones (429, 5xx, network, unreadable answers) are retried and, when they
// persist, exit 1 like a failing authority; the others are sign-in
// failures (exit 4).
type githubError struct {
	transient bool
	msg       string
}

func (e *githubError) Error() string {
	return "GitHub Actions OIDC token (" + envGitHubTokenURL + "): " + e.msg
}

// userError is the command's answer to a githubError.
func (e *githubError) userError() error {
	if e.transient {
		return fmt.Errorf("app-only sign-in (%s): %s", ModeGitHubOIDC, e.Error())
	}
	return &Error{Err: fmt.Errorf("app-only sign-in (%s): %s", ModeGitHubOIDC, e.Error())}
}
