package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
)

// imdsAddress is where MSAL sends IMDS requests; tests must never reach it.
const imdsAddress = "169.254.169.254"

// miEndpoint is where MSAL will ask for a managed identity's tokens.
type miEndpoint struct {
	source managedidentity.Source
}

// managedIdentityEndpoint finds the source MSAL will use and refuses the
// two ways a request could go to IMDS by mistake. MSAL picks App Service
// when IDENTITY_ENDPOINT and IDENTITY_HEADER are both set in the process
// environment, else (short of Arc, Cloud Shell, Azure ML or Service Fabric
// variables) the instance metadata service, IMDS. Refused: only one of
// IDENTITY_ENDPOINT and IDENTITY_HEADER set (MSAL then ignores the other
// and asks IMDS), and a Graph on this machine (the emulator), for which
// IMDS never issues tokens.
func managedIdentityEndpoint(cfg Config) (miEndpoint, error) {
	src, err := managedidentity.GetSource()
	if err != nil {
		return miEndpoint{}, &Error{Err: fmt.Errorf("managed identity: %s", oneLine(err.Error()))}
	}
	if src == managedidentity.DefaultToIMDS {
		// The process environment, where MSAL looks (never Config.Env).
		endpoint, header := os.Getenv("IDENTITY_ENDPOINT"), os.Getenv("IDENTITY_HEADER")
		switch {
		case endpoint != "" && header == "":
			return miEndpoint{}, &Error{Err: errors.New("managed identity: IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not, so the token would be asked of the instance metadata service (169.254.169.254): set IDENTITY_HEADER too, or unset IDENTITY_ENDPOINT")}
		case header != "" && endpoint == "":
			return miEndpoint{}, &Error{Err: errors.New("managed identity: IDENTITY_HEADER is set but IDENTITY_ENDPOINT is not, so the token would be asked of the instance metadata service (169.254.169.254): set IDENTITY_ENDPOINT too, or unset IDENTITY_HEADER")}
		case isLoopbackURL(cfg.GraphURL):
			return miEndpoint{}, &Error{Err: fmt.Errorf("managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set, and the instance metadata service (169.254.169.254) never issues tokens for a Graph on this machine (%s): set both (the emulator's env file has them as PROVCTL_EMULATOR_IDENTITY_ENDPOINT and PROVCTL_EMULATOR_IDENTITY_HEADER)", cfg.GraphURL)}
		}
	}
	return miEndpoint{source: src}, nil
}

// describe names the endpoint for messages.
func (w miEndpoint) describe() string {
	switch w.source {
	case managedidentity.AppService:
		return "the App Service identity endpoint (IDENTITY_ENDPOINT)"
	case managedidentity.DefaultToIMDS:
		return "the instance metadata service (" + imdsAddress + ")"
	case managedidentity.AzureArc:
		return "the Azure Arc agent"
	case managedidentity.CloudShell:
		return "Cloud Shell's identity endpoint (MSI_ENDPOINT)"
	case managedidentity.AzureML:
		return "Azure Machine Learning's identity endpoint (MSI_ENDPOINT)"
	case managedidentity.ServiceFabric:
		return "Service Fabric's identity endpoint (IDENTITY_ENDPOINT)"
	}
	return string(w.source)
}

// isLoopbackURL reports whether u's host is this machine.
func isLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	host := p.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// identityName is "the system-assigned identity" or "the user-assigned
// identity <client id>".
func identityName(id string) string {
	if id == ManagedIdentitySystem {
		return "the system-assigned identity"
	}
	return "the user-assigned identity " + id
}

// managedIdentityError explains a failed managed identity token request.
// The endpoint's message is shown (scrubbed), never MSAL's text, which
// holds the whole answer.
func managedIdentityError(ctx context.Context, err error, id string, w miEndpoint) error {
	var ce msalerrors.CallErr
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("managed identity sign-in: %w", ctx.Err())
	case errors.As(err, &ce) && ce.Resp != nil:
		status := ce.Resp.StatusCode
		msg := scrub(miMessage(ce), miSecrets())
		if status == 408 || status == 429 || status >= 500 {
			return fmt.Errorf("managed identity sign-in: %s failed: %s (HTTP %d); try again later", w.describe(), msg, status)
		}
		return &Error{Err: fmt.Errorf("managed identity sign-in failed: %s refused %s: %s (HTTP %d): %s",
			w.describe(), identityName(id), msg, status, miFix(w, id, status))}
	}
	f := classify(ctx, err, miSecrets()...)
	switch f.kind {
	case kindNetwork:
		hint := ""
		if w.source == managedidentity.DefaultToIMDS {
			hint = " (is this an Azure VM, scale set or AKS node with a managed identity? Elsewhere set IDENTITY_ENDPOINT and IDENTITY_HEADER, or use another sign-in)"
		}
		return fmt.Errorf("managed identity sign-in: cannot reach %s: %s%s", w.describe(), f.text, hint)
	case kindServer:
		return fmt.Errorf("managed identity sign-in: %s failed: %s", w.describe(), f.text)
	}
	return &Error{Err: fmt.Errorf("managed identity sign-in failed: %s", f.text)}
}

// miMessage is the endpoint's own error text: App Service answers
// {"statusCode", "message"}, IMDS an OAuth error. MSAL has read the body;
// its error text carries it after the first line.
func miMessage(ce msalerrors.CallErr) string {
	var body string
	if ce.Err != nil {
		_, body, _ = strings.Cut(ce.Err.Error(), "\n")
	}
	var m struct {
		Message     string `json:"message"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal([]byte(body), &m)
	text := firstNonEmpty(m.Message, m.Description, m.Error)
	if text == "" {
		return "no error details"
	}
	return oneLine(text)
}

// miSecrets are the platform's managed identity secrets, which an endpoint
// may echo: scrubbed from every message.
func miSecrets() []string {
	return []string{os.Getenv("IDENTITY_HEADER"), os.Getenv("MSI_SECRET")}
}

// miFix names what to check for a refused request.
func miFix(w miEndpoint, id string, status int) string {
	switch {
	case (status == 401 || status == 403) && (w.source == managedidentity.AppService || w.source == managedidentity.ServiceFabric):
		return "check IDENTITY_HEADER: it must be the value the platform set for this process"
	case id != ManagedIdentitySystem:
		return "check the client id (--client-id or PROVCTL_MANAGED_IDENTITY): the user-assigned identity must be assigned to this resource"
	default:
		return "check that this resource has a system-assigned identity turned on, or name a user-assigned one (--client-id or PROVCTL_MANAGED_IDENTITY)"
	}
}
