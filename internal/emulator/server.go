package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// Options configures Start.
type Options struct {
	// Addr is the TCP address to listen on; default "127.0.0.1:8443".
	// A port of 0 ("127.0.0.1:0", ":0") picks a free port.
	Addr string
	// EnvFile, if set, receives `export K='V'` lines (mode 0600, written
	// atomically once the listener is up): PROVCTL_GRAPH_URL,
	// PROVCTL_AUTHORITY_HOST, PROVCTL_TENANT, PROVCTL_CA_FILE,
	// PROVCTL_EMULATOR_TOKEN, PROVCTL_EMULATOR_CLIENT_ID,
	// PROVCTL_EMULATOR_CLIENT_SECRET, PROVCTL_EMULATOR_CLIENT_CERTIFICATE and
	// PROVCTL_EMULATOR_URL.
	EnvFile string
	// TenantFile is an optional JSON seed replacing the built-in tenant; its
	// format is documented on tenant.File (tenant/seed.go) and in docs/emulator.md,
	// and the built-in tenant.json is a complete example.
	TenantFile string
	// AutoApprove, when > 0, approves every device code (as the first seeded
	// user, Adele) this long after it was issued; 0 means the verification
	// page at /devicelogin must be used.
	AutoApprove time.Duration
	// TokenLifetime is the lifetime of access tokens; default 1h.
	TokenLifetime time.Duration
	// Dir is where ca.pem and the app certificate are written; default the
	// EnvFile's directory, else a fresh temporary directory removed by Close.
	Dir string
	// Log receives one line per request (method, path, status, duration);
	// nil is silent. Tokens, secrets, codes and assertions are never logged.
	Log io.Writer
	// Profile is the world imitated: ProfileSeed (default, also for "") or
	// ProfileReal. See profile.go and docs/emulator.md.
	Profile string
	// LogLag is how long after a provisionOnDemand call its provisioning-log
	// entries stay out of GET /auditLogs/provisioning. Zero means the
	// profile's default (none for seed, RealLogLag for real) unless
	// LogLagSet is true. Negative is an error.
	LogLag time.Duration
	// LogLagSet makes LogLag apply even when zero (a real profile without lag).
	LogLagSet bool
	// RateLimit is the provisionOnDemand limit per job, "N/D" as
	// ParseRateLimit reads it ("5/1s"), or "off"; "" means DefaultRateLimit
	// ("5/10s", Graph's documented limit). An invalid spec fails Start.
	RateLimit string
}

// Server is a running emulator.
type Server struct {
	opts       Options
	url        string
	outDir     string
	ownDir     bool
	caFile     string
	certFile   string
	http       *http.Server
	listener   net.Listener
	closing    chan struct{}
	closeOnce  sync.Once
	closeErr   error
	clock      clock
	pki        *pki
	federated  *federatedIssuer
	tokens     *tokenIssuer
	dir        *tenant.Directory
	entra      *entraState
	app        appRegistration
	faults     faultSet
	requests   requestLog
	secrets    secretLog
	envToken   string
	logMu      sync.Mutex
	publicApps map[string]bool
	codes      authCodes        // issued at /authorize (entra_authcode.go)
	identity   identityEndpoint // the managed identity endpoint (identity.go)
}

// appRegistration is the seeded app for app-only sign-in.
type appRegistration struct {
	clientID  string
	name      string
	secret    string
	roles     []string
	federated []tenant.FederatedCredential
	spID      string // object id of its service principal (oid of app tokens)
}

// envTokenLifetime is the lifetime of PROVCTL_EMULATOR_TOKEN.
const envTokenLifetime = 30 * 24 * time.Hour

// Start seeds the tenant, generates the CA and certificates, and serves
// Graph and Entra ID over TLS. The server is listening when Start returns.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8443"
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.Profile == "" {
		opts.Profile = ProfileSeed
	}
	if err := CheckProfile(opts.Profile); err != nil {
		return nil, err
	}
	if opts.LogLag < 0 {
		return nil, fmt.Errorf("log lag %s is negative", opts.LogLag)
	}
	if opts.RateLimit == "" {
		opts.RateLimit = DefaultRateLimit
	}
	if _, _, err := ParseRateLimit(opts.RateLimit); err != nil {
		return nil, err
	}
	seed, err := tenant.Load(opts.TenantFile)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, closing: make(chan struct{})}
	now := s.clock.now()
	if err := s.prepareDir(); err != nil {
		return nil, err
	}
	if s.pki, err = newPKI(now, seed.Application.DisplayName); err != nil {
		return nil, s.abort(err)
	}
	if s.federated, err = newFederatedIssuer(); err != nil {
		return nil, s.abort(err)
	}
	if s.listener, err = net.Listen("tcp", opts.Addr); err != nil {
		return nil, s.abort(fmt.Errorf("listen on %s: %w", opts.Addr, err))
	}
	s.url = baseURL(s.listener.Addr())
	s.dir = tenant.New(seed, now)
	change := tenant.ConfigChange{Profile: &opts.Profile}
	change.RateLimit, change.OnDemandRate = rateLimitChange(opts.RateLimit)
	if opts.LogLag != 0 || opts.LogLagSet {
		lag := opts.LogLag
		change.LogLag = &lag
	}
	s.dir.Configure(change)
	s.app = newAppRegistration(seed)
	s.publicApps = map[string]bool{}
	for _, id := range seed.PublicClients {
		s.publicApps[id] = true
	}
	s.tokens = newTokenIssuer(s.issuer(), seed.TenantID, &s.clock)
	s.entra = newEntraState()
	if err := s.writeFiles(); err != nil {
		return nil, s.abort(err)
	}

	s.http = &http.Server{
		Handler:           s,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{s.pki.leaf}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		// Clients that do not trust the CA make the TLS layer log handshake
		// errors; they are the client's problem, not ours.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = s.http.Serve(tls.NewListener(s.listener, s.http.TLSConfig)) }()

	if adele := s.dir.Users(); len(adele) > 0 {
		s.envToken, _ = s.tokens.mint(subject{user: adele[0], clientID: defaultPublicClient, clientName: "Microsoft Graph Command Line Tools", perms: allPermissions}, envTokenLifetime)
	}
	s.secrets.add(secretAccessToken, s.envToken)
	s.secrets.add(secretClientSecret, s.app.secret)
	if opts.EnvFile != "" {
		if err := writeEnvFile(opts.EnvFile, s.envVars()); err != nil {
			return nil, s.abort(err)
		}
	}
	return s, nil
}

// defaultPublicClient is "Microsoft Graph Command Line Tools", provctl's default client id.
const defaultPublicClient = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

func newAppRegistration(t *tenant.File) appRegistration {
	a := appRegistration{
		clientID: t.Application.ClientID, name: t.Application.DisplayName,
		secret: t.Application.ClientSecret, roles: t.Application.Roles,
		federated: t.Application.FederatedCredentials,
	}
	if a.secret == "" {
		// Shaped like Entra secrets (a 3-character prefix, "~", random).
		a.secret = "emu~" + randomToken(27)
	}
	if len(a.roles) == 0 {
		a.roles = allPermissions
	}
	for _, sp := range t.ServicePrincipals {
		if sp.AppID == a.clientID {
			a.spID = sp.ID
		}
	}
	if a.spID == "" {
		a.spID = newGUID()
	}
	return a
}

// prepareDir picks and creates the directory for ca.pem and the certificate.
func (s *Server) prepareDir() error {
	dir := s.opts.Dir
	if dir == "" && s.opts.EnvFile != "" {
		dir = filepath.Dir(s.opts.EnvFile)
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "provctl-emulator-")
		if err != nil {
			return fmt.Errorf("create emulator directory: %w", err)
		}
		dir, s.ownDir = tmp, true
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create emulator directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	s.outDir = abs
	s.caFile = filepath.Join(abs, "ca.pem")
	s.certFile = filepath.Join(abs, "app-certificate.pem")
	return nil
}

func (s *Server) writeFiles() error {
	if err := writeFileAtomic(s.caFile, s.pki.caPEM, 0o644); err != nil {
		return fmt.Errorf("write CA certificate: %w", err)
	}
	if err := writeFileAtomic(s.certFile, s.pki.appPEM, 0o600); err != nil {
		return fmt.Errorf("write app certificate: %w", err)
	}
	return nil
}

// abort undoes a partial Start.
func (s *Server) abort(err error) error {
	if s.listener != nil {
		_ = s.listener.Close()
	}
	if s.ownDir {
		_ = os.RemoveAll(s.outDir)
	}
	return err
}

// baseURL is https://host:port for the listener; an unspecified address is
// reached through 127.0.0.1, the host the TLS certificate and MSAL agree on.
func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "https://" + a.String()
	}
	host := "127.0.0.1"
	if tcp.IP.To4() == nil && tcp.IP.IsLoopback() {
		host = "::1"
	}
	return "https://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// issuer is the v2.0 issuer of the tenant, as in openid-configuration.
func (s *Server) issuer() string {
	return s.url + "/" + s.dir.File().TenantID + "/v2.0"
}

// URL returns the base URL, e.g. "https://127.0.0.1:8443": Graph lives under
// /beta and /v1.0, Entra under /{tenant}, the control API under /_emulator.
func (s *Server) URL() string { return s.url }

// CAFile returns the absolute path of the PEM file holding the emulator's CA.
func (s *Server) CAFile() string { return s.caFile }

// Close stops serving (cutting injected delays short) and removes the
// temporary directory if Start created one. It is safe to call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			s.closeErr = err
		}
		_ = s.http.Close()
		if s.ownDir {
			_ = os.RemoveAll(s.outDir)
		}
	})
	return s.closeErr
}
