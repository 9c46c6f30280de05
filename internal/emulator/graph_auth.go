package emulator

import (
	"net/http"
	"strings"
)

// requirement is satisfied by any one of its permissions (delegated scope or
// application role; compared case-insensitively like Entra does).
type requirement []string

// The permission sets checked per endpoint (docs/emulator.md, "Authentication
// and permissions"). needObjectRead: any permission that can read the object
// listed (service principals, users, groups); needDirectoryReadAll: exactly
// Directory.Read.All or Directory.ReadWrite.All, which the provisioning logs
// need on top of AuditLog.Read.All. needGroupMemberRead (a group's members
// and transitiveMembers) and needAppRead (a service principal's
// appRoleAssignedTo) are the permissions Microsoft documents for those APIs.
var (
	needObjectRead       = requirement{"Synchronization.Read.All", "Synchronization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", "Application.Read.All", "Application.ReadWrite.All", "User.Read.All", "Group.Read.All"}
	needGroupMemberRead  = requirement{"GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	needAppRead          = requirement{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	needSyncRead         = requirement{"Synchronization.Read.All", "Synchronization.ReadWrite.All", "Application.ReadWrite.OwnedBy"}
	needSyncWrite        = requirement{"Synchronization.ReadWrite.All", "Application.ReadWrite.OwnedBy"}
	needAuditLogRead     = requirement{"AuditLog.Read.All"}
	needDirectoryReadAll = requirement{"Directory.Read.All", "Directory.ReadWrite.All"}
)

// allPermissions is what PROVCTL_EMULATOR_TOKEN carries and what the app
// registration is granted unless the tenant file says otherwise.
var allPermissions = []string{
	"Synchronization.ReadWrite.All", "Synchronization.Read.All", "AuditLog.Read.All",
	"Directory.Read.All", "Application.Read.All", "User.Read.All", "Group.Read.All",
}

// authenticate validates the bearer token and sets g.caller; on failure it
// answers 401 like Graph and returns false.
func (g *graphReq) authenticate() bool {
	tok, err := bearerToken(g.r.Header.Get("Authorization"))
	var c *caller
	if err == nil {
		c, err = g.s.tokens.verify(tok)
	} else {
		err = errTokenEmpty
	}
	if err != nil {
		g.w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="`+g.s.url+`/common/oauth2/authorize", client_id="`+graphAppID+`"`)
		g.fail(http.StatusUnauthorized, "InvalidAuthenticationToken", err.Error())
		return false
	}
	g.caller = c
	return true
}

// require answers 403 naming the first unmet requirement and returns false
// unless the caller holds a permission from every requirement.
func (g *graphReq) require(reqs ...requirement) bool {
	for _, req := range reqs {
		if !g.caller.holdsAny(req) {
			what := req[0]
			if len(req) > 1 {
				what = "one of " + strings.Join(req, ", ")
			}
			g.fail(http.StatusForbidden, "Authorization_RequestDenied",
				"Insufficient privileges to complete the operation. Missing permission: "+what+".")
			return false
		}
	}
	return true
}

func (c *caller) holdsAny(req requirement) bool {
	for _, p := range req {
		if c.perms[strings.ToLower(p)] {
			return true
		}
	}
	return false
}
