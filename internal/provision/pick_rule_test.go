package provision

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/provctl/provctl/internal/graph"
)

// rulesFrom decodes synchronizationRules as Graph sends them.
func rulesFrom(t *testing.T, body string) []Rule {
	t.Helper()
	var s graph.Schema
	if err := json.Unmarshal([]byte(`{"synchronizationRules":`+body+`}`), &s); err != nil {
		t.Fatal(err)
	}
	return s.SynchronizationRules
}

func TestPickRule(t *testing.T) {
	const (
		userWithID  = `{"id":"u-1","name":"USER_TO_USER","objectMappings":[{"sourceObjectName":"User","targetObjectName":"User"}]}`
		user2WithID = `{"id":"u-2#V2","name":"USER_TO_USER_2","objectMappings":[{"sourceObjectName":"user"}]}`
		userNoID    = `{"name":"USER_TO_USER","objectMappings":[{"sourceObjectName":"User","targetObjectName":"User"}]}`
		groupWithID = `{"id":"g-1","name":"GROUP_TO_GROUP","objectMappings":[{"sourceObjectName":"Group"}]}`
		groupNoID   = `{"name":"GROUP_TO_GROUP","objectMappings":[{"sourceObjectName":"Group"}]}`
		emptyID     = `{"id":"","name":"USER_TO_USER","objectMappings":[{"sourceObjectName":"User"}]}`
	)
	tests := []struct {
		name, rules, objectType string
		wantID                  string
		wantErr                 string // a part of the message; "" means success
		wantUsage               bool
	}{
		{"one matching rule", "[" + userWithID + "," + groupWithID + "]", "User", "u-1", "", false},
		{"id-less rule is skipped for one with an id", "[" + userNoID + "," + user2WithID + "]", "User", "u-2#V2", "", false},
		{"only an id-less rule fits", "[" + userNoID + "," + groupWithID + "]", "User", "", `"USER_TO_USER" (rule 1), has no id`, true},
		{"empty id counts as none", "[" + groupWithID + "," + emptyID + "]", "User", "", "(rule 2)", true},
		{"the single rule has no id", "[" + `{"name":"ONLY"}` + "]", "User", "", "--rule", true},
		{"a single rule that maps nothing is the only choice", "[" + `{"id":"r-1","name":"ONLY"}` + "]", "User", "r-1", "", false},
		{"a single rule that maps another type is refused", "[" + groupWithID + "]", "User", "", "no synchronization rule", false},
		{"a single id-less rule of another type is refused", "[" + groupNoID + "]", "User", "", "no synchronization rule", false},
		{"two rules with ids are ambiguous", "[" + userWithID + "," + user2WithID + "," + userNoID + "]", "User", "", "ambiguous", false},
		{"nothing maps the type", "[" + userWithID + "," + user2WithID + "]", "Group", "", "no synchronization rule", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := PickRule(rulesFrom(t, tt.rules), tt.objectType)
			if tt.wantErr == "" {
				if err != nil || id != tt.wantID {
					t.Fatalf("PickRule = %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			if err == nil || id != "" || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("PickRule = %q, %v; want an error with %q", id, err, tt.wantErr)
			}
			if tt.wantUsage {
				var ue *UsageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--rule") {
					t.Errorf("want a usage error naming --rule: %v", err)
				}
			}
		})
	}
}

func TestRuleLabel(t *testing.T) {
	rules := rulesFrom(t, `[{"name":"USER_TO_USER"},{"name":""}]`)
	if got := RuleLabel(rules[0], 0); got != `"USER_TO_USER" (rule 1)` {
		t.Errorf("got %s", got)
	}
	if got := RuleLabel(rules[1], 1); got != `"unnamed" (rule 2)` {
		t.Errorf("got %s", got)
	}
}
