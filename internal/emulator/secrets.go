package emulator

import (
	"mime"
	"net/http"
	"net/url"
	"sync"
)

// secretRecord is one secret the emulator issued or received, for tests that
// check a client never prints one (GET /_emulator/secrets).
type secretRecord struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// The kinds of secretRecord.
const (
	secretAccessToken     = "access_token"
	secretRefreshToken    = "refresh_token"
	secretIDToken         = "id_token"
	secretDeviceCode      = "device_code"
	secretClientSecret    = "client_secret"
	secretClientAssertion = "client_assertion"
	secretFederatedToken  = "federated_token"
)

// maxSecretRecords bounds memory for a long-running emulator.
const maxSecretRecords = 10000

// secretLog holds each secret once, oldest first.
type secretLog struct {
	mu   sync.Mutex
	list []secretRecord
	seen map[secretRecord]bool
}

func (l *secretLog) add(kind, value string) {
	if value == "" {
		return
	}
	rec := secretRecord{kind, value}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen[rec] {
		return
	}
	if l.seen == nil {
		l.seen = map[secretRecord]bool{}
	}
	if len(l.list) >= maxSecretRecords {
		delete(l.seen, l.list[0])
		l.list = l.list[1:]
	}
	l.list = append(l.list, rec)
	l.seen[rec] = true
}

func (l *secretLog) snapshot() []secretRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]secretRecord{}, l.list...)
}

// formSecrets are the token-endpoint form fields that carry a secret.
var formSecrets = map[string]string{
	"client_secret":    secretClientSecret,
	"client_assertion": secretClientAssertion,
	"refresh_token":    secretRefreshToken,
	"device_code":      secretDeviceCode,
}

// noteReceived records the secrets a request carried: the bearer token (or
// a Basic password) and, in a posted form, the secret fields. It runs
// before faults, so secrets that only an echo fault saw are known too.
func (s *Server) noteReceived(r *http.Request, body []byte) {
	if tok, err := bearerToken(r.Header.Get("Authorization")); err == nil {
		s.secrets.add(secretAccessToken, tok)
	}
	if _, pw, ok := r.BasicAuth(); ok {
		s.secrets.add(secretClientSecret, pw)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return
	}
	for field, kind := range formSecrets {
		for _, v := range form[field] {
			s.secrets.add(kind, v)
		}
	}
}
