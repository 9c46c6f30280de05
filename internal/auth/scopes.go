package auth

import "strings"

// DefaultScopes are the delegated Graph permissions provctl uses: run,
// start, pause and restart need Synchronization.ReadWrite.All (which also
// covers reads); logs need AuditLog.Read.All and Directory.Read.All.
// `provctl login` asks for all of them so that one consent covers every
// command. The slice is a copy; callers may change it.
func DefaultScopes() []string {
	return []string{"Synchronization.ReadWrite.All", "AuditLog.Read.All", "Directory.Read.All"}
}

// oidcScopes are added by MSAL itself and must never carry a resource prefix.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// delegatedScopes turns short Graph permission names into the scopes sent to
// the authority.
//
// For the global Graph (https://graph.microsoft.com) short names are sent
// as is: that is what Graph PowerShell and the Azure CLI send, and what
// Entra echoes back in the token response's "scope", so MSAL's cache lookup
// and its declined-scope check both match. For any other Graph URL (a
// national cloud, the emulator) they become "<GraphURL>/<name>": a short
// name means the default Graph of the authority, which is wrong for
// usgovdod (same login host as usgov, different Graph) and for the emulator.
// Scopes that already name a resource (contain "://" or are OIDC scopes)
// are kept. Duplicates are dropped, case-insensitively.
func delegatedScopes(graphURL string, scopes []string) []string {
	if len(scopes) == 0 {
		scopes = DefaultScopes()
	}
	prefix := ""
	if !isGlobalGraph(graphURL) {
		prefix = strings.TrimRight(graphURL, "/") + "/"
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range scopes {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if prefix != "" && !strings.Contains(s, "://") && !oidcScopes[strings.ToLower(s)] {
			s = prefix + s
		}
		if k := strings.ToLower(s); !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// appScopes is the only scope of an app-only token: every application
// permission granted to the app registration.
func appScopes(graphURL string) []string {
	return []string{strings.TrimRight(graphURL, "/") + "/.default"}
}
