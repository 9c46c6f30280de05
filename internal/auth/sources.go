package auth

import "strings"

// Sources says where the values of an app-only sign-in came from: a flag
// ("--tenant"), a variable ("AZURE_CLIENT_ID") or the config file ("tenant
// in config file …"). It names places, never values. Empty: a default.
type Sources struct {
	ClientID      string `json:"clientId,omitempty"`
	Tenant        string `json:"tenant,omitempty"`
	Credential    string `json:"credential,omitempty"`    // the variable(s) holding the credential
	AuthorityHost string `json:"authorityHost,omitempty"` // empty: the cloud's
}

// Text is the one-line form for `auth status`: "client id from
// AZURE_CLIENT_ID, tenant from PROVCTL_TENANT, credential from
// AZURE_CLIENT_SECRET". nil or empty gives "".
func (s *Sources) Text() string {
	if s == nil {
		return ""
	}
	var parts []string
	for _, p := range []struct{ what, from string }{
		{"client id", s.ClientID}, {"tenant", s.Tenant}, {"credential", s.Credential}, {"authority", s.AuthorityHost},
	} {
		if p.from != "" {
			parts = append(parts, p.what+" from "+p.from)
		}
	}
	return strings.Join(parts, ", ")
}
