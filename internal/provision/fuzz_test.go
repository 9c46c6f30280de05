package provision

import (
	"encoding/json"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// FuzzOutcomeMapping feeds arbitrary Graph answers through decoding and
// mapping: no panic, a valid state, and JSON that always encodes.
func FuzzOutcomeMapping(f *testing.F) {
	f.Add(`{"status":{}}`, example1Key, example1Value, `{"provisioningStatusInfo":{"status":"failure"}}`)
	f.Add(`{"status":{"code":"Quarantine","quarantine":{"reason":"","currentBegan":""}}}`, `Type.Name`, `[{"provisioningSteps":[{"status":"Failure"}]}]`, `{}`)
	f.Add(`{"status":{"lastExecution":{"state":"Succeeded","timeEnded":"x","error":{"code":"RedundantExport"}}}}`, `{"result":"Skipped"}`, `{}`, `{"provisioningSteps":[{"status":"skipped"}]}`)
	f.Add(`{}`, `{"result":"Failure","details":{}}`, `[{"provisioningSteps":[{"status":"Failure","details":{"ErrorCode":"EntryConflict"}}]}]`,
		`{"action":"Create","statusInfo":{"@odata.type":"#microsoft.graph.statusDetails","status":"failure","errorCode":"BoxEntryConflict"}}`)
	f.Add(`{}`, `{}`, `{}`, `{"provisioningStatusInfo":{"status":"skipped","errorInformation":null},"provisioningSteps":[{"status":"skipped","details":{"SkipReason":"RedundantExport"}}],"sourceIdentity":{"identityType":"user","details":{"UserPrincipalName":"a@b"}}}`)
	valid := map[State]bool{StatePending: true, StateSuccess: true, StateWarning: true, StateSkipped: true, StateFailure: true}
	f.Fuzz(func(t *testing.T, apply, key, value, logEntry string) {
		var res graph.ApplyResource
		if json.Unmarshal([]byte(apply), &res) == nil {
			check(t, valid, FromApply("sp", "job", &res))
		}
		if ans, err := graph.DecodeOnDemand(graph.StringKeyStringValuePair{Key: key, Value: value}); err == nil {
			check(t, valid, FromOnDemand("sp", "job", ans, json.RawMessage(`{}`)))
		}
		var e graph.ProvisioningObjectSummary
		if json.Unmarshal([]byte(logEntry), &e) == nil {
			check(t, valid, FromLog("sp", &e, json.RawMessage(`{}`)))
		}
	})
}

func check(t *testing.T, valid map[State]bool, o *Outcome) {
	t.Helper()
	if !valid[o.State] {
		t.Fatalf("state %q is not one of the five", o.State)
	}
	if _, err := json.Marshal(o); err != nil {
		t.Fatalf("outcome does not encode: %v", err)
	}
}
