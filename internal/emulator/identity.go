package emulator

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// The App Service managed identity endpoint (docs/emulator.md, "Managed
// identity"): GET IDENTITY_ENDPOINT?api-version=2019-08-01&resource=R
// [&client_id=C | &object_id=O | &principal_id=O | &mi_res_id=ARM id] with
// the header X-IDENTITY-HEADER: IDENTITY_HEADER. It answers {access_token,
// expires_on (epoch seconds, a string), resource, token_type, client_id},
// an app-only token for the identity's service principal that the
// emulator's Graph accepts.

// identityPath is the endpoint's path; the env file exports the URL as
// PROVCTL_EMULATOR_IDENTITY_ENDPOINT.
const identityPath = "/msi/token"

// identityAPIVersion is the only api-version App Service's endpoint serves
// with IDENTITY_HEADER.
const identityAPIVersion = "2019-08-01"

// secretIdentityHeader is the secretRecord kind of IDENTITY_HEADER.
const secretIdentityHeader = "identity_header"

// identityEndpoint holds the secret the endpoint checks, made on first use.
type identityEndpoint struct {
	once   sync.Once
	header string
}

// identityHeader is IDENTITY_HEADER: random per emulator, exported as
// PROVCTL_EMULATOR_IDENTITY_HEADER.
func (s *Server) identityHeader() string {
	s.identity.once.Do(func() {
		s.identity.header = randomToken(24)
		s.secrets.add(secretIdentityHeader, s.identity.header)
	})
	return s.identity.header
}

// identityURL is IDENTITY_ENDPOINT.
func (s *Server) identityURL() string { return s.url + identityPath }

// serveIdentity answers the managed identity endpoint.
func (s *Server) serveIdentity(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSuffix(r.URL.Path, "/") != identityPath {
		identityFail(w, http.StatusNotFound, "Not found: the managed identity endpoint is "+identityPath+".")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		identityFail(w, http.StatusMethodNotAllowed, "The managed identity endpoint only accepts GET requests.")
		return
	}
	got := r.Header.Get("X-IDENTITY-HEADER")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.identityHeader())) != 1 {
		identityFail(w, http.StatusUnauthorized, "Unauthorized: the X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.")
		return
	}
	q := r.URL.Query()
	if v := q.Get("api-version"); v != identityAPIVersion {
		identityFail(w, http.StatusBadRequest, fmt.Sprintf("The api-version '%s' is not supported with X-IDENTITY-HEADER: use %s.", v, identityAPIVersion))
		return
	}
	resource := q.Get("resource")
	if resource == "" {
		identityFail(w, http.StatusBadRequest, "The request must contain the 'resource' parameter.")
		return
	}
	if !s.isGraphResource(strings.TrimSuffix(resource, "/.default")) {
		identityFail(w, http.StatusBadRequest, fmt.Sprintf("AADSTS500011: The resource principal named %s was not found in the tenant named %s.", resource, s.dir.File().DisplayName))
		return
	}
	mi, msg := s.findManagedIdentity(q.Get("client_id"), nameOr(q.Get("object_id"), q.Get("principal_id")), q.Get("mi_res_id"))
	if mi == nil {
		identityFail(w, http.StatusBadRequest, msg)
		return
	}
	roles := mi.Roles
	if len(roles) == 0 {
		roles = allPermissions
	}
	at, exp := s.tokens.mint(subject{clientID: mi.ClientID, clientName: mi.DisplayName, appOID: mi.PrincipalID, perms: roles}, s.opts.TokenLifetime)
	s.secrets.add(secretAccessToken, at)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json; charset=utf-8", map[string]any{
		"access_token": at,
		"expires_on":   strconv.FormatInt(exp.Unix(), 10),
		"resource":     resource,
		"token_type":   "Bearer",
		"client_id":    mi.ClientID,
	})
}

// findManagedIdentity picks the identity a request names: by client id,
// object (principal) id or resource id, else the system-assigned one. msg
// says why none fits.
func (s *Server) findManagedIdentity(clientID, objectID, resourceID string) (*tenant.ManagedIdentity, string) {
	named := 0
	for _, v := range []string{clientID, objectID, resourceID} {
		if v != "" {
			named++
		}
	}
	if named > 1 {
		return nil, "Only one of client_id, object_id (principal_id) and mi_res_id may be given."
	}
	mis := s.dir.File().ManagedIdentities
	for i := range mis {
		mi := &mis[i]
		switch {
		case named == 0 && !mi.UserAssigned,
			clientID != "" && mi.UserAssigned && strings.EqualFold(clientID, mi.ClientID),
			objectID != "" && mi.UserAssigned && strings.EqualFold(objectID, mi.PrincipalID),
			resourceID != "" && mi.UserAssigned && strings.EqualFold(resourceID, mi.ResourceID):
			return mi, ""
		}
	}
	if named == 0 {
		return nil, "No system-assigned managed identity is enabled for this resource."
	}
	return nil, "Unable to load the proper Managed Identity."
}

// identityFail writes App Service's error shape.
func identityFail(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, "application/json; charset=utf-8", map[string]any{
		"statusCode": status, "message": message, "correlationId": newGUID(),
	})
}

// userAssignedIdentityID is the client id of the tenant's first
// user-assigned identity ("" when it has none), exported as
// PROVCTL_EMULATOR_IDENTITY_CLIENT_ID.
func (s *Server) userAssignedIdentityID() string {
	for _, mi := range s.dir.File().ManagedIdentities {
		if mi.UserAssigned {
			return mi.ClientID
		}
	}
	return ""
}
