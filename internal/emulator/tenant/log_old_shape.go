package tenant

import (
	"strings"
)

// Log shapes of GET /auditLogs/provisioning (POST /_emulator/config logShape).
const (
	LogShapeCurrent = "current" // provisioningAction, provisioningStatusInfo
	LogShapeOld     = "old"     // the deprecated beta action, statusInfo, which some paths still send
)

// oldShapeEntry renders a current entry with the deprecated names: action
// (capitalised) and statusInfo (a statusDetails) instead of
// provisioningAction and provisioningStatusInfo.
func oldShapeEntry(e map[string]any) map[string]any {
	out := make(map[string]any, len(e))
	for k, v := range e {
		if k != "provisioningAction" && k != "provisioningStatusInfo" {
			out[k] = v
		}
	}
	action, _ := e["provisioningAction"].(string)
	out["action"] = capitalize(action)
	st, _ := e["provisioningStatusInfo"].(map[string]any)
	info, _ := st["errorInformation"].(map[string]any)
	out["statusInfo"] = map[string]any{
		"@odata.type":       "#microsoft.graph.statusDetails",
		"status":            st["status"],
		"errorCode":         info["errorCode"],
		"reason":            info["reason"],
		"errorCategory":     info["errorCategory"],
		"recommendedAction": info["recommendedAction"],
		"additionalDetails": info["additionalDetails"],
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
