package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxPages bounds how many @odata.nextLink pages one listing follows.
const MaxPages = 1000

type page[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// List fetches path and follows @odata.nextLink until it is absent or limit
// items were collected (limit <= 0 means all). Headers are re-sent on every
// page because Graph does not carry them over (e.g. ConsistencyLevel).
func List[T any](ctx context.Context, c *Client, path string, query url.Values, header http.Header, limit int) ([]T, error) {
	var all []T
	req := &Request{Method: http.MethodGet, Path: path, Query: query, Header: header}
	for n := 0; ; n++ {
		if n >= MaxPages {
			return all, fmt.Errorf("list %s: more than %d pages", path, MaxPages)
		}
		resp, err := c.Do(ctx, req)
		if err != nil {
			return all, err
		}
		var p page[T]
		if err := json.Unmarshal(resp.Body, &p); err != nil {
			return all, &DecodeError{RequestID: resp.RequestID, Err: err}
		}
		all = append(all, p.Value...)
		if limit > 0 && len(all) >= limit {
			return all[:limit], nil
		}
		if p.NextLink == "" {
			return all, nil
		}
		if err := c.checkNextLink(p.NextLink); err != nil {
			return all, err
		}
		req = &Request{Method: http.MethodGet, Header: header, rawURL: p.NextLink}
	}
}

// checkNextLink refuses to send our token to an origin (scheme, host,
// port) other than BaseURL's; an explicit default port (":443") matches.
func (c *Client) checkNextLink(next string) error {
	nu, err := url.Parse(next)
	if err != nil {
		return fmt.Errorf("invalid @odata.nextLink: %w", err)
	}
	bu, err := url.Parse(c.BaseURL)
	if err != nil {
		return fmt.Errorf("invalid Graph URL: %w", err)
	}
	if !strings.EqualFold(nu.Scheme, bu.Scheme) || !strings.EqualFold(nu.Hostname(), bu.Hostname()) ||
		effectivePort(nu) != effectivePort(bu) {
		return fmt.Errorf("refusing @odata.nextLink to another host: %q", nu.Host)
	}
	return nil
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
