package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/provctl/provctl/internal/emulator/odata"
	"github.com/provctl/provctl/internal/emulator/tenant"
)

// onDemandRequest is the provisionOnDemand body.
type onDemandRequest struct {
	Parameters []struct {
		RuleID   string            `json:"ruleId"`
		Subjects []onDemandSubject `json:"subjects"`
	} `json:"parameters"`
}

type onDemandSubject struct {
	ObjectID       string `json:"objectId"`
	ObjectTypeName string `json:"objectTypeName"`
	Links          *struct {
		Members []onDemandSubject `json:"members"`
	} `json:"links"`
}

// onDemandShape lists the exact property names of the request body.
var onDemandShape = func() *jsonShape {
	ref := &jsonShape{typeName: "synchronizationJobSubject", props: map[string]*jsonShape{"objectId": nil, "objectTypeName": nil}}
	links := &jsonShape{typeName: "synchronizationLinkedObjects", props: map[string]*jsonShape{"members": ref, "manager": ref, "owners": ref}}
	subject := &jsonShape{typeName: "synchronizationJobSubject", props: map[string]*jsonShape{"objectId": nil, "objectTypeName": nil, "links": links}}
	params := &jsonShape{typeName: "synchronizationJobApplicationParameters", props: map[string]*jsonShape{"ruleId": nil, "subjects": subject}}
	return &jsonShape{typeName: "provisionOnDemandRequest", props: map[string]*jsonShape{"parameters": params}}
}()

// maxGroupMembers is the documented limit of members per group on demand.
const maxGroupMembers = 5

// provisionOnDemand answers POST …/jobs/{id}/provisionOnDemand synchronously
// with a stringKeyStringValuePair, appends a provisioning-log entry with the
// same changeId, and makes the job's apply. outcome pending, then final.
func (g *graphReq) provisionOnDemand(j *jobState) {
	d := g.s.dir
	now := g.s.clock.now()
	d.mu.Lock()
	wait, ok := j.admitPOD(now)
	ok = ok || !d.rateLimit
	d.mu.Unlock()
	if !ok {
		g.w.Header().Set("Retry-After", retryAfterSeconds(wait))
		g.json(http.StatusTooManyRequests, graphErrorBody("TooManyRequests", "Please retry again later.", g.requestID, g.clientRequestID, now, throttledInner()))
		return
	}
	var req onDemandRequest
	if !g.decodeBody(onDemandShape, &req, false) {
		return
	}
	if len(req.Parameters) != 1 || len(req.Parameters[0].Subjects) != 1 {
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid request body: exactly one parameter with exactly one subject is supported per request.")
		return
	}
	param, subj := req.Parameters[0], req.Parameters[0].Subjects[0]
	rule := j.findRule(param.RuleID)
	if rule == nil {
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf(
			"The request identified this synchronization job: %s. The request also identified this synchronization rule: %s. However, the job does not include the rule.",
			j.def.ID, param.RuleID))
		return
	}
	kind := canonicalObjectType(subj.ObjectTypeName)
	if kind == "" {
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf("The objectTypeName '%s' is not supported; use User or Group.", subj.ObjectTypeName))
		return
	}
	if kind != rule.ObjectType {
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf(
			"The synchronization rule %s provisions objects of type %s, but the subject is a %s.", rule.ID, rule.ObjectType, kind))
		return
	}
	var result *onDemandResult
	if kind == "User" {
		result = g.provisionUser(j, subj)
	} else {
		result = g.provisionGroup(j, subj)
	}
	if result == nil {
		return // answered already
	}
	g.json(http.StatusOK, g.onDemandAnswer(result))
}

func canonicalObjectType(s string) string {
	switch strings.ToLower(s) {
	case "user":
		return "User"
	case "group":
		return "Group"
	}
	return ""
}

// findRule returns the schema rule with id (GUIDs compare case-insensitively).
func (j *jobState) findRule(id string) *tenant.Rule {
	for i := range j.def.Rules {
		if id != "" && strings.EqualFold(j.def.Rules[i].ID, id) {
			return &j.def.Rules[i]
		}
	}
	return nil
}

// provisionUser evaluates the job's behaviour for a user and records it.
// Cloud Sync names its subjects by AD distinguished name, the others by
// object id.
func (g *graphReq) provisionUser(j *jobState, subj onDemandSubject) *onDemandResult {
	d := g.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	now := g.s.clock.now()
	if j.answerKind() == cloudSyncAnswer {
		u := d.findUserByDN(subj.ObjectID)
		if u == nil {
			g.notFoundObject(subj.ObjectID)
			return nil
		}
		r := cloudSyncResult(j, u, now)
		g.record(j, r, true)
		return r
	}
	u := d.findUser(subj.ObjectID)
	if u == nil || !odata.IsGUID(subj.ObjectID) {
		g.notFoundObject(subj.ObjectID)
		return nil
	}
	r := j.evaluateUser(u, now)
	g.record(j, r, true)
	return r
}

// evaluateUser decides what on demand does to u (created, redundant, out of
// scope or failed) and notes a new target object. Call with d.mu held.
func (j *jobState) evaluateUser(u *tenant.User, at time.Time) *onDemandResult {
	targetID, exists := j.inTarget[u.ID]
	how := userCreated
	switch {
	case !j.sp.assigned(u.ID):
		how = userOutOfScope
	case j.def.Outcome == "failure":
		how = userFailed
	case j.def.Outcome == "skipped" || exists:
		how = userRedundant
	}
	if how == userCreated || (how == userRedundant && !exists) {
		targetID = newGUID()
		j.inTarget[u.ID] = targetID
	}
	return userResult(j, u, how, targetID, at)
}

// provisionGroup provisions a group; each member listed in links gets its
// own log entry, evaluated like a user on demand, as real tenants do.
func (g *graphReq) provisionGroup(j *jobState, subj onDemandSubject) *onDemandResult {
	d := g.s.dir
	d.mu.Lock()
	defer d.mu.Unlock()
	grp := d.findGroup(subj.ObjectID)
	if grp == nil {
		g.notFoundObject(subj.ObjectID)
		return nil
	}
	var members []*tenant.User
	if subj.Links != nil {
		if len(subj.Links.Members) > maxGroupMembers {
			g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf("At most %d group members can be provisioned on demand at a time.", maxGroupMembers))
			return nil
		}
		for _, m := range subj.Links.Members {
			u := d.findUser(m.ObjectID)
			if u == nil {
				g.notFoundObject(m.ObjectID)
				return nil
			}
			if !contains(grp.Members, u.ID) {
				g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf("User %s is not a member of group %s.", u.ID, grp.ID))
				return nil
			}
			members = append(members, u)
		}
	}
	targetID, exists := j.groupsInTarget[grp.ID]
	if !exists {
		targetID = newGUID()
		j.groupsInTarget[grp.ID] = targetID
	}
	now := g.s.clock.now()
	var memberIDs []string
	for _, u := range members {
		memberIDs = append(memberIDs, u.ID)
	}
	r := groupResult(j, grp, !exists, targetID, memberIDs, now)
	g.record(j, r, true)
	for _, u := range members {
		g.record(j, j.evaluateUser(u, now), false)
	}
	return r
}

// record appends r's log entry (published after the log lag) and, for the
// subject of the request, resets the apply. outcome to pending-then-final.
// Call with the directory lock held.
func (g *graphReq) record(j *jobState, r *onDemandResult, subject bool) {
	by := initiator{g.caller.oid, g.caller.name, "user"}
	if !g.caller.delegated {
		by.kind = "application"
	}
	d := g.s.dir
	d.appendLog(r, by, g.s.clock.now(), d.logLag())
	if subject {
		j.apply = applyOutcome{pending: 1, final: r.applyStatus()}
	}
}
