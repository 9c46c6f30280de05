package tenant

import (
	"strings"
	"time"
)

// Result is the outcome of provisioning one object on demand. It renders
// as the provisionOnDemand answer (on_demand_answer.go: capitalised enums, "type")
// and as a provisioning-log entry (log_entry.go: lower-case enums,
// "provisioningStepType").
type Result struct {
	result       string // Success | Skipped | Failure | Warning
	err          *Error
	action       string // Create | Update | Other
	changeID     string
	start, end   time.Time
	steps        []onDemandStep
	modified     []modifiedProperty
	objectType   string // User | Group
	sourceID     string // object id; for cloud sync the AD distinguished name
	sourceAnchor string // cloud sync: the AD objectGUID, which its answer names
	sourceName   string // UPN or group name: the reportable identifier
	displayName  string // the source object's display name
	upn          string // users only
	targetID     string // "" when nothing exists in the target
	emptyValue   bool   // group answers carry value "{}", as Microsoft's group example does
	job          *JobState
}

type onDemandStep struct {
	name, stepType, status, description string
	details                             orderedObject
}

type modifiedProperty struct {
	name     string
	old, new any
}

// userOutcome is what happens to a user on demand.
type userOutcome int

const (
	userCreated userOutcome = iota
	userRedundant
	userOutOfScope
	userFailed
)

func (r *Result) step(name, typ, status, desc string, details orderedObject) {
	if details == nil {
		details = object()
	}
	r.steps = append(r.steps, onDemandStep{name, typ, status, desc, details})
}

// userResult builds the result for user u at job j (Entra ID → app, the
// shape of Microsoft's example 1; cross-tenant sync uses it too).
func userResult(j *JobState, u *User, how userOutcome, targetID string, at time.Time) *Result {
	target := j.targetName()
	upn := u.UserPrincipalName
	r := &Result{
		result: "Success", action: "Create", changeID: newGUID(), start: at, end: at.Add(1840 * time.Millisecond),
		objectType: "User", sourceID: u.ID, sourceName: upn, displayName: u.DisplayName, upn: upn, targetID: targetID, job: j,
	}
	assigned, appRoles := "True", "User"
	if how == userOutOfScope {
		assigned, appRoles = "False", ""
	}
	r.step("EntryImport", "Import", "Success", "Retrieved User '"+upn+"' from Azure Active Directory", object(
		"objectId", u.ID, "accountEnabled", "True", "displayName", u.DisplayName, "mailNickname", mailNickname(u),
		"userPrincipalName", upn, "IsSoftDeleted", "False", "appRoleAssignments", appRoles))
	scoping := object("IsActive", "True", "Assigned", assigned, "IsEffectivelyEntitledForProvisioning", assigned,
		"IsInProvisioningScopeDisplayName", assigned, "ScopeEvaluationResult", "{}")
	switch how {
	case userOutOfScope:
		r.result, r.action, r.err, r.targetID = "Skipped", "Other", errNotEntitled, ""
		r.step("EntrySynchronizationScoping", "Scoping", "Skipped",
			"Determine if User in scope by evaluating against each scoping filter. User '"+upn+"' is not assigned to "+j.sp.def.DisplayName+" and is out of scope.",
			scoping.set("SkipReason", "NotEffectivelyEntitled"))
		return r
	case userRedundant:
		r.result, r.action, r.err = "Skipped", "Other", errRedundantExport
		r.step("EntryImport", "Matching", "Success", retrievedFrom(upn, target), object(
			"active", "True", "displayName", u.DisplayName, "externalId", mailNickname(u), "id", targetID, "userName", upn))
	default:
		r.step("EntrySynchronizationAdd", "Matching", "Success", "User '"+upn+"' will be created in "+target+
			" (User is active and assigned in Azure Active Directory, but no matching User was found in "+target+")", nil)
	}
	r.step("EntrySynchronizationScoping", "Scoping", "Success", "Determine if User in scope by evaluating against each scoping filter", scoping)
	r.modified = []modifiedProperty{
		{"accountEnabled", nil, "True"},
		{"displayName", nil, u.DisplayName},
		{"userName", nil, upn},
		{`emails[type eq "work"].value`, nil, nameOr(u.Mail, upn)},
	}
	switch how {
	case userRedundant:
		r.step("EntrySynchronizationSkip", "Export", "Skipped",
			"The state of the user in both the source and target systems already match. No change to the User '"+upn+"' currently needs to be made.",
			object("SkipReason", "RedundantExport"))
	case userFailed:
		r.result, r.err, r.targetID = "Failure", j.def.Error, ""
		r.step("EntryExportAdd", "Export", "Failure", "Failed to create User '"+upn+"' in "+target,
			object("ReportableIdentifier", upn, "ErrorCode", j.def.Error.Code, "ErrorMessage", j.def.Error.Message))
	default:
		r.step("EntryExportAdd", "Export", "Success", "User '"+upn+"' was created in "+target,
			object("ReportableIdentifier", upn, "id", targetID))
	}
	return r
}

// retrievedFrom is the matching step's description. The service really
// sends two spaces: the object type between them is left empty.
func retrievedFrom(name, target string) string {
	return "Retrieved  '" + name + "' from " + target
}

// mailNickname is the alias part of the UPN.
func mailNickname(u *User) string {
	nick, _, _ := strings.Cut(u.UserPrincipalName, "@")
	return nick
}

// groupResult builds the result for group g (and its listed members).
func groupResult(j *JobState, g *Group, created bool, targetID string, members []string, at time.Time) *Result {
	target := j.targetName()
	r := &Result{
		result: "Success", action: "Update", changeID: newGUID(), start: at, end: at.Add(2310 * time.Millisecond),
		objectType: "Group", sourceID: g.ID, sourceName: g.DisplayName, displayName: g.DisplayName, targetID: targetID, emptyValue: true, job: j,
	}
	verb := "updated"
	if created {
		r.action, verb = "Create", "created"
	}
	r.step("EntryImport", "Import", "Success", "Retrieved Group '"+g.DisplayName+"' from Azure Active Directory",
		object("objectId", g.ID, "displayName", g.DisplayName, "mailNickname", g.MailNick))
	r.step("EntrySynchronizationScoping", "Scoping", "Success", "Determine if Group in scope by evaluating against each scoping filter",
		object("ScopeEvaluationResult", "{}"))
	if created {
		r.step("EntrySynchronizationAdd", "Matching", "Success", "Group '"+g.DisplayName+"' will be created in "+target+
			" (Group is active and assigned in Azure Active Directory, but no matching Group was found in "+target+")", nil)
	} else {
		r.step("EntryImport", "Matching", "Success", retrievedFrom(g.DisplayName, target),
			object("displayName", g.DisplayName, "id", targetID))
	}
	r.step("EntryExport", "Export", "Success", "Group '"+g.DisplayName+"' was "+verb+" in "+target,
		object("ReportableIdentifier", g.DisplayName, "id", targetID))
	r.modified = []modifiedProperty{{"displayName", nil, g.DisplayName}, {"members", nil, strings.Join(members, ",")}}
	return r
}

// targetName is the target system's display name.
func (j *JobState) targetName() string { return nameOr(j.def.TargetSystem, j.sp.def.DisplayName) }

// applyStatus is the final outcome r leaves on the job's apply. resource.
func (r *Result) applyStatus() outcomeStatus {
	exec := &execution{id: r.changeID, began: r.start, ended: r.end, state: "Succeeded", entitled: 1, imported: 1}
	switch r.result {
	case "Failure":
		exec.state, exec.err = "Failed", r.err
		return outcomeStatus{code: "Quarantine", exec: exec}
	case "Skipped":
		exec.err = r.err
	default:
		exec.exported = 1
	}
	return outcomeStatus{code: "Active", exec: exec}
}
