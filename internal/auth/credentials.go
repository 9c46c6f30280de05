package auth

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// appCredential builds the app-only credential the mode names. secrets
// returns the values to scrub from error text.
func appCredential(cfg Config, mode Mode) (cred confidential.Credential, secrets func() []string, err error) {
	switch mode {
	case ModeSecret:
		secret := cfg.env(envClientSecret)
		cred, err = confidential.NewCredFromSecret(secret)
		if err != nil {
			return cred, nil, &Error{Err: fmt.Errorf("%s: unusable client secret", envClientSecret)}
		}
		return cred, func() []string { return []string{secret} }, nil
	case ModeCertificate:
		cred, err = certificateCredential(cfg.env(envClientCertificate))
		return cred, func() []string { return nil }, err
	default:
		fa := &fileAssertion{path: cfg.env(envFederatedFile)}
		return confidential.NewCredFromAssertionCallback(fa.assertion), fa.secrets, nil
	}
}

// certificateCredential reads a PEM file holding the certificate and its
// unencrypted private key. Errors name the file, never its content.
func certificateCredential(path string) (confidential.Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return confidential.Credential{}, &Error{Err: fmt.Errorf("%s: cannot read %s: %v", envClientCertificate, path, pathErrText(err))}
	}
	certs, key, err := confidential.CertFromPEM(data, "")
	if err != nil {
		return confidential.Credential{}, &Error{Err: fmt.Errorf("%s: %s must hold a PEM certificate and its unencrypted private key: %v", envClientCertificate, path, err)}
	}
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		return confidential.Credential{}, &Error{Err: fmt.Errorf("%s: %s: %v", envClientCertificate, path, err)}
	}
	return cred, nil
}

// fileAssertion supplies the workload-identity assertion. The file is read
// on every token request because Kubernetes (or the CI system) rotates it.
type fileAssertion struct {
	path string
	mu   sync.Mutex
	last string
}

func (f *fileAssertion) assertion(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return "", fmt.Errorf("%s: cannot read %s: %s", envFederatedFile, f.path, pathErrText(err))
	}
	a := strings.TrimSpace(string(data))
	if a == "" {
		return "", fmt.Errorf("%s: %s is empty: no federated token to sign in with", envFederatedFile, f.path)
	}
	f.mu.Lock()
	f.last = a
	f.mu.Unlock()
	return a, nil
}

func (f *fileAssertion) secrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return []string{f.last}
}

// pathErrText is an *os.PathError's reason without repeating the path.
func pathErrText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
