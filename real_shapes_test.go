package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/output"
)

// A Graph + provisioning-logs fake written from captured real-tenant
// answers (and Microsoft's published examples), independent of provctl's
// models and of the emulator. Every body below is hand-written JSON.

const (
	rtTenant  = "9f3c2e1d-8b7a-46c5-a4e3-d2c1b0a99887"
	rtSP      = "1d6c1f7b-6b2e-4a51-9d3c-7e0f2a4b8c91" // Box
	rtSPApp   = "4e1a9c27-0b3d-4f58-8e6a-2c7d5b9f1a30"
	rtJob     = "BoxOutDelta.9f3c2e1d8b7a46c5a4e3d2c1b0a99887.1d6c1f7b-6b2e-4a51-9d3c-7e0f2a4b8c91"
	rtRule    = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8"
	rtNeverSP = "2e7d2a8c-7c3f-4b62-8e4d-8f1a3b5c9da2" // a SCIM app whose job never ran
	rtNever   = "scimOutDelta.9f3c2e1d8b7a46c5a4e3d2c1b0a99887.5f8e3b9d-8d4a-4c73-9f5e-9a2b4c6d0eb3"
	rtOther   = "BoxOutDelta.9f3c2e1d8b7a46c5a4e3d2c1b0a99887.0c4b8a6e-1f2d-4e3c-8b5a-7d9e1f3a5c70" // another job

	rtAdele    = "5a2b7c1e-3d4f-4a6b-8c9d-0e1f2a3b4c5d" // AdeleV@contoso.com
	rtMegan    = "6b3c8d2f-4e5a-4b7c-9d0e-1f2a3b4c5d6e" // MeganB@contoso.com
	rtSynced   = "7c4d9e3a-5f6b-4c8d-8e1f-2a3b4c5d6e7f" // Adele as Cloud Sync sees her
	rtLynne    = "8d5e0f4b-6a7c-4d9e-9f2a-3b4c5d6e7f80" // cross-tenant sync user
	rtSales    = "9e6f1a5c-7b8d-4eaf-a03b-4c5d6e7f8091" // group
	rtMarket   = "af7a2b6d-8c9e-4fb0-b14c-5d6e7f809102" // another group
	rtAdeleDN  = "CN=Adele Vance,OU=Users,DC=contoso,DC=com"
	rtChange   = "f0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b" // the provisionOnDemand answer's changeId
	rtReqID    = "11111111-2222-3333-4444-555555555555"
	rtPODCtx   = "https://graph.microsoft.com/beta/$metadata#microsoft.graph.stringKeyStringValuePair"
	rtSyncCtx  = "https://syncfabric.windowsazure.com/api/$metadata#microsoft.synchronization.stringKeyStringValuePair"
	rtSuccess  = `{"result":"Success","details":{}}`
	rtTypeName = `Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo`
)

// Log entry ids (opaque to provctl; GUIDs as on real tenants).
const (
	rtIDOwn      = "2f0c1a9e-0001-4b7d-9e3a-5c6d7e8f9a01" // Adele's own entry for the request
	rtIDOld      = "2f0c1a9e-0002-4b7d-9e3a-5c6d7e8f9a02" // Adele, an hour before the request
	rtIDOld2     = "2f0c1a9e-0003-4b7d-9e3a-5c6d7e8f9a03"
	rtIDOld3     = "2f0c1a9e-0004-4b7d-9e3a-5c6d7e8f9a04"
	rtIDMegan    = "2f0c1a9e-0005-4b7d-9e3a-5c6d7e8f9a05" // Megan, newer
	rtIDMegan2   = "2f0c1a9e-0006-4b7d-9e3a-5c6d7e8f9a06"
	rtIDMegan3   = "2f0c1a9e-0007-4b7d-9e3a-5c6d7e8f9a07"
	rtIDMegan4   = "2f0c1a9e-0008-4b7d-9e3a-5c6d7e8f9a08"
	rtIDMegan5   = "2f0c1a9e-0009-4b7d-9e3a-5c6d7e8f9a09"
	rtIDAdele4   = "2f0c1a9e-000a-4b7d-9e3a-5c6d7e8f9a0a"
	rtIDOtherJob = "2f0c1a9e-000b-4b7d-9e3a-5c6d7e8f9a0b"
	rtIDSales    = "2f0c1a9e-000c-4b7d-9e3a-5c6d7e8f9a0c" // the group's own entry
	rtIDSalesOld = "2f0c1a9e-000d-4b7d-9e3a-5c6d7e8f9a0d"
	rtIDMarket   = "2f0c1a9e-000e-4b7d-9e3a-5c6d7e8f9a0e"
	rtIDMember   = "2f0c1a9e-000f-4b7d-9e3a-5c6d7e8f9a0f" // the member's own entry
)

// rtFill replaces the placeholders of the hand-written bodies.
var rtFill = strings.NewReplacer(
	"{adele}", rtAdele, "{megan}", rtMegan, "{synced}", rtSynced, "{lynne}", rtLynne,
	"{sales}", rtSales, "{market}", rtMarket, "{sp}", rtSP, "{spApp}", rtSPApp, "{job}", rtJob,
	"{never}", rtNever, "{neverSP}", rtNeverSP, "{tenant}", rtTenant, "{change}", rtChange, "{dn}", rtAdeleDN,
).Replace

// rtUsers and rtGroups are the directory objects GET /users|groups/{id} know.
var rtUsers = map[string][2]string{ // id -> displayName, userPrincipalName
	rtAdele:  {"Adele Vance", "AdeleV@contoso.com"},
	rtMegan:  {"Megan Bowen", "MeganB@contoso.com"},
	rtSynced: {"Adele Vance", "AdeleV@contoso.com"},
	rtLynne:  {"Lynne Robbins", "LynneR@fabrikam.com"},
}

var rtGroups = map[string]string{rtSales: "Sales", rtMarket: "Marketing"}

// podAnswer is one provisionOnDemand answer: @odata.context, key, value.
type podAnswer struct{ context, key, value string }

// Fact 1a: outbound SCIM success (keys in the captured order).
var rtValueSCIMSuccess = rtFill(`{"action":"Create","changeId":"{change}","startTime":"2026-11-30T10:00:01.1234567Z","endTime":"2026-11-30T10:00:02.7654321Z","reportableIdentifier":"AdeleV@contoso.com",` +
	`"modifiedProperties":[{"displayName":"accountEnabled","oldValue":null,"newValue":"True"},{"displayName":"displayName","oldValue":null,"newValue":"Adele Vance"},{"displayName":"userName","oldValue":null,"newValue":"AdeleV@contoso.com"}],` +
	`"provisioningSteps":[` +
	`{"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'AdeleV@contoso.com' from Azure Active Directory","timestamp":"2026-11-30T10:00:01.2000000Z","details":{"objectId":"{adele}","accountEnabled":"True","displayName":"Adele Vance","userPrincipalName":"AdeleV@contoso.com","mailNickname":"AdeleV"}},` +
	`{"name":"EntryImport","type":"Matching","status":"Success","description":"Retrieved  'AdeleV@contoso.com' from Box","timestamp":"2026-11-30T10:00:01.6000000Z","details":{}},` +
	`{"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope by evaluating against each scoping filter","timestamp":"2026-11-30T10:00:01.7000000Z","details":{"Active in the source system":"True","Assigned to the application":"True","User has the required role":"True","Scoping filter evaluation passed":"True"}},` +
	`{"name":"EntryExportAdd","type":"Export","status":"Success","description":"User 'AdeleV@contoso.com' was created in Box","timestamp":"2026-11-30T10:00:02.7000000Z","details":{"ReportableIdentifier":"AdeleV@contoso.com","active":"True","displayName":"Adele Vance","userName":"AdeleV@contoso.com"}}],` +
	`"statusInfo":{"status":"Success","errorCode":null,"reason":null,"additionalDetails":null,"errorCategory":null,"recommendedAction":null},` +
	`"sourceIdentity":{"id":"{adele}","type":"User","displayName":null,"details":null},` +
	`"sourceSystem":{"id":null,"name":"Azure Active Directory","details":null},` +
	`"targetIdentity":{"id":null,"type":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","displayName":null,"details":null},` +
	`"targetSystem":{"id":null,"name":"Box","details":null}}`)

// Fact 1b: cross-tenant sync, a .NET type name as key and an array as value.
var rtValueCrossTenant = rtFill(`[{"provisioningSteps":[` +
	`{"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'LynneR@fabrikam.com' from Azure Active Directory","timestamp":"2026-11-30T10:05:00.1000000Z","details":{"objectId":"{lynne}","accountEnabled":"True"}},` +
	`{"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope by evaluating against each scoping filter","timestamp":"2026-11-30T10:05:00.2000000Z","details":{"Assigned to the application":"True","Scoping filter evaluation passed":"True"}},` +
	`{"name":"EntryImport","type":"Matching","status":"Success","description":"Retrieved  'LynneR@fabrikam.com' from Contoso","timestamp":"2026-11-30T10:05:00.4000000Z","details":{}},` +
	`{"name":"EntryExportAdd","type":"Export","status":"Failure","description":"Failed to create User 'LynneR@fabrikam.com' in Contoso","timestamp":"2026-11-30T10:05:00.9000000Z","details":{"ErrorCode":"EntryConflict","ErrorMessage":"An object with the same userPrincipalName already exists in the target tenant.","ReportableIdentifier":"LynneR@fabrikam.com"}}]}]`)

// Fact 1c: Cloud Sync AD -> Entra: steps first, 100+ detail keys, an AD DN
// as the source identity, no oldValue, lower-case "user".
func rtValueCloudSync() string {
	details := map[string]string{
		"accountDisabled": "False", "accountExpires": "9223372036854775807", "c": "", "cn": "Adele Vance", "co": "", "company": "",
		"countryCode": "0", "department": "", "description": "", "displayName": "Adele Vance", "distinguishedName": rtAdeleDN,
		"division": "", "employeeID": "", "employeeNumber": "", "employeeType": "", "facsimileTelephoneNumber": "", "givenName": "Adele",
		"homePhone": "", "info": "", "initials": "", "ipPhone": "", "l": "", "mail": "AdeleV@contoso.com", "mailNickname": "AdeleV",
		"manager": "", "middleName": "", "mobile": "", "msDS-PhoneticDisplayName": "", "objectGUID": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
		"objectSid": "S-1-5-21-3623811015-3361044348-30300820-1013", "otherFacsimileTelephoneNumber": "", "otherHomePhone": "",
		"otherIpPhone": "", "otherMobile": "", "otherPager": "", "otherTelephone": "", "pager": "", "physicalDeliveryOfficeName": "",
		"postalCode": "", "postOfficeBox": "", "preferredLanguage": "", "proxyAddresses": "", "pwdLastSet": "133766208000000000",
		"sAMAccountName": "AdeleV", "sn": "Vance", "SourceAnchor": "4CUlP4lP00GaDAMF6CwzAQ==", "st": "", "streetAddress": "",
		"telephoneNumber": "", "thumbnailPhoto": "", "title": "", "userPrincipalName": "AdeleV@contoso.com", "userWorkstations": "",
		"wWWHomePage": "",
	}
	for i := 1; i <= 15; i++ {
		details[fmt.Sprintf("extensionAttribute%d", i)] = ""
	}
	for i := 1; i <= 20; i++ {
		details[fmt.Sprintf("msDS-cloudExtensionAttribute%d", i)] = ""
	}
	for i := 1; i <= 15; i++ {
		details[fmt.Sprintf("msExchExtensionCustomAttribute%d", i)] = ""
	}
	if len(details) < 100 {
		panic(fmt.Sprintf("cloud sync details have %d keys, want 100+", len(details)))
	}
	d, err := json.Marshal(details)
	if err != nil {
		panic(err)
	}
	return rtFill(`{"provisioningSteps":[` +
		`{"name":"EntryImport","type":"Import","status":"Success","description":"Received User 'Adele Vance' change of type (Update) from Active Directory","timestamp":"2026-11-30T10:10:00.1000000Z","details":` + string(d) + `},` +
		`{"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope by evaluating against each scoping filter","timestamp":"2026-11-30T10:10:00.2000000Z","details":{"Active in the source system":"True","Scoping filter evaluation passed":"True","ScopeName":"","ContainerFilter":""}},` +
		`{"name":"EntryImport","type":"Matching","status":"Success","description":"Retrieved User 'Adele Vance' from Azure Active Directory","timestamp":"2026-11-30T10:10:00.4000000Z","details":{"objectId":"{synced}","onPremisesDistinguishedName":"{dn}","cloudAnchor":"","sourceAnchor":"4CUlP4lP00GaDAMF6CwzAQ=="}},` +
		`{"name":"EntryExportUpdate","type":"Export","status":"Success","description":"User 'Adele Vance' was updated in Azure Active Directory","timestamp":"2026-11-30T10:10:00.9000000Z","details":{"ReportableIdentifier":"Adele Vance","displayName":"Adele Vance","onPremisesDistinguishedName":"{dn}"}}],` +
		`"modifiedProperties":[{"displayName":"displayName","newValue":"Adele Vance"},{"displayName":"department","newValue":""}],` +
		`"sourceIdentity":{"id":"{dn}","type":"user","displayName":"Adele Vance","details":{}},` +
		`"sourceSystem":{"name":"Active Directory"},` +
		`"targetIdentity":{"id":"{synced}","type":"User","displayName":"Adele Vance","details":{}},` +
		`"targetSystem":{"name":"Azure Active Directory"},` +
		`"action":"Update","changeId":"c5d6e7f8-0912-4a3b-8c4d-5e6f7a8b9c0d","startTime":"2026-11-30T10:10:00.0000000Z","endTime":"2026-11-30T10:10:01.0000000Z",` +
		`"statusInfo":{"status":"Success"}}`)
}

// rtAnswers maps the requested subject's object id to Graph's answer.
var rtAnswers = map[string]podAnswer{
	rtAdele:  {rtPODCtx, rtSuccess, rtValueSCIMSuccess},
	rtLynne:  {rtPODCtx, rtTypeName, rtValueCrossTenant},
	rtSynced: {rtSyncCtx, rtSuccess, rtValueCloudSync()},
	rtSales:  {rtPODCtx, rtSuccess, "{}"},
}

// Fact 5: a job that never ran (GET .../jobs as captured).
var rtNeverRunJob = rtFill(`{"id":"{never}","templateId":"scimOutDelta","schedule":{"expiration":null,"interval":"P10675199DT2H48M5.4775807S","state":"Disabled"},` +
	`"status":{"code":"NotRun","countSuccessiveCompleteFailures":0,"escrowsPruned":false,` +
	`"lastExecution":{"activityIdentifier":null,"countEntitled":0,"countEntitledForProvisioning":0,"countEscrowed":0,"countEscrowedRaw":0,"countExported":0,"countExports":0,"countImported":0,"countImportedDeltas":0,"countImportedReferenceDeltas":0,"error":{"code":"None","message":"","tenantActionable":false},"state":"Failed","timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z"},` +
	`"lastSuccessfulExecution":null,"lastSuccessfulExecutionWithExports":null,"progress":[],"quarantine":null,"steadyStateFirstAchievedTime":"0001-01-01T00:00:00Z","steadyStateLastAchievedTime":"0001-01-01T00:00:00Z","synchronizedEntryCountByType":[],"troubleshootingUrl":""},` +
	`"synchronizationJobSettings":[]}`)

// The Box job: running, healthy.
var rtBoxJob = rtFill(`{"id":"{job}","templateId":"BoxOutDelta","schedule":{"expiration":null,"interval":"PT40M","state":"Active"},` +
	`"status":{"code":"Active","countSuccessiveCompleteFailures":0,"escrowsPruned":false,` +
	`"lastExecution":{"activityIdentifier":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","countEntitled":12,"countEntitledForProvisioning":12,"countEscrowed":0,"countEscrowedRaw":0,"countExported":1,"countExports":1,"countImported":12,"countImportedDeltas":1,"countImportedReferenceDeltas":0,"error":null,"state":"Succeeded","timeBegan":"2026-11-30T08:20:00.1234567Z","timeEnded":"2026-11-30T08:21:02.7654321Z"},` +
	`"lastSuccessfulExecution":null,"lastSuccessfulExecutionWithExports":null,"progress":[],"quarantine":null,"steadyStateFirstAchievedTime":"2026-11-01T08:00:00Z","steadyStateLastAchievedTime":"2026-11-30T08:21:02Z","synchronizedEntryCountByType":[{"key":"User to urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":12}],"troubleshootingUrl":""},` +
	`"synchronizationJobSettings":[]}`)

// Fact 6: Microsoft's documented schema example: rules without id,
// editable or priority (and an empty rule and mapping, as documented).
const rtDocSchema = `{"directories":[{"name":"Azure Active Directory","objects":[{"name":"User","attributes":[{"name":"userPrincipalName","type":"string"}]}]},{"name":"Salesforce","objects":[{}]}],` +
	`"synchronizationRules":[{"name":"USER_TO_USER","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"Salesforce","objectMappings":[{"sourceObjectName":"User","targetObjectName":"User","attributeMappings":[{"source":{},"targetAttributeName":"userName"},{}]},{}]},{}]}`

// rtLog is one provisioning-log entry: its JSON is rendered at request
// time, activityDateTime = the tenant's base time + at.
type rtLog struct {
	id, jobID, changeID string
	subject             string // object id, or the DN
	subjectName, upn    string
	identityType        string // User | Group
	action              string // provisioningAction (lower case)
	status              string // success | failure | skipped
	errorInfo           string // raw JSON, "null" when none
	steps               string // raw JSON array
	at                  time.Duration
	from                int  // visible from this GET of the logs on (0: always)
	oldShape            bool // action + statusInfo instead of provisioningAction + provisioningStatusInfo
	statusInfo          string
}

func (e rtLog) render(at time.Time) string {
	srcDetails := fmt.Sprintf(`{"DisplayName":%q,"id":%q,"odatatype":%q,"UserPrincipalName":%q}`, e.subjectName, e.subject, e.identityType, e.upn)
	if e.identityType == "Group" {
		srcDetails = fmt.Sprintf(`{"DisplayName":%q,"id":%q,"odatatype":"Group"}`, e.subjectName, e.subject)
	}
	targetType := "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	if e.identityType == "Group" {
		targetType = "urn:ietf:params:scim:schemas:core:2.0:Group"
	}
	status := fmt.Sprintf(`"provisioningAction":%q,"provisioningStatusInfo":{"status":%q,"errorInformation":%s}`, e.action, e.status, e.errorInfo)
	if e.oldShape {
		status = fmt.Sprintf(`"action":%q,"statusInfo":%s`, e.action, e.statusInfo)
	}
	return fmt.Sprintf(`{"id":%q,"activityDateTime":%q,"changeId":%q,"cycleId":"7e1d0c2b-3a4f-4b5e-8d6c-9f0a1b2c3d4e","durationInMilliseconds":2150,`+
		`"jobId":%q,"tenantId":%q,"initiatedBy":{"id":"","displayName":"Azure AD Provisioning Service","initiatorType":"system"},`+
		`"modifiedProperties":[{"displayName":"displayName","oldValue":null,"newValue":%q}],%s,"provisioningSteps":%s,`+
		`"servicePrincipal":{"id":%q,"displayName":"Box"},`+
		`"sourceIdentity":{"id":%q,"displayName":%q,"identityType":%q,"details":%s},`+
		`"targetIdentity":{"id":"","displayName":"","identityType":%q,"details":{}},`+
		`"sourceSystem":{"id":"0b3e7f5a-2d4c-4e6b-9a8f-1c3e5a7b9d0f","displayName":"Azure Active Directory","details":{}},`+
		`"targetSystem":{"id":"6c8e0a2b-4d6f-4a8c-9e0b-2d4f6a8c0e1b","displayName":"Box","details":{"ApplicationId":%q,"ServicePrincipalId":%q,"ServicePrincipalDisplayName":"Box"}}}`,
		e.id, at.UTC().Format(time.RFC3339), e.changeID, e.jobID, rtTenant, e.subjectName, status, e.steps,
		rtSP, e.subject, e.subjectName, e.identityType, srcDetails, targetType, rtSPApp, rtSP)
}

// rtSteps are a log entry's steps (lower-case enums) ending in an export
// step with the given status and details.
func rtSteps(kind, name, exportName, exportStatus, exportDesc, exportDetails string) string {
	return fmt.Sprintf(`[`+
		`{"name":"EntryImport","provisioningStepType":"import","status":"success","description":"Retrieved %[1]s '%[2]s' from Azure Active Directory","details":{"objectId":"","accountEnabled":"True"}},`+
		`{"name":"EntrySynchronizationScoping","provisioningStepType":"scoping","status":"success","description":"Determine if %[1]s in scope by evaluating against each scoping filter","details":{"Assigned to the application":"True","Scoping filter evaluation passed":"True"}},`+
		`{"name":"EntryImport","provisioningStepType":"matching","status":"success","description":"Retrieved  '%[2]s' from Box","details":{}},`+
		`{"name":%[3]q,"provisioningStepType":"export","status":%[4]q,"description":%[5]q,"details":%[6]s}]`,
		kind, name, exportName, exportStatus, exportDesc, exportDetails)
}

func rtUserEntry(id, subject string, status string, at time.Duration, from int, changeID string) rtLog {
	names := rtUsers[subject]
	e := rtLog{id: id, jobID: rtJob, changeID: changeID, subject: subject, subjectName: names[0], upn: names[1],
		identityType: "User", action: "create", status: status, errorInfo: "null", at: at, from: from}
	switch status {
	case "success":
		e.steps = rtSteps("User", names[1], "EntryExportAdd", "success", "User '"+names[1]+"' was created in Box", `{"ReportableIdentifier":"`+names[1]+`"}`)
	default:
		e.errorInfo = `{"errorCode":"BoxEntryConflict","reason":"Failed to create User in Box: HTTP 409 Conflict","additionalDetails":"The user already exists in Box.","errorCategory":"nonServiceFailure","recommendedAction":"Match the existing Box user or remove it."}`
		e.steps = rtSteps("User", names[1], "EntryExportAdd", "failure", "Failed to create User '"+names[1]+"' in Box", `{"ReportableIdentifier":"`+names[1]+`"}`)
	}
	return e
}

func rtGroupEntry(id, group, status string, at time.Duration, from int, changeID string) rtLog {
	name := rtGroups[group]
	e := rtLog{id: id, jobID: rtJob, changeID: changeID, subject: group, subjectName: name,
		identityType: "Group", action: "create", status: status, errorInfo: "null", at: at, from: from}
	e.steps = rtSteps("Group", name, "EntryExportAdd", status, "Group '"+name+"' was created in Box", `{"ReportableIdentifier":"`+name+`"}`)
	if status == "failure" {
		e.errorInfo = `{"errorCode":"BoxGroupConflict","reason":"HTTP 409 Conflict","additionalDetails":"","errorCategory":"nonServiceFailure","recommendedAction":"Remove the duplicate group in Box."}`
		e.steps = rtSteps("Group", name, "EntryExportAdd", "failure", "Failed to create Group '"+name+"' in Box", `{"ReportableIdentifier":"`+name+`"}`)
	}
	return e
}

// Fact 2a: a skipped entry: no errorInformation, the reason only in the
// skip step's details.
func rtSkippedEntry(at time.Duration) rtLog {
	return rtLog{id: "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a01", jobID: rtJob, changeID: "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c01",
		subject: rtAdele, subjectName: "Adele Vance", upn: "AdeleV@contoso.com", identityType: "User", action: "other",
		status: "skipped", errorInfo: "null", at: at,
		steps: `[{"name":"EntryImport","provisioningStepType":"import","status":"success","description":"Retrieved User 'AdeleV@contoso.com' from Azure Active Directory","details":{"objectId":"` + rtAdele + `"}},` +
			`{"name":"EntryImport","provisioningStepType":"matching","status":"success","description":"Retrieved  'AdeleV@contoso.com' from Box","details":{}},` +
			`{"name":"EntrySynchronizationSkip","provisioningStepType":"export","status":"skipped","description":"The User 'AdeleV@contoso.com' will be skipped: the state of the user in both the source and target systems already match.","details":{"ReportableIdentifier":"AdeleV@contoso.com","SkipReason":"RedundantExport"}}]`}
}

// Fact 2b: the old shape: action + statusInfo (statusDetails).
func rtOldShapeEntry(at time.Duration) rtLog {
	return rtLog{id: "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a02", jobID: rtJob, changeID: "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c02",
		subject: rtAdele, subjectName: "Adele Vance", upn: "AdeleV@contoso.com", identityType: "User", action: "Create", at: at, oldShape: true,
		statusInfo: `{"@odata.type":"#microsoft.graph.statusDetails","status":"failure","errorCode":"BoxEntryConflict","reason":"Failed to create User in Box: the request returned HTTP 409 Conflict.","errorCategory":"nonServiceFailure","recommendedAction":"Delete or match the existing user in Box, then retry.","additionalDetails":"A user with the same login already exists in Box."}`,
		steps:      rtSteps("User", "AdeleV@contoso.com", "EntryExportAdd", "failure", "Failed to create User 'AdeleV@contoso.com' in Box", `{"ReportableIdentifier":"AdeleV@contoso.com"}`)}
}

// rtTenantFake is the fake: one per subtest.
type rtTenantFake struct {
	lax          bool          // ignore $filter, return every entry newest first
	unauthorized bool          // answer 401 to everything
	dateOffset   time.Duration // the provisionOnDemand answer's Date header = now + dateOffset
	wantMembers  []string      // the links.members a group request must carry

	mu       sync.Mutex
	base     time.Time // entries' times are relative to it: the last provisionOnDemand answer's Date
	podDate  time.Time
	logs     []rtLog
	logGets  int
	filters  []string
	requests []string
}

func (rt *rtTenantFake) snapshot() (filters []string, logGets int, podDate time.Time) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.filters...), rt.logGets, rt.podDate
}

func rtReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	if w.Header().Get("request-id") == "" {
		w.Header().Set("request-id", "3c9d1e5f-7a2b-4c8d-9e0f-1a2b3c4d5e6f")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func rtNotFound(w http.ResponseWriter, id string) {
	rtReply(w, 404, `{"error":{"code":"Request_ResourceNotFound","message":"Resource '`+id+`' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2026-11-30T10:00:00","request-id":"3c9d1e5f-7a2b-4c8d-9e0f-1a2b3c4d5e6f","client-request-id":"3c9d1e5f-7a2b-4c8d-9e0f-1a2b3c4d5e6f"}}}`)
}

// rtClause is one clause of an OData $filter: field op value.
type rtClause struct{ field, op, value string }

var rtClauseRE = regexp.MustCompile(`^\s*([A-Za-z/]+)\s+(eq|ge|gt|le|lt)\s+('(?:[^']|'')*'|\S+)\s*$`)

func rtParseFilter(f string) ([]rtClause, error) {
	var out []rtClause
	if strings.TrimSpace(f) == "" {
		return nil, nil
	}
	for _, part := range strings.Split(f, " and ") {
		m := rtClauseRE.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("cannot parse clause %q", part)
		}
		v := m[3]
		if strings.HasPrefix(v, "'") {
			v = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
		}
		out = append(out, rtClause{strings.ToLower(m[1]), m[2], v})
	}
	return out, nil
}

// rtField reads a dotted path from a decoded entry.
func rtField(e map[string]any, path string) string {
	var cur any = e
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[p]
	}
	s, _ := cur.(string)
	return s
}

func (rt *rtTenantFake) serveLogs(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	rt.logGets++
	n := rt.logGets
	filter := r.URL.Query().Get("$filter")
	// Reads before the provisionOnDemand answer list what was already in
	// the log (never the request's outcome); only later reads are checked.
	if !rt.podDate.IsZero() {
		rt.filters = append(rt.filters, filter)
	}
	type rendered struct {
		at   time.Time
		json string
		doc  map[string]any
	}
	var all []rendered
	for _, e := range rt.logs {
		if e.from > n {
			continue
		}
		at := rt.base.Add(e.at)
		js := e.render(at)
		var doc map[string]any
		if err := json.Unmarshal([]byte(js), &doc); err != nil {
			rt.mu.Unlock()
			panic(fmt.Sprintf("fake log entry %s is not JSON: %v\n%s", e.id, err, js))
		}
		all = append(all, rendered{at, js, doc})
	}
	rt.mu.Unlock()

	keep := all
	if !rt.lax {
		clauses, err := rtParseFilter(filter)
		if err != nil {
			rtReply(w, 400, `{"error":{"code":"BadRequest","message":"Invalid filter clause: `+strings.ReplaceAll(err.Error(), `"`, `'`)+`"}}`)
			return
		}
		keep = nil
	entries:
		for _, e := range all {
			for _, c := range clauses {
				var ok bool
				switch c.field {
				case "jobid":
					ok = c.op == "eq" && strings.EqualFold(rtField(e.doc, "jobId"), c.value)
				case "changeid":
					ok = c.op == "eq" && strings.EqualFold(rtField(e.doc, "changeId"), c.value)
				case "sourceidentity/id":
					ok = c.op == "eq" && strings.EqualFold(rtField(e.doc, "sourceIdentity.id"), c.value)
				case "serviceprincipal/id":
					ok = c.op == "eq" && strings.EqualFold(rtField(e.doc, "servicePrincipal.id"), c.value)
				case "activitydatetime":
					t, err := time.Parse(time.RFC3339, c.value)
					if err != nil || strings.HasPrefix(c.value, "'") {
						rtReply(w, 400, `{"error":{"code":"BadRequest","message":"Invalid filter clause: activityDateTime takes an unquoted DateTimeOffset."}}`)
						return
					}
					switch c.op {
					case "ge":
						ok = !e.at.Before(t)
					case "gt":
						ok = e.at.After(t)
					case "lt":
						ok = e.at.Before(t)
					case "le":
						ok = !e.at.After(t)
					}
				default:
					rtReply(w, 400, `{"error":{"code":"BadRequest","message":"Invalid filter clause: unsupported property '`+c.field+`'."}}`)
					return
				}
				if !ok {
					continue entries
				}
			}
			keep = append(keep, e)
		}
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].at.After(keep[j].at) })
	var b strings.Builder
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#auditLogs/provisioning","value":[`)
	for i, e := range keep {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(e.json)
	}
	b.WriteString("]}")
	rtReply(w, 200, b.String())
}

func (rt *rtTenantFake) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /beta/servicePrincipals/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch id := r.PathValue("id"); id {
		case rtSP:
			rtReply(w, 200, rtFill(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#servicePrincipals(id,appId,displayName)/$entity","id":"{sp}","appId":"{spApp}","displayName":"Box"}`))
		case rtNeverSP:
			rtReply(w, 200, rtFill(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#servicePrincipals(id,appId,displayName)/$entity","id":"{neverSP}","appId":"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f","displayName":"Contoso SCIM"}`))
		default:
			rtNotFound(w, id)
		}
	})
	mux.HandleFunc("GET /beta/servicePrincipals/{id}/synchronization/jobs", func(w http.ResponseWriter, r *http.Request) {
		ctx := `{"@odata.context":"https://graph.microsoft.com/beta/$metadata#servicePrincipals('` + r.PathValue("id") + `')/synchronization/jobs","value":[`
		switch r.PathValue("id") {
		case rtSP:
			rtReply(w, 200, ctx+rtBoxJob+"]}")
		case rtNeverSP:
			rtReply(w, 200, ctx+rtNeverRunJob+"]}")
		default:
			rtNotFound(w, r.PathValue("id"))
		}
	})
	mux.HandleFunc("GET /beta/servicePrincipals/{id}/synchronization/jobs/{job}", func(w http.ResponseWriter, r *http.Request) {
		job := r.PathValue("job")
		switch {
		case strings.HasPrefix(job, "apply."):
			// Real tenants do not serve the apply. resource.
			rtReply(w, 400, `{"error":{"code":"BadRequest","message":"Invalid job id '`+job+`'.","innerError":{"date":"2026-11-30T10:00:00","request-id":"4d0e2f6a-8b3c-4d9e-af10-2b3c4d5e6f70","client-request-id":"4d0e2f6a-8b3c-4d9e-af10-2b3c4d5e6f70"}}}`)
		case r.PathValue("id") == rtSP && job == rtJob:
			rtReply(w, 200, rtBoxJob)
		case r.PathValue("id") == rtNeverSP && job == rtNever:
			rtReply(w, 200, rtNeverRunJob)
		default:
			rtNotFound(w, job)
		}
	})
	mux.HandleFunc("GET /beta/servicePrincipals/{id}/synchronization/jobs/{job}/schema", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("job") != rtJob {
			rtNotFound(w, r.PathValue("job"))
			return
		}
		rtReply(w, 200, rtDocSchema)
	})
	mux.HandleFunc("GET /beta/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		u, ok := rtUsers[r.PathValue("id")]
		if !ok {
			rtNotFound(w, r.PathValue("id"))
			return
		}
		rtReply(w, 200, fmt.Sprintf(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#users(id,displayName,userPrincipalName)/$entity","id":%q,"displayName":%q,"userPrincipalName":%q}`, r.PathValue("id"), u[0], u[1]))
	})
	mux.HandleFunc("GET /beta/groups/{id}", func(w http.ResponseWriter, r *http.Request) {
		g, ok := rtGroups[r.PathValue("id")]
		if !ok {
			rtNotFound(w, r.PathValue("id"))
			return
		}
		rtReply(w, 200, fmt.Sprintf(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#groups(id,displayName)/$entity","id":%q,"displayName":%q}`, r.PathValue("id"), g))
	})
	mux.HandleFunc("POST /beta/servicePrincipals/{id}/synchronization/jobs/{job}/provisionOnDemand", func(w http.ResponseWriter, r *http.Request) {
		type subject struct {
			ObjectID       string `json:"objectId"`
			ObjectTypeName string `json:"objectTypeName"`
			Links          *struct {
				Members []subject `json:"members"`
			} `json:"links"`
		}
		var body struct {
			Parameters []struct {
				RuleID   string    `json:"ruleId"`
				Subjects []subject `json:"subjects"`
			} `json:"parameters"`
		}
		bad := func(msg string) {
			rtReply(w, 400, `{"error":{"code":"RequestParameterInvalid","message":"`+msg+`"}}`)
		}
		if r.PathValue("id") != rtSP || r.PathValue("job") != rtJob {
			rtNotFound(w, r.PathValue("job"))
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Parameters) != 1 || len(body.Parameters[0].Subjects) != 1 {
			bad("The request body is not a valid provisionOnDemand request.")
			return
		}
		if body.Parameters[0].RuleID != rtRule {
			bad("The request also identified this synchronization rule: " + body.Parameters[0].RuleID + ". However, the job does not include the rule.")
			return
		}
		s := body.Parameters[0].Subjects[0]
		ans, ok := rtAnswers[s.ObjectID]
		if !ok {
			rtNotFound(w, s.ObjectID)
			return
		}
		_, isGroup := rtGroups[s.ObjectID]
		wantType := map[bool]string{true: "Group", false: "User"}[isGroup]
		if s.ObjectTypeName != wantType {
			bad("objectTypeName " + s.ObjectTypeName + " does not match the object " + s.ObjectID + ".")
			return
		}
		if isGroup {
			var got []string
			if s.Links != nil {
				for _, m := range s.Links.Members {
					if m.ObjectTypeName != "User" {
						bad("a member's objectTypeName must be User")
						return
					}
					got = append(got, m.ObjectID)
				}
			}
			rt.mu.Lock()
			want := rt.wantMembers
			rt.mu.Unlock()
			if !reflect.DeepEqual(got, want) {
				bad(fmt.Sprintf("links.members = %v, the test expected %v", got, want))
				return
			}
		}
		rt.mu.Lock()
		date := time.Now().Add(rt.dateOffset).UTC().Truncate(time.Second)
		rt.base, rt.podDate = date, date
		rt.mu.Unlock()
		out, err := json.Marshal(map[string]string{"@odata.context": ans.context, "key": ans.key, "value": ans.value})
		if err != nil {
			panic(err)
		}
		w.Header().Set("Date", date.Format(http.TimeFormat))
		rtReply(w, 200, string(out))
	})
	mux.HandleFunc("GET /beta/auditLogs/provisioning", rt.serveLogs)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt.mu.Lock()
		rt.requests = append(rt.requests, r.Method+" "+r.URL.RequestURI())
		unauthorized := rt.unauthorized
		rt.mu.Unlock()
		// Graph echoes the caller's client-request-id, or makes one up.
		clientID := r.Header.Get("client-request-id")
		if clientID == "" {
			clientID = "66666666-7777-8888-9999-000000000000"
		}
		w.Header().Set("client-request-id", clientID)
		if unauthorized || r.Header.Get("Authorization") != "Bearer real-shapes-token" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
			w.Header().Set("request-id", rtReqID)
			rtReply401(w, clientID)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func rtReply401(w http.ResponseWriter, clientID string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(401)
	_, _ = w.Write([]byte(`{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.","innerError":{"date":"2026-11-30T10:00:00","request-id":"` + rtReqID + `","client-request-id":"` + clientID + `"}}}`))
}

// start serves rt over TLS and returns provctl's environment for it.
func (rt *rtTenantFake) start(t *testing.T) map[string]string {
	t.Helper()
	rt.base = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	srv := httptest.NewTLSServer(rt.handler())
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			rt.mu.Lock()
			defer rt.mu.Unlock()
			t.Logf("requests the fake received:\n  %s", strings.Join(rt.requests, "\n  "))
		}
	})
	return map[string]string{"PROVCTL_GRAPH_URL": srv.URL, "PROVCTL_CA_FILE": ca, "PROVCTL_ACCESS_TOKEN": "real-shapes-token", "PROVCTL_CONFIG_DIR": t.TempDir()}
}

// rtResult is what one in-process provctl run produced. errOut is what
// provctl wrote on stderr itself; errText is the returned error, which
// cmd.Execute prints on stderr as "error: <text>".
type rtResult struct {
	stdout, errOut, errText string
	code                    int
	elapsed                 time.Duration
	doc                     any
}

func (r rtResult) stderr() string {
	if r.errText == "" {
		return r.errOut
	}
	return r.errOut + "error: " + r.errText + "\n"
}

func runReal(t *testing.T, env map[string]string, args ...string) rtResult {
	t.Helper()
	streams, out, errOut := output.Test()
	root := cmd.NewCmdRoot(&cmd.Factory{Streams: streams, Getenv: func(k string) string { return env[k] }})
	root.SetArgs(args)
	start := time.Now()
	err := root.ExecuteContext(context.Background())
	res := rtResult{stdout: out.String(), errOut: errOut.String(), code: cmd.ExitCodeOf(err), elapsed: time.Since(start)}
	if err != nil {
		res.errText = err.Error()
	}
	return res
}

// Expectations on the decoded JSON output, by dotted path ("steps.0.type").
type (
	rtNull        struct{} // present and null
	rtNullOrAbsnt struct{} // null or not there at all
	rtEmptyList   struct{} // []
	rtNonEmpty    struct{} // a non-empty string
	rtNot         struct{ v any }
)

type rtWant struct {
	path string
	want any
}

func rtGet(doc any, path string) (any, bool) {
	cur := doc
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func rtCheckJSON(t *testing.T, doc any, wants []rtWant) {
	t.Helper()
	for _, w := range wants {
		got, ok := rtGet(doc, w.path)
		switch want := w.want.(type) {
		case rtNull:
			if !ok || got != nil {
				t.Errorf("%s = %s, want JSON null", w.path, rtShow(got, ok))
			}
		case rtNullOrAbsnt:
			if ok && got != nil {
				t.Errorf("%s = %s, want null or absent", w.path, rtShow(got, ok))
			}
		case rtEmptyList:
			if l, isList := got.([]any); !ok || !isList || len(l) != 0 {
				t.Errorf("%s = %s, want []", w.path, rtShow(got, ok))
			}
		case rtNonEmpty:
			if s, isStr := got.(string); !ok || !isStr || s == "" {
				t.Errorf("%s = %s, want a non-empty string", w.path, rtShow(got, ok))
			}
		case rtNot:
			if ok && reflect.DeepEqual(got, want.v) {
				t.Errorf("%s = %s, must not be that", w.path, rtShow(got, ok))
			}
		default:
			if !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %s, want %s", w.path, rtShow(got, ok), rtShow(want, true))
			}
		}
	}
}

func rtShow(v any, ok bool) string {
	if !ok {
		return "(absent)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// rtCheckFilters asserts the $filter provctl sent for subject: same job,
// the subject, the change id when the answer had one (never otherwise),
// and activityDateTime gt a time within a minute before the answer's Date.
func rtCheckFilters(t *testing.T, rt *rtTenantFake, subject, changeID string) {
	t.Helper()
	filters, _, podDate := rt.snapshot()
	seen := false
	for _, f := range filters {
		clauses, err := rtParseFilter(f)
		if err != nil {
			t.Errorf("unparsable $filter %q: %v", f, err)
			continue
		}
		got := map[string]rtClause{}
		for _, c := range clauses {
			got[c.field+" "+c.op] = c
		}
		if c, ok := got["sourceidentity/id eq"]; !ok || !strings.EqualFold(c.value, subject) {
			continue
		}
		seen = true
		if c, ok := got["jobid eq"]; !ok || c.value != rtJob {
			t.Errorf("$filter %q: want jobid eq '%s'", f, rtJob)
		}
		if c, ok := got["changeid eq"]; changeID != "" && (!ok || c.value != changeID) {
			t.Errorf("$filter %q: want changeid eq '%s'", f, changeID)
		} else if changeID == "" && ok {
			t.Errorf("$filter %q: the answer had no changeId, yet provctl filters on changeid %q", f, c.value)
		}
		c, ok := got["activitydatetime gt"]
		if !ok {
			t.Errorf("$filter %q: want activityDateTime gt <request time>", f)
			continue
		}
		at, err := time.Parse(time.RFC3339, c.value)
		if err != nil {
			t.Errorf("$filter %q: activityDateTime %q is not RFC 3339 unquoted: %v", f, c.value, err)
			continue
		}
		if at.After(podDate) || at.Before(podDate.Add(-time.Minute)) {
			t.Errorf("$filter %q: activityDateTime gt %s, want just before the answer's Date %s", f, at.Format(time.RFC3339), podDate.Format(time.RFC3339))
		}
	}
	if !seen {
		t.Errorf("no $filter named sourceIdentity/id eq '%s'; filters sent: %q", subject, filters)
	}
}

type rtCase struct {
	name  string
	args  []string
	setup func(rt *rtTenantFake) // under rt.mu, before the run
	both  bool                   // run against the filtering and the lax server
	code  int
	json  []rtWant // checked when the output is JSON
	check func(t *testing.T, rt *rtTenantFake, res rtResult)
}

func TestRealTenantShapes(t *testing.T) {
	run := []string{"provision", "run", "--sp", rtSP, "--job", rtJob, "--rule", rtRule}
	wait := []string{"--wait", "--interval", "100ms", "--timeout", "5s", "-o", "json"}
	argv := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	user := func(id string) []string { return []string{"--user", id} }
	jsonOut := []string{"-o", "json"}
	poll := []string{"provision", "poll", "--sp", rtSP, "--job", rtJob}

	// Traps beside a user's own entry: a newer entry of another subject
	// with the same change id, and an entry of the same subject an hour
	// older than the request.
	traps := func(rt *rtTenantFake) {
		rt.logs = append(rt.logs,
			rtUserEntry(rtIDMegan, rtMegan, "failure", 30*time.Second, 0, rtChange),
			rtUserEntry(rtIDOld, rtAdele, "failure", -time.Hour, 0, rtChange),
		)
	}
	ownEntry := func(rt *rtTenantFake) {
		rt.logs = append(rt.logs, rtUserEntry(rtIDOwn, rtAdele, "success", time.Second, 3, rtChange))
	}
	ownFound := []rtWant{
		{"state", "success"}, {"source", "provisioningLogs"}, {"subject.id", rtAdele}, {"jobId", rtJob},
		{"changeId", rtChange}, {"reason", rtNull{}}, {"id", rtIDOwn},
	}
	ownFoundCheck := func(t *testing.T, rt *rtTenantFake, res rtResult) {
		if _, gets, _ := rt.snapshot(); gets < 3 {
			t.Errorf("provctl read the logs %d times; the entry only appears on the 3rd read", gets)
		}
		if !rt.lax {
			rtCheckFilters(t, rt, rtAdele, rtChange)
		}
	}
	groupSetup := func(memberStatus string) func(rt *rtTenantFake) {
		return func(rt *rtTenantFake) {
			rt.wantMembers = []string{rtAdele}
			rt.logs = append(rt.logs,
				rtGroupEntry(rtIDMarket, rtMarket, "failure", 40*time.Second, 0, "d7e8f9a0-1b2c-4d3e-8f4a-5b6c7d8e9f01"), // newer, another group
				rtGroupEntry(rtIDSalesOld, rtSales, "failure", -time.Hour, 0, "d7e8f9a0-1b2c-4d3e-8f4a-5b6c7d8e9f02"),    // the group, an hour older
				rtGroupEntry(rtIDSales, rtSales, "success", 2*time.Second, 3, "d7e8f9a0-1b2c-4d3e-8f4a-5b6c7d8e9f03"),    // the group's own entry
				rtUserEntry(rtIDMember, rtAdele, memberStatus, 3*time.Second, 3, "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d"),
			)
		}
	}
	groupArgs := argv(run, []string{"--group", rtSales, "--member", rtAdele}, wait)
	groupCheck := func(t *testing.T, rt *rtTenantFake, res rtResult) {
		m, ok := rtGet(res.doc, "members")
		if l, isList := m.([]any); !ok || !isList || len(l) != 1 {
			t.Errorf("members = %s, want exactly one outcome (the member's)", rtShow(m, ok))
		}
		if !rt.lax {
			rtCheckFilters(t, rt, rtSales, "")
			rtCheckFilters(t, rt, rtAdele, "")
		}
	}

	tests := []rtCase{
		// 1. provisionOnDemand answers.
		{
			name: "1a run: outbound SCIM success", args: argv(run, user(rtAdele), jsonOut), code: 0,
			json: []rtWant{
				{"state", "success"}, {"source", "provisionOnDemand"}, {"subject.id", rtAdele}, {"action", "create"},
				{"changeId", rtChange}, {"templateId", rtNull{}}, {"members", rtEmptyList{}}, {"reason", rtNull{}},
				{"steps.0.type", "import"}, {"steps.1.type", "matching"}, {"steps.2.type", "scoping"}, {"steps.3.type", "export"},
				{"steps.0.status", "success"}, {"steps.3.status", "success"}, {"steps.3.name", "EntryExportAdd"},
				{"steps.1.description", "Retrieved  'AdeleV@contoso.com' from Box"},
				{"modifiedProperties.0.oldValue", rtNull{}}, {"modifiedProperties.0.newValue", "True"},
			},
		},
		{
			name: "1b run: cross-tenant type-name key, array value, EntryConflict", args: argv(run, user(rtLynne), jsonOut), code: 3,
			json: []rtWant{
				{"state", "failure"}, {"source", "provisionOnDemand"}, {"reason.code", "EntryConflict"},
				{"reason.code", rtNot{"EntryExportAdd"}}, {"subject.id", rtLynne}, {"steps.3.status", "failure"}, {"steps.3.type", "export"},
			},
		},
		{
			name: "1c run: Cloud Sync AD to Entra, DN subject, no oldValue", args: argv(run, user(rtSynced), jsonOut), code: 0,
			json: []rtWant{
				{"state", "success"}, {"source", "provisionOnDemand"}, {"action", "update"},
				{"subject.id", rtAdeleDN}, {"subject.type", "User"},
				{"modifiedProperties.0.name", "displayName"}, {"modifiedProperties.0.oldValue", rtNull{}}, {"modifiedProperties.0.newValue", "Adele Vance"},
				{"modifiedProperties.1.oldValue", rtNull{}}, {"steps.0.type", "import"}, {"steps.3.type", "export"},
			},
		},
		{
			name: "1d run: group with members, value \"{}\"", args: argv(run, []string{"--group", rtSales, "--member", rtAdele}, jsonOut), code: 0,
			setup: func(rt *rtTenantFake) { rt.wantMembers = []string{rtAdele} },
			json: []rtWant{
				{"state", "success"}, {"source", "provisionOnDemand"}, {"subject.id", rtSales}, {"subject.type", "Group"},
				{"members", rtEmptyList{}}, {"steps", rtEmptyList{}},
			},
		},

		// 2. Provisioning-log entry shapes (poll --subject reads the logs).
		{
			name: "2a poll logs: skipped entry, reason only in SkipReason", both: true, code: 6,
			args: argv(poll, []string{"--subject", rtAdele}, jsonOut),
			setup: func(rt *rtTenantFake) {
				rt.logs = append(rt.logs, rtSkippedEntry(0), rtUserEntry(rtIDMegan2, rtMegan, "success", time.Minute, 0, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c99"))
			},
			json: []rtWant{
				{"state", "skipped"}, {"source", "provisioningLogs"}, {"reason.code", "RedundantExport"}, {"subject.id", rtAdele},
				{"action", "other"}, {"steps.2.status", "skipped"}, {"steps.2.type", "export"},
			},
		},
		{
			name: "2b poll logs: old shape action + statusInfo", both: true, code: 3,
			args: argv(poll, []string{"--subject", rtAdele}, jsonOut),
			setup: func(rt *rtTenantFake) {
				rt.logs = append(rt.logs, rtOldShapeEntry(0), rtUserEntry(rtIDMegan3, rtMegan, "success", time.Minute, 0, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c98"))
			},
			json: []rtWant{
				{"state", "failure"}, {"source", "provisioningLogs"}, {"action", "create"}, {"subject.id", rtAdele},
				{"reason.code", "BoxEntryConflict"}, {"reason.code", rtNot{"EntryExportAdd"}}, {"reason.recommendedAction", rtNonEmpty{}},
			},
		},

		// 3. run --wait: the request's own log entry, never a neighbour's.
		{
			name: "3 run --wait: own entry after 2 polls, beside a newer entry of Megan and an old one of Adele", both: true, code: 0,
			args:  argv(run, user(rtAdele), wait),
			setup: func(rt *rtTenantFake) { traps(rt); ownEntry(rt) },
			json:  ownFound, check: ownFoundCheck,
		},
		{
			name: "3 run --wait: Graph's Date 3h behind the local clock, old entry still refused", both: true, code: 0,
			args: argv(run, user(rtAdele), wait),
			setup: func(rt *rtTenantFake) {
				rt.dateOffset = -3 * time.Hour
				rt.logs = append(rt.logs, rtUserEntry(rtIDOld2, rtAdele, "failure", -30*time.Minute, 0, rtChange))
				traps(rt)
				ownEntry(rt)
			},
			json: ownFound, check: ownFoundCheck,
		},
		{
			name: "3 run --wait: Graph's Date 3h ahead of the local clock, old entry still refused", both: true, code: 0,
			args: argv(run, user(rtAdele), wait),
			setup: func(rt *rtTenantFake) {
				rt.dateOffset = 3 * time.Hour
				rt.logs = append(rt.logs, rtUserEntry(rtIDOld3, rtAdele, "failure", -30*time.Minute, 0, rtChange))
				traps(rt)
				ownEntry(rt)
			},
			json: ownFound, check: ownFoundCheck,
		},
		{
			name: "3 run --wait: own entry never appears, exit 5 within the timeout", both: true, code: 5,
			args:  argv(run, user(rtAdele), []string{"--wait", "--interval", "100ms", "--timeout", "1s", "-o", "json"}),
			setup: traps,
			json:  []rtWant{{"subject.id", rtAdele}, {"state", rtNot{"failure"}}},
			check: func(t *testing.T, rt *rtTenantFake, res rtResult) {
				if res.elapsed > 3*time.Second {
					t.Errorf("took %s with --timeout 1s", res.elapsed)
				}
				if _, gets, _ := rt.snapshot(); gets < 2 {
					t.Errorf("provctl read the logs %d times in 1s at 100ms intervals", gets)
				}
				if !rt.lax {
					rtCheckFilters(t, rt, rtAdele, rtChange)
				}
			},
		},
		{
			name: "3 run --wait: group and member, both success", both: true, code: 0,
			args: groupArgs, setup: groupSetup("success"),
			json: []rtWant{
				{"state", "success"}, {"source", "provisioningLogs"}, {"subject.id", rtSales}, {"id", rtIDSales},
				{"members.0.subject.id", rtAdele}, {"members.0.state", "success"},
			},
			check: groupCheck,
		},
		{
			name: "3 run --wait: group success, member failure, exit 3", both: true, code: 3,
			args: groupArgs, setup: groupSetup("failure"),
			json: []rtWant{
				{"state", "success"}, {"source", "provisioningLogs"}, {"subject.id", rtSales}, {"id", rtIDSales},
				{"members.0.subject.id", rtAdele}, {"members.0.state", "failure"}, {"members.0.reason.code", "BoxEntryConflict"},
			},
			check: groupCheck,
		},

		// 4. poll without --subject: the job's most recent request.
		{
			name: "4 poll without --subject names the entry's subject (json)", both: true, code: 0,
			args: argv(poll, jsonOut),
			setup: func(rt *rtTenantFake) {
				other := rtUserEntry(rtIDOtherJob, rtAdele, "failure", 2*time.Minute, 0, "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d01")
				other.jobID = rtOther
				rt.logs = append(rt.logs, other,
					rtUserEntry(rtIDMegan4, rtMegan, "success", time.Minute, 0, "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d02"),
					rtUserEntry(rtIDAdele4, rtAdele, "failure", 0, 0, "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d03"))
			},
			json: []rtWant{{"source", "provisioningLogs"}, {"state", "success"}, {"subject.id", rtMegan}, {"jobId", rtJob}, {"id", rtIDMegan4}},
		},
		{
			name: "4 poll without --subject says so (table)", both: true, code: 0,
			args: argv(poll, []string{"-o", "table"}),
			setup: func(rt *rtTenantFake) {
				rt.logs = append(rt.logs, rtUserEntry(rtIDMegan5, rtMegan, "success", time.Minute, 0, "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d04"))
			},
			check: func(t *testing.T, rt *rtTenantFake, res rtResult) {
				if !strings.Contains(res.stdout, "the job's most recent request") {
					t.Errorf("table lacks \"the job's most recent request\":\n%s", res.stdout)
				}
				if !regexp.MustCompile(`(?m)^Subject\t.*` + rtMegan).MatchString(res.stdout) {
					t.Errorf("table has no \"Subject\\t…%s\" line:\n%s", rtMegan, res.stdout)
				}
			},
		},

		// 5. A job that never ran.
		{
			name: "5 job list: never-run job is not Failed", args: []string{"job", "list", "--sp", rtNeverSP, "-o", "table"}, code: 0,
			check: func(t *testing.T, rt *rtTenantFake, res rtResult) { rtCheckNeverRan(t, res.stdout, rtNever) },
		},
		{
			name: "5 job show: never-run job is not Failed", args: []string{"job", "show", "--sp", rtNeverSP, "--job", rtNever, "-o", "table"}, code: 0,
			check: func(t *testing.T, rt *rtTenantFake, res rtResult) { rtCheckNeverRan(t, res.stdout, rtNever) },
		},

		// 6. Documented schema: rules without id.
		{
			name: "6 job rules: documented schema without rule ids (json)", args: []string{"job", "rules", "--sp", rtSP, "--job", rtJob, "-o", "json"}, code: 0,
			json: []rtWant{
				{"0.name", "USER_TO_USER"}, {"0.editable", rtNullOrAbsnt{}}, {"0.priority", rtNullOrAbsnt{}},
				{"1.editable", rtNullOrAbsnt{}}, {"1.priority", rtNullOrAbsnt{}},
			},
			check: rtCheckRuleWarning,
		},
		{
			name: "6 job rules: documented schema without rule ids (table)", args: []string{"job", "rules", "--sp", rtSP, "--job", rtJob, "-o", "table"}, code: 0,
			check: rtCheckRuleWarning,
		},

		// 7. 401 from Graph.
		{
			name: "7 401 on provision run", args: argv(run, user(rtAdele), jsonOut), code: 4,
			setup: func(rt *rtTenantFake) { rt.unauthorized = true }, check: rtCheck401,
		},
		{
			name: "7 401 on provision poll", args: argv(poll, jsonOut), code: 4,
			setup: func(rt *rtTenantFake) { rt.unauthorized = true }, check: rtCheck401,
		},
		{
			name: "7 401 on job list", args: []string{"job", "list", "--sp", rtSP}, code: 4,
			setup: func(rt *rtTenantFake) { rt.unauthorized = true }, check: rtCheck401,
		},
	}

	for _, tt := range tests {
		variants := []bool{false}
		if tt.both {
			variants = []bool{false, true}
		}
		for _, lax := range variants {
			name := tt.name
			if tt.both {
				name += map[bool]string{false: " [filtering server]", true: " [lax server]"}[lax]
			}
			t.Run(name, func(t *testing.T) {
				rt := &rtTenantFake{lax: lax}
				env := rt.start(t)
				if tt.setup != nil {
					rt.mu.Lock()
					tt.setup(rt)
					rt.mu.Unlock()
				}
				res := runReal(t, env, tt.args...)
				defer func() {
					if t.Failed() {
						t.Logf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", res.code, res.elapsed.Round(time.Millisecond), res.stdout, res.stderr())
					}
				}()
				if res.code != tt.code {
					t.Errorf("exit %d, want %d", res.code, tt.code)
				}
				if tt.json != nil {
					if err := json.Unmarshal([]byte(res.stdout), &res.doc); err != nil {
						t.Fatalf("stdout is not one JSON document: %v", err)
					}
					rtCheckJSON(t, res.doc, tt.json)
				}
				if tt.check != nil {
					tt.check(t, rt, res)
				}
			})
		}
	}

	t.Run("7 401 stderr of the real provctl process", func(t *testing.T) {
		// cmd.Execute prints the error; run the binary testscript put on PATH.
		bin, err := exec.LookPath("provctl")
		if err != nil || !strings.Contains(bin, "testscript-main") {
			t.Skipf("no provctl from testscript.Main on PATH (%v, %q)", err, bin)
		}
		rt := &rtTenantFake{unauthorized: true}
		env := rt.start(t)
		c := exec.Command(bin, "job", "list", "--sp", rtSP)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "PROVCTL_") && !strings.HasPrefix(kv, "AZURE_") {
				c.Env = append(c.Env, kv)
			}
		}
		for k, v := range env {
			c.Env = append(c.Env, k+"="+v)
		}
		var stdout, stderr strings.Builder
		c.Stdout, c.Stderr = &stdout, &stderr
		err = c.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != 4 {
			t.Errorf("exit %d, want 4", code)
		}
		for _, want := range []string{"Access token is empty.", "InvalidAuthenticationToken", rtReqID} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
			}
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout = %q, want nothing", stdout.String())
		}
	})
}

var rtNeverRanRE = regexp.MustCompile(`(?i)\bnever\s+(ran|run|been run|executed)\b|\bnot\s+(yet\s+)?run\b|\bhas\s+not\s+run\b`)

func rtCheckNeverRan(t *testing.T, table, jobID string) {
	t.Helper()
	if !strings.Contains(table, jobID) {
		t.Errorf("table does not show job %s:\n%s", jobID, table)
	}
	if strings.Contains(strings.ToLower(table), "failed") {
		t.Errorf("table says Failed/failed for a job that never ran:\n%s", table)
	}
	if !rtNeverRanRE.MatchString(table) {
		t.Errorf("table does not say the job never ran (%s):\n%s", rtNeverRanRE, table)
	}
}

func rtCheckRuleWarning(t *testing.T, _ *rtTenantFake, res rtResult) {
	t.Helper()
	if !strings.Contains(res.errOut, "warning:") || !regexp.MustCompile(`(?i)\bid\b`).MatchString(res.errOut) {
		t.Errorf("stderr has no warning about the rule without id: %q", res.errOut)
	}
}

func rtCheck401(t *testing.T, _ *rtTenantFake, res rtResult) {
	t.Helper()
	for _, want := range []string{"Access token is empty.", "InvalidAuthenticationToken", rtReqID} {
		if !strings.Contains(res.stderr(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr())
		}
	}
}
