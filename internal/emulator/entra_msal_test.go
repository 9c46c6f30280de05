package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

var syncScopes = []string{"https://graph.microsoft.com/Synchronization.ReadWrite.All", "https://graph.microsoft.com/AuditLog.Read.All"}

func (h *harness) publicClient(t *testing.T, clientID string) public.Client {
	t.Helper()
	pc, err := public.New(clientID,
		public.WithAuthority(h.s.URL()+"/"+tenantID),
		public.WithInstanceDiscovery(false),
		public.WithHTTPClient(h.c))
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func (h *harness) confidentialClient(t *testing.T, cred confidential.Credential) confidential.Client {
	t.Helper()
	t.Setenv("MSAL_FORCE_REGION", "")
	cc, err := confidential.New(h.s.URL()+"/organizations", appID, cred,
		confidential.WithInstanceDiscovery(false),
		confidential.WithHTTPClient(h.c))
	if err != nil {
		t.Fatal(err)
	}
	return cc
}

// wantGraphOK checks that a token is accepted by Graph for path.
func (h *harness) wantGraphOK(t *testing.T, token, path string) response {
	t.Helper()
	r := h.call("GET", path, nil, "Authorization", "Bearer "+token)
	wantStatus(t, r, http.StatusOK)
	return r
}

func TestMSALDeviceCodeAutoApproveAndRefresh(t *testing.T) {
	h := start(t, Options{AutoApprove: 50 * time.Millisecond, TokenLifetime: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pc := h.publicClient(t, defaultPublicClient)

	dc, err := pc.AcquireTokenByDeviceCode(ctx, syncScopes)
	if err != nil {
		t.Fatalf("device code: %v", err)
	}
	if !strings.Contains(dc.Result.Message, h.s.URL()+"/devicelogin") || !strings.Contains(dc.Result.Message, dc.Result.UserCode) {
		t.Errorf("message = %q", dc.Result.Message)
	}
	if until := time.Until(dc.Result.ExpiresOn); until < 14*time.Minute {
		t.Errorf("device code expires in %v", until)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	if res.Account.PreferredUsername != "adele@contoso.test" || res.Account.HomeAccountID != adeleID+"."+tenantID {
		t.Errorf("account = %+v", res.Account)
	}
	me := h.wantGraphOK(t, res.AccessToken, "/beta/me")
	if me.body["userPrincipalName"] != "adele@contoso.test" {
		t.Errorf("/me = %s", me.raw)
	}
	// The token carries only the scopes asked for; logs also need Directory.Read.All.
	wantGraphError(t, h.call("GET", "/beta/auditLogs/provisioning", nil, "Authorization", "Bearer "+res.AccessToken),
		http.StatusForbidden, "Authorization_RequestDenied")

	// Expire the access token: Graph refuses it, a silent call refreshes.
	h.s.clock.advance(2 * time.Minute)
	wantGraphError(t, h.call("GET", "/beta/me", nil, "Authorization", "Bearer "+res.AccessToken), http.StatusUnauthorized, "InvalidAuthenticationToken")
	accts, err := pc.Accounts(ctx)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts = %v, %v", accts, err)
	}
	silent, err := pc.AcquireTokenSilent(ctx, syncScopes, public.WithSilentAccount(accts[0]))
	if err != nil {
		t.Fatalf("silent refresh: %v", err)
	}
	if silent.AccessToken == res.AccessToken {
		t.Error("silent call returned the expired token")
	}
	h.wantGraphOK(t, silent.AccessToken, "/beta/me")

	// Revoked refresh tokens: the next silent refresh fails with a 400.
	wantStatus(t, h.call("POST", "/_emulator/revoke", nil), http.StatusNoContent)
	h.s.clock.advance(2 * time.Minute)
	_, err = pc.AcquireTokenSilent(ctx, syncScopes, public.WithSilentAccount(accts[0]))
	var callErr msalerrors.CallErr
	if !errors.As(err, &callErr) || callErr.Resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("silent after revoke: %v", err)
	}
}

func TestMSALDeviceCodeVerificationPage(t *testing.T) {
	h := start(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pc := h.publicClient(t, appID) // the app registration may use device code too

	for _, tc := range []struct {
		action, user string
		wantErr      bool
	}{
		{"approve", "megan@contoso.test", false},
		{"decline", "", true},
	} {
		dc, err := pc.AcquireTokenByDeviceCode(ctx, []string{"User.Read"})
		if err != nil {
			t.Fatal(err)
		}
		page := h.call("GET", "/devicelogin?otc="+dc.Result.UserCode, nil)
		if page.status != 200 || !strings.Contains(string(page.raw), `value="`+dc.Result.UserCode+`"`) {
			t.Fatalf("verification page: %d %s", page.status, page.raw)
		}
		go func() {
			time.Sleep(100 * time.Millisecond)
			form := url.Values{"user_code": {strings.ToLower(dc.Result.UserCode)}, "action": {tc.action}, "user": {tc.user}}
			r := h.call("POST", "/devicelogin", form.Encode())
			if r.status != http.StatusOK {
				t.Errorf("POST /devicelogin: %d", r.status)
			}
		}()
		res, err := dc.AuthenticationResult(ctx)
		if tc.wantErr {
			var callErr msalerrors.CallErr
			if !errors.As(err, &callErr) || !strings.Contains(err.Error(), "authorization_declined") {
				t.Errorf("declined: err = %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("approved: %v", err)
		}
		if res.Account.PreferredUsername != tc.user {
			t.Errorf("signed in as %q, want %q", res.Account.PreferredUsername, tc.user)
		}
	}
	bad := h.call("POST", "/devicelogin", "user_code=NOPE&action=approve")
	if bad.status != http.StatusBadRequest || !strings.Contains(string(bad.raw), "didn") {
		t.Errorf("unknown code: %d %s", bad.status, bad.raw)
	}
}

func TestMSALDeviceCodeErrors(t *testing.T) {
	h := start(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	_, err := h.publicClient(t, "00000000-1111-2222-3333-444444444444").AcquireTokenByDeviceCode(ctx, []string{"User.Read"})
	if err == nil || !strings.Contains(err.Error(), "unauthorized_client") {
		t.Errorf("unknown client: %v", err)
	}

	dc, err := h.publicClient(t, defaultPublicClient).AcquireTokenByDeviceCode(ctx, []string{"User.Read"})
	if err != nil {
		t.Fatal(err)
	}
	h.s.clock.advance(16 * time.Minute)
	defer h.s.clock.advance(-16 * time.Minute)
	short, cancelShort := context.WithTimeout(ctx, 5*time.Second)
	defer cancelShort()
	if _, err := dc.AuthenticationResult(short); err == nil || !strings.Contains(err.Error(), "expired_token") {
		t.Errorf("expired device code: %v", err)
	}
}

func TestMSALConfidentialClients(t *testing.T) {
	h := start(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	scopes := []string{"https://graph.microsoft.com/.default"}
	jobs := "/v1.0/servicePrincipals/" + boxSP + "/synchronization/jobs"

	secret, _ := confidential.NewCredFromSecret(h.s.app.secret)
	pem, err := os.ReadFile(h.s.certFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := confidential.CertFromPEM(pem, "")
	if err != nil {
		t.Fatal(err)
	}
	certCred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		t.Fatal(err)
	}
	federated := confidential.NewCredFromAssertionCallback(func(ctx context.Context, o confidential.AssertionRequestOptions) (string, error) {
		r := h.call("POST", "/_emulator/federated-token", nil)
		return string(r.raw), nil
	})
	for name, cred := range map[string]confidential.Credential{"secret": secret, "certificate": certCred, "federated": federated} {
		t.Run(name, func(t *testing.T) {
			res, err := h.confidentialClient(t, cred).AcquireTokenByCredential(ctx, scopes)
			if err != nil {
				t.Fatalf("AcquireTokenByCredential: %v", err)
			}
			h.wantGraphOK(t, res.AccessToken, jobs)
			h.wantGraphOK(t, res.AccessToken, "/beta/auditLogs/provisioning")
			own := h.s.URL() + "/.default"
			if _, err := h.confidentialClient(t, cred).AcquireTokenByCredential(ctx, []string{own}); err != nil {
				t.Errorf("scope %s: %v", own, err)
			}
		})
	}

	wrongSecret, _ := confidential.NewCredFromSecret("nope")
	wrongSubject := confidential.NewCredFromAssertionCallback(func(ctx context.Context, o confidential.AssertionRequestOptions) (string, error) {
		r := h.call("POST", "/_emulator/federated-token", map[string]any{"subject": "repo:evil/fork:ref:refs/heads/main"})
		return string(r.raw), nil
	})
	expired := confidential.NewCredFromAssertionCallback(func(ctx context.Context, o confidential.AssertionRequestOptions) (string, error) {
		r := h.call("POST", "/_emulator/federated-token", map[string]any{"lifetimeSeconds": -60})
		return string(r.raw), nil
	})
	foreignIssuer := confidential.NewCredFromAssertionCallback(func(ctx context.Context, o confidential.AssertionRequestOptions) (string, error) {
		r := h.call("POST", "/_emulator/federated-token", map[string]any{"issuer": "https://evil.example"})
		return string(r.raw), nil
	})
	for _, tc := range []struct {
		name   string
		cred   confidential.Credential
		scopes []string
		want   string
	}{
		{"wrong secret", wrongSecret, scopes, "AADSTS7000215"},
		{"federated wrong subject", wrongSubject, scopes, "AADSTS700213"},
		{"federated expired", expired, scopes, "AADSTS700024"},
		{"federated unknown issuer", foreignIssuer, scopes, "AADSTS700211"},
		{"delegated scope", secret, []string{"https://graph.microsoft.com/User.Read"}, "AADSTS1002012"},
		{"other resource", secret, []string{"https://management.azure.com/.default"}, "AADSTS500011"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.confidentialClient(t, tc.cred).AcquireTokenByCredential(ctx, tc.scopes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
		})
	}
}
