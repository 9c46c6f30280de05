package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/output"
)

// A Graph fake written only from Microsoft's documented answers
// (docs/graph.md), independent of the emulator: provctl must decode and map
// each shape. The provisionOnDemand bodies are the doc examples, with key and
// value as JSON inside strings.
const (
	docSP  = "8783a342-f7a2-46fb-8243-3658cee556ce"
	docJob = "BoxOutDelta.6a2de5866d0e4e39a06f39c6893e0873.397e75f3-f252-4c80-9027-a812665090d6"
)

var docOnDemand = map[string]map[string]string{
	// Example 1: Entra → SCIM app, already in sync.
	"11111111-1111-1111-1111-111111111111": {
		"key":   `{"result":"Skipped","details":{"errorCode":"RedundantExport","errorMessage":"The state of the user in both the source and target systems already match."}}`,
		"value": `{"action":"Other","changeId":"g8ba3be8-1","startTime":"2020-06-26T13:58:24.5494971Z","endTime":"2020-06-26T13:58:24.7682084Z","reportableIdentifier":"BillBob@contoso.com","modifiedProperties":[{"displayName":"accountEnabled","oldValue":null,"newValue":"True"}],"provisioningSteps":[{"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'BillBob@contoso.com' from Azure Active Directory","timestamp":"2020-06-26T13:58:24.5494971Z","details":{"objectId":"62cf","accountEnabled":"True"}},{"name":"EntrySynchronizationSkip","type":"Export","status":"Skipped","description":"The state of the user in both the source and target systems already match.","timestamp":"2020-06-26T13:58:24.7682084Z","details":{"SkipReason":"RedundantExport"}}],"statusInfo":{"status":"Skipped","errorCode":null,"reason":null,"additionalDetails":null,"errorCategory":null,"recommendedAction":null},"sourceIdentity":{"id":"62cf","type":"User","displayName":null,"details":null},"sourceSystem":{"id":null,"name":"Azure Active Directory","details":null},"targetIdentity":{"id":"5250","type":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","displayName":null,"details":null},"targetSystem":{"id":null,"name":"customappsso","details":null}}`,
	},
	// Example 2: AD → Entra cloud sync, nested JSON strings in details.
	"22222222-2222-2222-2222-222222222222": {
		"key":   `{"result":"Success","details":{}}`,
		"value": `{"action":"Update","changeId":"c2","modifiedProperties":[{"displayName":"displayName","newValue":"Adele"}],"provisioningSteps":[{"name":"EntryImportAdd","type":"Import","status":"Success","description":"Received User 'Adele'","details":{"SourceAnchor":"{\"a\":\"b\"}"}},{"name":"EntryExportUpdate","type":"Export","status":"Success","description":"User 'Adele' was updated in Azure Active Directory","details":{}}],"statusInfo":{"status":"Success"}}`,
	},
	// The cross-tenant shape: a .NET type name as key, a JSON array as value.
	"33333333-3333-3333-3333-333333333333": {
		"key":   `Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo`,
		"value": `[{"provisioningSteps":[{"name":"EntryImport","type":"Import","status":"Success"},{"name":"EntryExportAdd","type":"Export","status":"Failure","description":"HTTP 409 conflict"}]}]`,
	},
}

func newDocGraph(t *testing.T) (url, caFile string) {
	t.Helper()
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "0d7a9f2e-1111-4c1e-9d2b-5f3a1c2b3d4e")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	mux.HandleFunc("GET /beta/servicePrincipals/{id}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"`+docSP+`","appId":"aaaaaaaa-0000-0000-0000-000000000000","displayName":"Box"}`)
	})
	mux.HandleFunc("GET /beta/servicePrincipals/{id}/synchronization/jobs/{job}", func(w http.ResponseWriter, r *http.Request) {
		job := r.PathValue("job")
		if !strings.HasPrefix(job, "apply.") {
			reply(w, 200, `{"id":"`+job+`","templateId":"BoxOutDelta","schedule":{"interval":"PT40M","state":"Active"},"status":{"code":"Active"}}`)
			return
		}
		if job != "apply."+docJob {
			reply(w, 404, `{"error":{"code":"ResourceNotFound","message":"x","innererror":{"date":"2021-05-18T19:03:10","request-id":"r"}}}`)
			return
		}
		// The Get-job doc example's oddities inside the apply. resource.
		reply(w, 200, `{"id":"apply.`+docJob+`","templateId":"BoxOutDelta","status":{"code":"Quarantine","countSuccessiveCompleteFailures":"3","lastExecution":{"state":"Failed","timeBegan":"2020-06-26T13:58:24Z","timeEnded":"","error":{"code":"SalesforceInvalidCredentials","message":"bad","tenantActionable":true}},"quarantine":{"currentBegan":"","nextAttempt":"2020-06-27T13:58:24Z","reason":"","seriesBegan":"0001-01-01T00:00:00Z","seriesCount":1,"error":{"code":"SalesforceInvalidCredentials","message":"bad","tenantActionable":true}},"steadyStateFirstAchievedTime":"0001-01-01T00:00:00Z","steadyStateLastAchievedTime":"0001-01-01T00:00:00Z","troubleshootingUrl":""}}`)
	})
	mux.HandleFunc("GET /beta/servicePrincipals/{id}/synchronization/jobs/{job}/schema", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"synchronizationRules":[{"id":"ea807875-5618-4f0a-9125-0b46a05298ca","name":"USER_TO_USER","objectMappings":[{"sourceObjectName":"User","targetObjectName":"User"}]}]}`)
	})
	mux.HandleFunc("GET /beta/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"`+r.PathValue("id")+`","displayName":"User","userPrincipalName":"u@contoso.com"}`)
	})
	mux.HandleFunc("POST /beta/servicePrincipals/{id}/synchronization/jobs/{job}/provisionOnDemand", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Parameters []struct {
				RuleID   string `json:"ruleId"`
				Subjects []struct{ ObjectID, ObjectTypeName string }
			} `json:"parameters"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Parameters) != 1 || body.Parameters[0].RuleID != "ea807875-5618-4f0a-9125-0b46a05298ca" {
			reply(w, 400, `{"error":{"code":"RequestParameterInvalid","message":"The request also identified this synchronization rule: . However, the job does not include the rule."}}`)
			return
		}
		pair := docOnDemand[body.Parameters[0].Subjects[0].ObjectID]
		b, _ := json.Marshal(map[string]string{"@odata.context": "https://graph.microsoft.com/beta/$metadata#microsoft.graph.stringKeyStringValuePair", "key": pair["key"], "value": pair["value"]})
		reply(w, 200, string(b))
	})
	var srvURL string
	mux.HandleFunc("GET /beta/auditLogs/provisioning", func(w http.ResponseWriter, r *http.Request) {
		// The entry belongs to the job asked for (provctl refuses another
		// job's); the skiptoken carries it to the second page.
		job := docJob
		if m := regexp.MustCompile(`jobid eq '([^']+)'`).FindStringSubmatch(r.URL.Query().Get("$filter")); m != nil {
			job = m[1]
		}
		if r.URL.Query().Get("$skiptoken") == "" {
			reply(w, 200, `{"value":[],"@odata.nextLink":"`+srvURL+`/beta/auditLogs/provisioning?$skiptoken=`+neturl.QueryEscape(job)+`"}`)
			return
		}
		job = r.URL.Query().Get("$skiptoken")
		reply(w, 200, `{"value":[{"id":"l1","activityDateTime":"2020-06-26T13:58:24Z","changeId":"c9","jobId":"`+job+`","durationInMilliseconds":1200,"provisioningAction":"create","provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"ContosoEntryConflict","reason":"HTTP status code 409","errorCategory":"nonServiceFailure"}},"provisioningSteps":[{"name":"EntryImportAdd","provisioningStepType":"import","status":"success"},{"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"conflict"}],"servicePrincipal":{"id":"`+docSP+`","displayName":"Box"},"sourceIdentity":{"id":"u1","displayName":"Adele","identityType":"User","details":{}}}]}`)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	srvURL = srv.URL
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv.URL, caFile
}

func runProvctl(t *testing.T, env map[string]string, args ...string) (string, int) {
	t.Helper()
	streams, out, errOut := output.Test()
	root := cmd.NewCmdRoot(&cmd.Factory{Streams: streams, Getenv: func(k string) string { return env[k] }})
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	code := cmd.ExitCodeOf(err)
	if err != nil && code == cmd.ExitError {
		t.Logf("stderr: %s error: %v", errOut, err)
	}
	return out.String(), code
}

func TestDocumentedShapes(t *testing.T) {
	url, ca := newDocGraph(t)
	env := map[string]string{"PROVCTL_GRAPH_URL": url, "PROVCTL_CA_FILE": ca, "PROVCTL_ACCESS_TOKEN": "doc-token", "PROVCTL_CONFIG_DIR": t.TempDir()}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"apply: quarantine with empty-string times", []string{"provision", "poll", "--sp", docSP, "--job", docJob, "-o", "json"}, 3,
			[]string{`"state": "failure"`, `"code": "SalesforceInvalidCredentials"`, `"source": "apply"`, `"endedAt": null`}},
		{"run: doc example 1 (skipped)", []string{"provision", "run", "--sp", docSP, "--job", docJob, "--user", "11111111-1111-1111-1111-111111111111", "-o", "json"}, 6,
			[]string{`"state": "skipped"`, `"code": "RedundantExport"`, `"displayName": "BillBob@contoso.com"`, `"type": "export"`, `"status": "skipped"`}},
		{"run: doc example 2 (cloud sync, success)", []string{"provision", "run", "--sp", docSP, "--job", docJob, "--user", "22222222-2222-2222-2222-222222222222", "-o", "json"}, 0,
			[]string{`"state": "success"`, `"action": "update"`, `"SourceAnchor": "{\"a\":\"b\"}"`}},
		{"run: type-name key, array value (failure)", []string{"provision", "run", "--sp", docSP, "--job", docJob, "--user", "33333333-3333-3333-3333-333333333333", "-o", "json"}, 3,
			[]string{`"state": "failure"`, `"message": "HTTP 409 conflict"`}},
		{"poll: logs fallback across an empty first page", []string{"provision", "poll", "--sp", docSP, "--job", "BoxOutDelta.ffffffffffffffffffffffffffffffff.00000000-0000-0000-0000-000000000000", "-o", "json"}, 3,
			[]string{`"source": "provisioningLogs"`, `"code": "ContosoEntryConflict"`, `"changeId": "c9"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runProvctl(t, env, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, want := range tt.contains {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %s:\n%s", want, out)
				}
			}
			if !json.Valid(bytes.TrimSpace([]byte(out))) {
				t.Errorf("not one JSON document:\n%s", out)
			}
		})
	}
}
