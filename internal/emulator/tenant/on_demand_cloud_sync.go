package tenant

import (
	"time"
)

// cloudSyncResult builds the result of syncing AD user u to Entra ID on
// demand. Cloud Sync matches the AD user to its Entra ID user and updates
// it; the subject is named by its distinguished name.
func cloudSyncResult(j *JobState, u *User, at time.Time) *Result {
	dn, upn := u.OnPremisesDistinguishedName, u.UserPrincipalName
	ad := newADIdentity(dn)
	r := &Result{
		result: "Success", action: "Update", changeID: newGUID(), start: at, end: at.Add(1719 * time.Millisecond),
		objectType: "User", sourceID: dn, sourceAnchor: ad.objectGUID, sourceName: upn, displayName: u.DisplayName,
		upn: upn, targetID: u.ID, job: j,
	}
	attrs := adUserAttributes(u, ad)
	r.step("EntryImportAdd", "Import", "Success", "Received user '"+upn+"' change of type (Add) from Active Directory", attrs)
	r.step("EntryImport", "Import", "Success", "Retrieved user '"+upn+"' from Active Directory", attrs)
	r.step("EntrySynchronizationScoping", "Scoping", "Success", "Determine if user in scope by evaluating against each scoping filter",
		object("Active in the source system", "True", "Scoping filter evaluation passed", "True"))
	r.step("EntryExportUpdate", "Export", "Success", "User '"+upn+"' was updated in "+j.targetName(), nil)
	nick := mailNickname(u)
	r.modified = []modifiedProperty{
		{"AccountEnabled", nil, "True"},
		{"Alias", nil, nick},
		{"CommonName", nil, u.DisplayName},
		{"DisplayName", nil, u.DisplayName},
		{"GivenName", nil, u.GivenName},
		{"Mail", nil, nameOr(u.Mail, upn)},
		{"OnPremisesDistinguishedName", nil, dn},
		{"OnPremiseSecurityIdentifier", nil, ad.objectSid},
		{"OnPremisesSamAccountName", nil, nick},
		{"OnPremisesUserPrincipalName", nil, upn},
		{"SourceAnchor", nil, ad.objectGUIDBase64},
		{"Surname", nil, u.Surname},
		{"UserPrincipalName", nil, upn},
	}
	return r
}

// cloudSyncValue is the value object of Microsoft's example 2: steps first,
// modified properties without oldValue, identities and systems cut down.
func (r *Result) cloudSyncValue() orderedObject {
	modified := []any{}
	for _, m := range r.modified {
		modified = append(modified, object("displayName", m.name, "newValue", m.new))
	}
	return object(
		"provisioningSteps", r.answerSteps(),
		"modifiedProperties", modified,
		"action", r.action,
		"changeId", r.changeID,
		"endTime", syncTime(r.end),
		"reportableIdentifier", r.sourceName,
		"sourceIdentity", object("id", r.sourceAnchor, "type", "user"),
		"sourceSystem", object("name", "Active Directory"),
		"startTime", syncTime(r.start),
		"statusInfo", object("status", r.result),
		"targetIdentity", object("id", r.targetID, "type", "User"),
		"targetSystem", object("name", r.job.targetName()),
	)
}
