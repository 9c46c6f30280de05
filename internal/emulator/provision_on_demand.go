package emulator

import (
	"errors"
	"fmt"
	"net/http"

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

// provisionOnDemand answers POST …/jobs/{id}/provisionOnDemand synchronously
// with a stringKeyStringValuePair, appends a provisioning-log entry with the
// same changeId, and makes the job's apply. outcome pending, then final.
func (g *graphReq) provisionOnDemand(j *tenant.JobState) {
	now := g.s.clock.now()
	wait, ok := g.s.dir.AdmitOnDemand(j, now)
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
	rule := j.FindRule(param.RuleID)
	if rule == nil {
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf(
			"The request identified this synchronization job: %s. The request also identified this synchronization rule: %s. However, the job does not include the rule.",
			j.Def().ID, param.RuleID))
		return
	}
	kind := tenant.CanonicalObjectType(subj.ObjectTypeName)
	if kind == "" {
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf("The objectTypeName '%s' is not supported; use User or Group.", subj.ObjectTypeName))
		return
	}
	if kind != rule.ObjectType {
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", fmt.Sprintf(
			"The synchronization rule %s provisions objects of type %s, but the subject is a %s.", rule.ID, rule.ObjectType, kind))
		return
	}
	by := tenant.Initiator{ID: g.caller.oid, Name: g.caller.name, Kind: "user"}
	if !g.caller.delegated {
		by.Kind = "application"
	}
	var result *tenant.Result
	var err error
	now = g.s.clock.now()
	if kind == "User" {
		result, err = g.s.dir.ProvisionUser(j, subj.ObjectID, by, now)
	} else {
		var members []string
		if subj.Links != nil {
			for _, m := range subj.Links.Members {
				members = append(members, m.ObjectID)
			}
		}
		result, err = g.s.dir.ProvisionGroup(j, subj.ObjectID, members, subj.Links != nil, by, now)
	}
	var notFound *tenant.NotFoundError
	var invalid *tenant.InvalidError
	switch {
	case errors.As(err, &notFound):
		g.notFoundObject(notFound.ID)
		return
	case errors.As(err, &invalid):
		g.fail(http.StatusBadRequest, "RequestParameterInvalid", invalid.Message)
		return
	}
	g.json(http.StatusOK, result.Answer(g.odataContext("microsoft.graph.stringKeyStringValuePair")))
}
