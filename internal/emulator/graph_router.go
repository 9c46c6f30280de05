package emulator

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// serveGraph answers /beta/... and /v1.0/... (both versions identically).
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	g := &graphReq{s: s, w: w, r: r, requestID: newGUID(), clientRequestID: r.Header.Get("client-request-id")}
	if g.clientRequestID == "" {
		// Graph answers with its own request id when the client sent none.
		g.clientRequestID = g.requestID
	}
	setGraphHeaders(w, g.requestID, g.clientRequestID)
	segs, err := unescapeSegments(r.URL.EscapedPath())
	if err != nil || len(segs) < 2 {
		g.version = "v1.0"
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid version.")
		return
	}
	g.version, g.segs = segs[0], segs[1:]
	if !g.authenticate() {
		return
	}
	g.dispatch()
}

// dispatch routes on the path segments after the version.
func (g *graphReq) dispatch() {
	segs := g.segs
	switch {
	case segs[0] == "servicePrincipals" && len(segs) == 1:
		g.handle(http.MethodGet, g.listServicePrincipals, needObjectRead)
	case strings.HasPrefix(segs[0], "servicePrincipals(") || segs[0] == "servicePrincipals":
		g.dispatchServicePrincipal()
	case segs[0] == "users" && len(segs) == 1:
		g.handle(http.MethodGet, g.listUsers, needObjectRead)
	case segs[0] == "users" && len(segs) == 2:
		g.handle(http.MethodGet, func() { g.getUser(segs[1]) }, needObjectRead)
	case segs[0] == "me" && len(segs) == 1:
		g.handle(http.MethodGet, g.getMe)
	case segs[0] == "groups" && len(segs) == 1:
		g.handle(http.MethodGet, g.listGroups, needObjectRead)
	case segs[0] == "groups" && len(segs) == 2:
		g.handle(http.MethodGet, func() { g.getGroup(segs[1]) }, needObjectRead)
	case segs[0] == "groups" && len(segs) == 3 && (segs[2] == "members" || segs[2] == "transitiveMembers"):
		g.handle(http.MethodGet, func() { g.listGroupMembers(segs[1], segs[2] == "transitiveMembers") }, needGroupMemberRead)
	case segs[0] == "auditLogs" && len(segs) == 2 && segs[1] == "provisioning":
		g.handle(http.MethodGet, g.listProvisioningLogs, needAuditLogRead, needDirectoryReadAll)
	default:
		g.unknownSegment()
	}
}

// dispatchServicePrincipal routes servicePrincipals/{id}/... and the
// alternate key servicePrincipals(appId='…')/....
func (g *graphReq) dispatchServicePrincipal() {
	segs := g.segs
	var spKey string
	byAppID := false
	if segs[0] == "servicePrincipals" {
		spKey, segs = segs[1], segs[2:]
	} else {
		appID, ok := parseAppIDKey(segs[0])
		if !ok {
			g.fail(http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Invalid object identifier '%s'.", segs[0]))
			return
		}
		spKey, segs, byAppID = appID, segs[1:], true
	}
	sp := func() *tenant.SPState { return g.s.dir.LookupSP(spKey, byAppID) }
	switch {
	case len(segs) == 0:
		g.handle(http.MethodGet, func() { g.getServicePrincipal(sp(), spKey) }, needObjectRead)
	case len(segs) == 1 && segs[0] == "appRoleAssignedTo":
		g.handle(http.MethodGet, func() { g.withSP(sp(), spKey, g.listAppRoleAssignedTo) }, needAppRead)
	case len(segs) == 2 && segs[0] == "synchronization" && segs[1] == "jobs":
		g.handle(http.MethodGet, func() { g.withSP(sp(), spKey, g.listJobs) }, needSyncRead)
	case len(segs) == 3 && segs[0] == "synchronization" && segs[1] == "jobs":
		if applyID, ok := strings.CutPrefix(segs[2], "apply."); ok {
			g.handle(http.MethodGet, func() { g.withSP(sp(), spKey, func(s *tenant.SPState) { g.getApplyOutcome(s, applyID) }) }, needSyncRead)
			return
		}
		g.handle(http.MethodGet, g.withJob(sp, spKey, segs[2], g.getJob), needSyncRead)
	case len(segs) == 4 && segs[0] == "synchronization" && segs[1] == "jobs":
		g.dispatchJobAction(sp, spKey, segs[2], segs[3])
	default:
		g.unknownSegment()
	}
}

func (g *graphReq) dispatchJobAction(sp func() *tenant.SPState, spKey, jobID, action string) {
	switch action {
	case "schema":
		g.handle(http.MethodGet, g.withJob(sp, spKey, jobID, g.getSchema), needSyncRead)
	case "start":
		g.handle(http.MethodPost, g.withJob(sp, spKey, jobID, g.startJob), needSyncWrite)
	case "pause":
		g.handle(http.MethodPost, g.withJob(sp, spKey, jobID, g.pauseJob), needSyncWrite)
	case "restart":
		g.handle(http.MethodPost, g.withJob(sp, spKey, jobID, g.restartJob), needSyncWrite)
	case "provisionOnDemand":
		g.handle(http.MethodPost, g.withJob(sp, spKey, jobID, g.provisionOnDemand), needSyncWrite)
	default:
		g.unknownSegment()
	}
}

// handle checks the method and permissions, then runs fn.
func (g *graphReq) handle(method string, fn func(), reqs ...requirement) {
	if g.r.Method != method {
		g.w.Header().Set("Allow", method)
		g.fail(http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
		return
	}
	if !g.require(reqs...) {
		return
	}
	fn()
}

func (g *graphReq) unknownSegment() {
	g.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", g.segs[len(g.segs)-1]))
}

// parseAppIDKey reads servicePrincipals(appId='…') (also with double quotes).
func parseAppIDKey(seg string) (string, bool) {
	inner, ok := strings.CutPrefix(seg, "servicePrincipals(")
	if !ok {
		return "", false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return "", false
	}
	name, val, ok := strings.Cut(inner, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "appId") {
		return "", false
	}
	val = strings.TrimSpace(val)
	if len(val) >= 2 && (val[0] == '\'' || val[0] == '"') && val[len(val)-1] == val[0] {
		return strings.ReplaceAll(val[1:len(val)-1], "''", "'"), true
	}
	return "", false
}

// withSP runs fn with the service principal, or answers 404.
func (g *graphReq) withSP(sp *tenant.SPState, key string, fn func(*tenant.SPState)) {
	if sp == nil {
		g.fail(http.StatusNotFound, "ResourceNotFound",
			fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", key))
		return
	}
	fn(sp)
}

// withJob returns a handler that resolves the job, or answers 404.
func (g *graphReq) withJob(sp func() *tenant.SPState, spKey, jobID string, fn func(*tenant.JobState)) func() {
	return func() {
		g.withSP(sp(), spKey, func(s *tenant.SPState) {
			j := s.Job(jobID)
			if j == nil {
				g.fail(http.StatusNotFound, "ResourceNotFound",
					fmt.Sprintf("The synchronization job '%s' does not exist on service principal '%s'.", jobID, s.Def().ID))
				return
			}
			fn(j)
		})
	}
}
