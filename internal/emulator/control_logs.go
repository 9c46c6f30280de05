package emulator

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// controlPlantLogs appends one entry (an object) or several (an array) to
// the provisioning logs, visible at once, and answers the entries rendered.
func (s *Server) controlPlantLogs(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if !decodeControl(w, r, &raw, false) {
		return
	}
	var list []tenant.PlantedLog
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		if err := strictUnmarshal(raw, &list); err != nil {
			controlError(w, http.StatusBadRequest, "invalid log list: "+err.Error())
			return
		}
	} else {
		var p tenant.PlantedLog
		if err := strictUnmarshal(raw, &p); err != nil {
			controlError(w, http.StatusBadRequest, "invalid log entry: "+err.Error())
			return
		}
		list = append(list, p)
	}
	entries, err := s.dir.PlantLogs(list, s.clock.now())
	if err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, "application/json", entries)
}
