package graph

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// LocalKind says which of provctl's own inputs made a request unsendable.
type LocalKind string

const (
	// LocalToken: the access token cannot be sent as a header value.
	LocalToken LocalKind = "access token"
	// LocalAddress: the address to dial is invalid (a port out of range).
	LocalAddress LocalKind = "address"
)

// LocalError is a request that could not be sent because of provctl's own
// configuration: a token holding a line break, a Graph URL or proxy with
// port 99999. Nothing was sent and no retry can fix it; the caller names
// the setting to correct.
type LocalError struct {
	Kind LocalKind
	Err  error
}

func (e *LocalError) Error() string {
	if e.Kind == LocalToken {
		return "the access token cannot be sent: " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *LocalError) Unwrap() error { return e.Err }

// errTokenNotHeaderSafe never includes the token: it is a secret.
var errTokenNotHeaderSafe = errors.New("it contains a line break or another control character, which an HTTP header cannot carry")

// headerSafe reports whether v is a valid HTTP header field value (no
// control characters but tab), as net/http checks before sending.
func headerSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// localAddressError recognises a dial failure caused by the address
// itself ("address 99999: invalid port"), which the URL or proxy setting
// must fix.
func localAddressError(method, target string, err error) error {
	var aerr *net.AddrError
	if errors.As(err, &aerr) && strings.Contains(aerr.Err, "port") {
		return &LocalError{Kind: LocalAddress, Err: fmt.Errorf("%s %s: %w", method, redactURL(target), err)}
	}
	return nil
}
