package auth

import (
	"fmt"
	"net/url"
	"strings"
)

// Cloud is a Microsoft cloud: where Graph and the sign-in authority live.
type Cloud struct {
	Name          string
	GraphURL      string
	AuthorityHost string
}

// clouds are the national clouds of docs/graph.md (GCC moderate uses global).
var clouds = []Cloud{
	{Name: "global", GraphURL: "https://graph.microsoft.com", AuthorityHost: "https://login.microsoftonline.com"},
	{Name: "usgov", GraphURL: "https://graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us"},
	{Name: "usgovdod", GraphURL: "https://dod-graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us"},
	{Name: "china", GraphURL: "https://microsoftgraph.chinacloudapi.cn", AuthorityHost: "https://login.chinacloudapi.cn"},
}

// LookupCloud returns the cloud called name (case-insensitive); "" is global.
func LookupCloud(name string) (Cloud, error) {
	if name == "" {
		name = "global"
	}
	for _, c := range clouds {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
	}
	names := make([]string, len(clouds))
	for i, c := range clouds {
		names[i] = c.Name
	}
	return Cloud{}, fmt.Errorf("unknown cloud %q: valid clouds are %s", name, strings.Join(names, ", "))
}

// cloudName names the cloud whose hosts these are, or "custom" (emulator,
// proxy) when they match none.
func cloudName(authorityHost, graphURL string) string {
	for _, c := range clouds {
		if strings.EqualFold(c.AuthorityHost, authorityHost) && strings.EqualFold(c.GraphURL, graphURL) {
			return c.Name
		}
	}
	return "custom"
}

// microsoftAuthorityHosts are the hosts MSAL knows; anything else (the
// emulator, a fake in tests) needs instance discovery off, or MSAL would ask
// login.microsoftonline.com to validate it.
var microsoftAuthorityHosts = map[string]bool{
	"login.microsoftonline.com": true,
	"login.microsoftonline.us":  true,
	"login.chinacloudapi.cn":    true,
}

// isMicrosoftAuthority reports whether authorityHost is a known Microsoft
// login host (https, default port).
func isMicrosoftAuthority(authorityHost string) bool {
	u, err := url.Parse(authorityHost)
	if err != nil || u.Scheme != "https" || u.Port() != "" {
		return false
	}
	return microsoftAuthorityHosts[strings.ToLower(u.Hostname())]
}

// isGlobalGraph reports whether graphURL is the global Graph resource, the
// only one for which Entra resolves short scope names unambiguously.
func isGlobalGraph(graphURL string) bool {
	return strings.EqualFold(strings.TrimRight(graphURL, "/"), clouds[0].GraphURL)
}
