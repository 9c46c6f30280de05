package cmd

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// A connection that fails before Graph answers gets a hint naming the
// setting to check; the errors are built here, no network is used.
func TestNetworkHint(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"untrusted CA", fmt.Errorf("GET …: %w", x509.UnknownAuthorityError{}), "PROVCTL_CA_FILE"},
		{"other name", fmt.Errorf("GET …: %w", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "graph.example"}), "--cloud"},
		{"refused", fmt.Errorf("GET …: %w", refused), "PROVCTL_GRAPH_URL"},
		{"no such host", fmt.Errorf("GET …: %w", &net.DNSError{Err: "no such host", Name: "graph.example", IsNotFound: true}), "does not resolve"},
	} {
		got := errorHint(tc.err, reportContext{})
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: hint %q, want it to name %s", tc.name, got, tc.want)
		}
	}
	if got := errorHint(fmt.Errorf("something else"), reportContext{}); got != "" {
		t.Errorf("an unrelated error got the hint %q", got)
	}
}
