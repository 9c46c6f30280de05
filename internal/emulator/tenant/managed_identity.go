package tenant

import (
	"errors"
	"fmt"
	"strings"
)

// ManagedIdentity is a managed identity of the Azure resource the emulator
// stands in for (App Service's identity endpoint, docs/emulator.md). Its
// tokens are app-only tokens for its service principal (PrincipalID), with
// Roles as application permissions (default: every permission the
// emulator checks). At most one is system-assigned (UserAssigned false);
// user-assigned ones are asked for by ClientID, PrincipalID or ResourceID.
type ManagedIdentity struct {
	ClientID     string   `json:"clientId"`
	PrincipalID  string   `json:"principalId"`
	DisplayName  string   `json:"displayName"`
	UserAssigned bool     `json:"userAssigned,omitempty"`
	ResourceID   string   `json:"resourceId,omitempty"` // ARM id of a user-assigned identity
	Roles        []string `json:"roles,omitempty"`
}

// validateManagedIdentities checks ids are present and unique and that at
// most one identity is system-assigned.
func validateManagedIdentities(mis []ManagedIdentity) []error {
	var errs []error
	seen := map[string]bool{}
	system := 0
	for _, mi := range mis {
		if mi.ClientID == "" || mi.PrincipalID == "" {
			errs = append(errs, fmt.Errorf("managed identity %q needs clientId and principalId", mi.DisplayName))
		}
		for _, id := range []string{mi.ClientID, mi.PrincipalID} {
			if id != "" && seen[strings.ToLower(id)] {
				errs = append(errs, fmt.Errorf("managed identity id %s is used twice", id))
			}
			seen[strings.ToLower(id)] = true
		}
		if !mi.UserAssigned {
			system++
		}
		if !mi.UserAssigned && mi.ResourceID != "" {
			errs = append(errs, fmt.Errorf("managed identity %s: only a user-assigned identity has a resourceId", mi.ClientID))
		}
	}
	if system > 1 {
		errs = append(errs, errors.New("at most one managed identity can be system-assigned (userAssigned false)"))
	}
	return errs
}
