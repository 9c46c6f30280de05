package emulator

import (
	"net/http"
	"testing"
)

const (
	hrScimJob  = "scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.9c1e3a5b-7d9f-4b1d-8e3a-5c7e9b1d3f5a"
	hrScimRule = "a3c5e7f9-1b3d-4a5c-9e7f-1b3d5f7a9c1e"
)

func TestSchemaHasALegacyRuleWithoutID(t *testing.T) {
	h := start(t, Options{})
	r := h.graph("GET", jobPath(hrSP, hrScimJob)+"/schema", nil)
	wantStatus(t, r, http.StatusOK)
	rules := get(r.body, "synchronizationRules").([]any)
	if len(rules) != 3 {
		t.Fatalf("%d rules", len(rules))
	}
	legacy := rules[1].(map[string]any)
	for _, k := range []string{"id", "editable", "priority"} {
		if _, ok := legacy[k]; ok {
			t.Errorf("legacy rule has %s", k)
		}
	}
	if _, ok := get(legacy, "objectMappings", 0).(map[string]any)["enabled"]; ok || legacy["name"] != "USER_TO_USER_LEGACY" {
		t.Errorf("legacy rule = %v", legacy)
	}
	if get(rules[0], "id") != hrScimRule || get(rules[0], "editable") != true {
		t.Errorf("first rule = %v", rules[0])
	}
	// The rules with ids still work on demand.
	a := h.provision(t, hrSP, hrScimJob, onDemandBody(hrScimRule, adeleID, "User"))
	if a.key["result"] != "Skipped" {
		t.Errorf("key = %v", a.key)
	}
}
