package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph/graphtest"
)

const rtRuleID = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8"

// rtOnDemand is a provisionOnDemand answer (docs/graph.md, "Answer"): a
// stringKeyStringValuePair whose key and value are JSON documents encoded
// as strings. status is capitalised, as provisionOnDemand sends it.
func rtOnDemand(status, errorCode, errorMessage string) string {
	details := `{}`
	if errorCode != "" {
		details = `{"errorCode":"` + errorCode + `","errorMessage":"` + errorMessage + `"}`
	}
	key := `{"result":"` + status + `","details":` + details + `}`
	statusErr, reason := "null", "null"
	if errorCode != "" {
		statusErr, reason = `"`+errorCode+`"`, `"`+errorMessage+`"`
	}
	value := `{"action":"Create","changeId":"0f8c1e2a-4b6d-4f8a-9c0e-2a4c6e8a0c2e","startTime":"2026-11-30T10:00:00.5Z","endTime":"2026-11-30T10:00:01.2Z","reportableIdentifier":"adele@contoso.com",
	"modifiedProperties":[{"displayName":"displayName","oldValue":null,"newValue":"Adele Vance"}],
	"provisioningSteps":[
	 {"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'adele@contoso.com' from Azure Active Directory","timestamp":"2026-11-30T10:00:00.6Z","details":{"objectId":"` + rtUserID + `"}},
	 {"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","description":"Determine if User in scope","timestamp":"2026-11-30T10:00:00.7Z","details":{"ScopeEvaluationResult":"{}"}},
	 {"name":"EntryExportAdd","type":"Export","status":"` + status + `","description":"Export of User 'adele@contoso.com' to Box","timestamp":"2026-11-30T10:00:01.1Z","details":{}}],
	"statusInfo":{"status":"` + status + `","errorCode":` + statusErr + `,"reason":` + reason + `,"additionalDetails":null,"errorCategory":null,"recommendedAction":null},
	"sourceIdentity":{"id":"` + rtUserID + `","type":"User","displayName":"Adele Vance","details":null},
	"sourceSystem":{"id":null,"name":"Azure Active Directory","details":null},
	"targetIdentity":{"id":"5250","type":"User","displayName":null,"details":null},
	"targetSystem":{"id":null,"name":"Box","details":null}}`
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	return `{"@odata.context":"https://graph.microsoft.com/beta/$metadata#microsoft.graph.stringKeyStringValuePair","key":` + string(k) + `,"value":` + string(v) + `}`
}

const rtSchema = `{"directories":[],"synchronizationRules":[
  {"id":"` + rtRuleID + `","name":"USER_TO_USER","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"customappsso","priority":1,"editable":true,
   "objectMappings":[{"enabled":true,"sourceObjectName":"User","targetObjectName":"User"},{"enabled":true,"sourceObjectName":"Group","targetObjectName":"Group"}]}]}`

func rtRunStubs(reg *graphtest.Registry, answer graphtest.Responder) *graphtest.Stub {
	reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
	reg.Register("GET", "users/"+rtUserID, graphtest.JSON(200, rtUser))
	return reg.Register("POST", rtJobPath+"/provisionOnDemand", answer)
}

func TestRunRunStates(t *testing.T) {
	states := []struct {
		state, status, code, msg string
		exit                     int
	}{
		{"success", "Success", "", "", ExitOK},
		{"failure", "Failure", "BoxEntryConflict", "The user already exists in Box.", ExitFailed},
		{"skipped", "Skipped", "RedundantExport", "The state of the user in both the source and target systems already match.", ExitSkipped},
	}
	for _, st := range states {
		for _, tty := range []bool{false, true} {
			for _, mode := range outputModes {
				t.Run(fmt.Sprintf("%s/tty=%v/%s", st.state, tty, mode.name), func(t *testing.T) {
					reg, _ := graphtest.New(t)
					rtRunStubs(reg, graphtest.JSON(200, rtOnDemand(st.status, st.code, st.msg)))
					args := append([]string{"provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID}, mode.args...)
					r := runCLI(t, tty, reg, nil, args...)
					checkCLI(t, r, st.exit)
					plain := stripANSI(r.stdout)
					switch mode.name {
					case "table":
						if !strings.Contains(plain, "State") || !strings.Contains(plain, st.state) || !strings.Contains(plain, "EntryExportAdd") {
							t.Errorf("table:\n%s", r.stdout)
						}
					case "json":
						if !strings.Contains(r.stdout, `"state": "`+st.state+`"`) || !strings.Contains(r.stdout, `"source": "provisionOnDemand"`) {
							t.Errorf("json:\n%s", r.stdout)
						}
					case "jq":
						if strings.TrimSpace(r.stdout) != st.state {
							t.Errorf("--jq .state = %q", r.stdout)
						}
					}
					if st.code != "" && mode.name != "jq" && !strings.Contains(plain, st.code) {
						t.Errorf("reason %s not shown:\n%s", st.code, r.stdout)
					}
					if strings.Contains(r.stderr, "error") {
						t.Errorf("stderr:\n%s", r.stderr)
					}
					// The request is the documented body.
					reqs := reg.Requests()
					body := reqs[len(reqs)-1].Body
					want := `{"parameters":[{"ruleId":"` + rtRuleID + `","subjects":[{"objectId":"` + rtUserID + `","objectTypeName":"User"}]}]}`
					if body != want {
						t.Errorf("body %s\nwant %s", body, want)
					}
				})
			}
		}
	}
}

func TestRunRunPicksRuleAndWaits(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			reg, _ := graphtest.New(t)
			reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
			reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, `{"value":[{"id":"`+rtJobID+`","templateId":"BoxOutDelta","schedule":{"interval":"PT40M","state":"Active"},"status":{"code":"Active"}}]}`))
			reg.Register("GET", "users", graphtest.JSON(200, `{"value":[`+rtUser+`]}`)).Query(graphtest.QueryHas("$filter", "userPrincipalName eq 'adele@contoso.com'"))
			reg.Register("GET", rtJobPath+"/schema", graphtest.JSON(200, rtSchema))
			reg.Register("POST", rtJobPath+"/provisionOnDemand", graphtest.JSON(200, rtOnDemand("Success", "", "")))
			reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs())).Once()
			reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(rtLogEntry("l1", "success", "null"))))
			r := runCLI(t, tty, reg, nil, "provision", "run", "--sp", rtSPID, "--job", "BoxOutDelta", "--user", "adele@contoso.com", "--wait", "--interval", "100ms", "--timeout", "20s", "--jq", ".source + \" \" + .state")
			checkCLI(t, r, ExitOK)
			if strings.TrimSpace(r.stdout) != "provisioningLogs success" {
				t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
			}
		})
	}
}

func TestRunRunSeveralUsers(t *testing.T) {
	const user2ID = "1c4e7a9b-2d5f-4a8c-b1e3-5f7a9c1e3b5d"
	reg, _ := graphtest.New(t)
	// Several users are a list: looked up together (one `id in` filter),
	// each sent once at the pace.
	reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
	reg.Register("GET", "users", graphtest.JSON(200, `{"value":[`+rtUser+`,{"id":"`+user2ID+`","displayName":"Lee Gu","userPrincipalName":"lee@contoso.com"}]}`)).
		Query(graphtest.QueryHas("$filter", "id in ('"+rtUserID+"','"+user2ID+"')"))
	reg.Register("POST", rtJobPath+"/provisionOnDemand", graphtest.JSON(200, rtOnDemand("Success", "", ""))).Once()
	reg.Register("POST", rtJobPath+"/provisionOnDemand", graphtest.JSON(200, rtOnDemand("Failure", "BoxEntryConflict", "exists")))
	r := runCLI(t, false, reg, nil, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID, "--user", user2ID, "--user", rtUserID, "--jq", "[.[].state] | join(\",\")")
	checkCLI(t, r, ExitFailed)
	if strings.TrimSpace(r.stdout) != "success,failure" {
		t.Errorf("stdout %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "more than once") {
		t.Errorf("no note about the repeated user:\n%s", r.stderr)
	}
}

func TestRunRunErrors(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("forbidden/tty=%v", tty), func(t *testing.T) {
			reg, _ := graphtest.New(t)
			rtRunStubs(reg, graphtest.WithHeader(403, rtDenied, "request-id", "7d1e3f5a-0b2c-4d6e-8f0a-1b3c5d7e9f0b"))
			r := runCLI(t, tty, reg, nil, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID, "-o", "json")
			checkCLI(t, r, ExitAuth)
			if r.stdout != "" || !strings.Contains(stripANSI(r.stderr), "error: ") || !strings.Contains(r.stderr, "Synchronization.ReadWrite.All") {
				t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
			}
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP))
		reg.Register("GET", "users", graphtest.JSON(200, `{"value":[]}`))
		reg.Register("GET", "users/"+rtUserID, graphtest.Error(404, "Request_ResourceNotFound", "Resource '"+rtUserID+"' does not exist."))
		r := runCLI(t, false, reg, nil, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--user", "nobody@contoso.com")
		if r.code == ExitOK || r.stdout != "" || !strings.Contains(r.stderr, "nobody@contoso.com") {
			t.Errorf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
		}
		r = runCLI(t, false, reg, nil, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--user", rtUserID)
		if r.code == ExitOK || r.stdout != "" {
			t.Errorf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("wait times out", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		rtRunStubs(reg, graphtest.JSON(200, rtOnDemand("Success", "", "")))
		reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs()))
		r := runCLI(t, false, reg, nil, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID, "--wait", "--interval", "100ms", "--timeout", "350ms", "--jq", ".state")
		checkCLI(t, r, ExitPending)
		if strings.TrimSpace(r.stdout) != "pending" || !strings.Contains(r.stderr, "warning") {
			t.Errorf("stdout %q\nstderr %s", r.stdout, r.stderr)
		}
	})
}
