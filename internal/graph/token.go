package graph

import "context"

// TokenSource supplies bearer tokens for Graph requests. It is implemented by
// internal/auth; the graph package only consumes it.
type TokenSource interface {
	// Token returns an access token. refresh is true when Graph refused the
	// previous token with 401, asking the source to bypass any cached token.
	Token(ctx context.Context, refresh bool) (string, error)
}
