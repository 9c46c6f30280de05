package auth

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// certificateCredential reads the app's certificate and RSA private key
// from path: PEM (certificate and unencrypted PKCS#8 or PKCS#1 key) or
// PKCS#12 (.pfx/.p12, with password or without). variable names where the
// path came from. Errors name the file and the fix, never its content or
// the password. Each is a *SettingError: a file on this machine that
// cannot work is a usage error (exit 2), not the authority refusing.
func certificateCredential(variable, path, password string) (confidential.Credential, error) {
	fix := "point " + variable + " at the app's certificate: a PEM file with the certificate and its unencrypted private key, " +
		"or a PKCS#12 file (.pfx) with its password in AZURE_CLIENT_CERTIFICATE_PASSWORD"
	data, err := os.ReadFile(path)
	if err != nil {
		return confidential.Credential{}, &SettingError{Variable: variable, Fix: fix, Err: fmt.Errorf("%s: cannot read %s: %v", variable, path, pathErrText(err))}
	}
	certs, key, err := parseCertificate(data, password)
	if err != nil {
		return confidential.Credential{}, &SettingError{Variable: variable, Fix: fix, Err: fmt.Errorf("%s: %s %v", variable, path, err)}
	}
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		return confidential.Credential{}, &SettingError{Variable: variable, Fix: fix, Err: fmt.Errorf("%s: %s: %v", variable, path, err)}
	}
	return cred, nil
}

// parseCertificate tells PEM from PKCS#12 by content, not by file name.
// Its errors complete "<path> …".
func parseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		if bytes.Contains(data, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
			return nil, nil, errors.New("holds an encrypted PEM key, which provctl cannot read: convert it to PKCS#12 " +
				"(openssl pkcs12 -export -in cert.pem -inkey key.pem -out app.pfx) and give its password in AZURE_CLIENT_CERTIFICATE_PASSWORD, " +
				"or store the key unencrypted and protect the file (chmod 600)")
		}
		certs, key, err := confidential.CertFromPEM(data, "")
		if err != nil {
			return nil, nil, fmt.Errorf("must hold a PEM certificate and its unencrypted private key: %v", err)
		}
		return certs, key, nil
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) && password == "":
		return nil, nil, errors.New("is a PKCS#12 file protected by a password: set AZURE_CLIENT_CERTIFICATE_PASSWORD (or PROVCTL_CLIENT_CERTIFICATE_PASSWORD)")
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return nil, nil, errors.New("is a PKCS#12 file and the password given (AZURE_CLIENT_CERTIFICATE_PASSWORD or PROVCTL_CLIENT_CERTIFICATE_PASSWORD) does not open it")
	case err != nil:
		return nil, nil, fmt.Errorf("is neither PEM (certificate and key) nor a PKCS#12 file provctl can read (%v)", scrub(err.Error(), []string{password}))
	}
	return append([]*x509.Certificate{cert}, chain...), key, nil
}
