package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// MaxPages bounds how many @odata.nextLink pages one listing follows. Every
// listing provctl makes wants at most a thousand items, and Graph's pages
// hold up to a thousand, so a hundred pages (empty ones included) is far
// beyond any honest answer.
const MaxPages = 100

type page[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// List fetches path and follows @odata.nextLink until it is absent or limit
// items were collected (limit <= 0 means all). Headers are re-sent on every
// page because Graph does not carry them over (e.g. ConsistencyLevel). A
// next link already read is an error at once: following it would read the
// same items again, forever.
func List[T any](ctx context.Context, c *Client, path string, query url.Values, header http.Header, limit int) ([]T, error) {
	var all []T
	req := &Request{Method: http.MethodGet, Path: path, Query: query, Header: header}
	read := map[string]int{c.url(path, query): 1} // URL → page number
	for n := 1; ; n++ {
		resp, err := c.Do(ctx, req)
		if err != nil {
			return all, err
		}
		var p page[T]
		if err := DecodeObject(resp, &p); err != nil {
			return all, err
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
		if first, ok := read[p.NextLink]; ok {
			return all, fmt.Errorf("list %s: page %d's @odata.nextLink leads back to page %d (%s): Graph is repeating itself; stopped instead of reading the same items twice (request-id %s)",
				path, n, first, shownLink(p.NextLink), orNone(resp.RequestID))
		}
		if n >= MaxPages {
			return all, fmt.Errorf("list %s: more than %d pages", path, MaxPages)
		}
		read[p.NextLink] = n + 1
		req = &Request{Method: http.MethodGet, Header: header, rawURL: p.NextLink}
	}
}

// shownLink is a next link as an error shows it: credential-like query
// values masked, and short.
func shownLink(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "(unparseable URL)"
	}
	return clipRunes(redactURLForTrace(u), 300)
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
	if !sameOrigin(nu, bu) {
		return fmt.Errorf("refusing @odata.nextLink to another host: %q", nu.Host)
	}
	return nil
}
