package auth

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

const pfxPassword = "Pfx-Passw0rd~ForTests" // must never appear in an error

// writePFX writes the certificate and key as PKCS#12 with enc.
func writePFX(t *testing.T, enc *pkcs12.Encoder, cert *x509.Certificate, key *rsa.PrivateKey, password string) string {
	t.Helper()
	data, err := enc.Encode(key, cert, nil, password)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "app.pfx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func certFake(t *testing.T, cert *x509.Certificate) *fakeAuthority {
	fa := appFake(t)
	fa.set(func(fa *fakeAuthority) { fa.certPub, fa.certDER = cert.PublicKey.(*rsa.PublicKey), cert.Raw })
	return fa
}

func TestAzureCertificatePEMAndPFX(t *testing.T) {
	t.Parallel()
	pemPath, cert, key := testCert(t)
	fa := certFake(t, cert)
	signIn := func(env map[string]string) error {
		env[envAzureClientID], env[envAzureTenantID] = testAppID, "contoso"
		_, err := AccessToken(testCtx(t), fa.config(t, env), nil)
		return err
	}
	for name, env := range map[string]map[string]string{
		"PEM": {envAzureClientCertificate: pemPath},
		"PFX, AES (Modern)": {envAzureClientCertificate: writePFX(t, pkcs12.Modern, cert, key, pfxPassword),
			envAzureClientCertificatePassword: pfxPassword},
		"PFX, 3DES (Legacy)": {envAzureClientCertificate: writePFX(t, pkcs12.LegacyDES, cert, key, pfxPassword),
			envAzureClientCertificatePassword: pfxPassword},
		"PFX, RC2": {envAzureClientCertificate: writePFX(t, pkcs12.LegacyRC2, cert, key, pfxPassword),
			envAzureClientCertificatePassword: pfxPassword},
		"PFX without password":    {envAzureClientCertificate: writePFX(t, pkcs12.Passwordless, cert, key, "")},
		"PFX by provctl's name":   {envClientCertificate: writePFX(t, pkcs12.Modern, cert, key, pfxPassword), envClientCertificatePassword: pfxPassword},
		"provctl's password wins": {envAzureClientCertificate: writePFX(t, pkcs12.Modern, cert, key, pfxPassword), envClientCertificatePassword: pfxPassword, envAzureClientCertificatePassword: "wrong"},
		"provctl's path wins":     {envClientCertificate: pemPath, envAzureClientCertificate: "/nonexistent/other.pfx"},
	} {
		if err := signIn(env); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	info, err := Status(testCtx(t), fa.config(t, map[string]string{envAzureClientCertificate: pemPath, envAzureClientID: testAppID, envAzureTenantID: "contoso"}))
	if err != nil || info.Mode != ModeCertificate || info.Sources.Credential != envAzureClientCertificate {
		t.Errorf("status = %+v, %v", info, err)
	}
}

func TestCertificateFileErrors(t *testing.T) {
	t.Parallel()
	_, cert, key := testCert(t)
	protected := writePFX(t, pkcs12.Modern, cert, key, pfxPassword)
	garbage := filepath.Join(t.TempDir(), "garbage.pfx")
	_ = os.WriteFile(garbage, []byte("\x30\x82not really PKCS#12 "+pfxPassword), 0o600)
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	encrypted := filepath.Join(t.TempDir(), "enc.pem")
	_ = os.WriteFile(encrypted, append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: pk})...), 0o600)
	for _, tc := range []struct {
		name, path, password string
		wants                []string
	}{
		{"no password", protected, "", []string{protected, "protected by a password", "set AZURE_CLIENT_CERTIFICATE_PASSWORD"}},
		{"wrong password", protected, "Not-" + pfxPassword, []string{protected, "does not open it"}},
		{"not a certificate", garbage, pfxPassword, []string{garbage, "neither PEM", "PKCS#12"}},
		{"encrypted PEM", encrypted, "", []string{encrypted, "encrypted PEM key", "openssl pkcs12 -export"}},
		{"missing", "/nonexistent/app.pfx", "", []string{"/nonexistent/app.pfx", "cannot read"}},
	} {
		_, err := certificateCredential(envAzureClientCertificate, tc.path, tc.password)
		wantSettingError(t, err, envAzureClientCertificate, append([]string{envAzureClientCertificate}, tc.wants...)...)
		if err != nil && strings.Contains(err.Error(), pfxPassword) {
			t.Errorf("%s: error shows the password: %v", tc.name, err)
		}
	}
}
