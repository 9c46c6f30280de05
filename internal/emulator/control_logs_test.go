package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/emulator/odata"
)

func TestPlantLogs(t *testing.T) {
	h := start(t, Options{Profile: ProfileReal}) // planted entries skip the lag
	r := h.call("POST", "/_emulator/logs", []any{
		map[string]any{"jobId": boxJob, "subjectId": meganID, "status": "failure", "errorCode": "X", "activityOffsetSeconds": 60},
		map[string]any{"jobId": boxJob, "subjectId": adeleID, "activityOffsetSeconds": -3 * 24 * 3600},
		map[string]any{"jobId": slackJob, "subjectId": "0aaaaaaa-0000-0000-0000-000000000000", "subjectName": "zed@fabrikam.test", "status": "skipped"},
	})
	wantStatus(t, r, http.StatusOK)
	var planted []map[string]any
	if err := json.Unmarshal(r.raw, &planted); err != nil || len(planted) != 3 {
		t.Fatalf("answer = %s", r.raw)
	}
	for _, e := range planted {
		if keys(e) != logFields || !odata.IsGUID(e["id"].(string)) || !odata.IsGUID(e["changeId"].(string)) {
			t.Errorf("planted entry = %v", e)
		}
	}

	all := get(h.graph("GET", logsQuery("jobId eq '"+boxJob+"'"), nil).body, "value").([]any)
	newest, oldest := all[0], all[len(all)-1]
	if get(newest, "id") != planted[0]["id"] || get(oldest, "id") != planted[1]["id"] {
		t.Fatalf("newest %v, oldest %v", get(newest, "id"), get(oldest, "id"))
	}
	at, _ := time.Parse(time.RFC3339, get(newest, "activityDateTime").(string))
	if d := time.Until(at); d < 50*time.Second || d > 70*time.Second {
		t.Errorf("activityDateTime %v is not a minute ahead", at)
	}
	if get(newest, "provisioningStatusInfo", "status") != "failure" || get(newest, "provisioningStatusInfo", "errorInformation", "errorCode") != "X" ||
		get(newest, "sourceIdentity", "displayName") != "megan@contoso.test" || get(newest, "sourceIdentity", "details", "DisplayName") != "Megan Bowen" ||
		get(newest, "provisioningAction") != "create" {
		t.Errorf("planted failure = %v", newest)
	}
	if get(oldest, "provisioningStatusInfo", "status") != "success" || get(oldest, "sourceIdentity", "id") != adeleID {
		t.Errorf("planted success = %v", oldest)
	}

	skipped := h.newestLog(t, "sourceIdentity/id eq '0aaaaaaa-0000-0000-0000-000000000000'")
	if get(skipped, "provisioningStatusInfo", "errorInformation") != nil || get(stepOfType(skipped, "export"), "details", "SkipReason") != "RedundantExport" ||
		get(skipped, "provisioningAction") != "other" || get(skipped, "sourceIdentity", "displayName") != "zed@fabrikam.test" {
		t.Errorf("planted skip = %v", skipped)
	}

	for _, bad := range []any{
		map[string]any{"jobId": "nope", "subjectId": adeleID},
		map[string]any{"jobId": boxJob},
		map[string]any{"jobId": boxJob, "subjectId": adeleID, "status": "fine"},
		map[string]any{"jobId": boxJob, "subjectId": adeleID, "action": "explode"},
		map[string]any{"jobId": boxJob, "subjectId": adeleID, "subjectType": "Device"},
		map[string]any{"jobId": boxJob, "subjectId": adeleID, "colour": "red"},
	} {
		wantStatus(t, h.call("POST", "/_emulator/logs", bad), http.StatusBadRequest)
	}
}
