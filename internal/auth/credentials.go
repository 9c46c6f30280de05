package auth

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// appCred is the credential of an app-only mode.
type appCred struct {
	cred    confidential.Credential
	source  string          // the variable(s) it came from, for status and errors
	secrets func() []string // values to scrub from error text
	// claims describes the last federated assertion presented (issuer,
	// subject, audience), for errors about the federated credential; nil
	// for a secret or certificate.
	claims func() *assertionClaims
}

// appCredential builds the app-only credential the mode names; where both
// provctl's and azidentity's variable are set, provctl's wins.
func appCredential(cfg Config, mode Mode) (appCred, error) {
	switch mode {
	case ModeSecret:
		name := credentialVariable(cfg, mode)
		secret := cfg.env(name)
		cred, err := confidential.NewCredFromSecret(secret)
		if err != nil {
			return appCred{}, &Error{Err: fmt.Errorf("%s: unusable client secret", name)}
		}
		return appCred{cred: cred, source: name, secrets: func() []string { return []string{secret} }}, nil
	case ModeCertificate:
		name := credentialVariable(cfg, mode)
		password := cfg.env(firstVar(cfg, envClientCertificatePassword, envAzureClientCertificatePassword))
		cred, err := certificateCredential(name, cfg.env(name), password)
		return appCred{cred: cred, source: name, secrets: func() []string { return []string{password} }}, err
	case ModeGitHubOIDC:
		gh, err := newGitHubAssertion(cfg)
		if err != nil {
			return appCred{}, err
		}
		return appCred{cred: confidential.NewCredFromAssertionCallback(gh.assertion), source: envGitHubTokenURL + " + " + envGitHubRequestToken,
			secrets: gh.secrets, claims: gh.lastClaims}, nil
	default:
		fa := &fileAssertion{path: cfg.env(envFederatedFile)}
		return appCred{cred: confidential.NewCredFromAssertionCallback(fa.assertion), source: envFederatedFile,
			secrets: fa.secrets, claims: fa.lastClaims}, nil
	}
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

func (f *fileAssertion) lastClaims() *assertionClaims {
	f.mu.Lock()
	defer f.mu.Unlock()
	return readAssertionClaims(f.last)
}

// pathErrText is an *os.PathError's reason without repeating the path.
func pathErrText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
