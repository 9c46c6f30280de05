package emulator

import (
	"net/http"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// getSchema answers jobs/{id}/schema: the directories and the rules whose ids
// provisionOnDemand takes as ruleId.
func (g *graphReq) getSchema(j *tenant.JobState) {
	target := j.TargetName()
	rules := []any{}
	source := "Azure Active Directory"
	if j.IsCloudSync() {
		source = "Active Directory"
	}
	for i, r := range j.Def().Rules {
		mapping := objectMapping(r.ObjectType, source, target)
		rule := map[string]any{
			"id":                  r.ID,
			"name":                r.Name,
			"sourceDirectoryName": source,
			"targetDirectoryName": target,
			"editable":            true,
			"priority":            i + 1,
			"metadata":            []any{},
			"containerFilter":     map[string]any{"includedContainers": []string{}},
			"groupFilter":         map[string]any{"includedGroups": []string{}},
			"objectMappings":      []any{mapping},
		}
		if r.ID == "" {
			// Legacy rules come back from real tenants without these keys.
			delete(rule, "id")
			delete(rule, "editable")
			delete(rule, "priority")
			delete(mapping, "enabled")
		}
		rules = append(rules, rule)
	}
	g.json(http.StatusOK, map[string]any{
		"@odata.context": g.odataContext(g.jobsContext(j.SP()) + "('" + j.Def().ID + "')/schema/$entity"),
		"id":             j.Def().ID,
		"version":        "Date:2026-01-01T00:00:00Z;Tenant:" + g.s.dir.File().TenantID,
		"directories": []any{
			directoryDefinition(tenant.AADDirectoryID, "Azure Active Directory"),
			directoryDefinition(j.Def().ID, otherDirectory(source, target)),
		},
		"synchronizationRules": rules,
	})
}

// otherDirectory is the schema's non-Entra directory: the app, or AD.
func otherDirectory(source, target string) string {
	if source != "Azure Active Directory" {
		return source
	}
	return target
}

// objectMapping maps the rule's object type with a few attribute mappings.
func objectMapping(objectType, source, target string) map[string]any {
	attrs := []any{
		attributeMapping("userPrincipalName", "userName", 1),
		attributeMapping("displayName", "displayName", 0),
		attributeMapping("mail", "emails[type eq \"work\"].value", 0),
	}
	if objectType == "Group" {
		attrs = []any{attributeMapping("displayName", "displayName", 1), attributeMapping("members", "members", 0)}
	}
	return map[string]any{
		"enabled":           true,
		"flowTypes":         "Add, Update, Delete",
		"metadata":          []any{},
		"name":              "Provision " + otherDirectory(source, "Microsoft Entra ID") + " " + objectType + "s to " + target,
		"scope":             nil,
		"sourceObjectName":  objectType,
		"targetObjectName":  objectType,
		"attributeMappings": attrs,
	}
}

func attributeMapping(source, target string, matchingPriority int) map[string]any {
	return map[string]any{
		"defaultValue":            "",
		"exportMissingReferences": false,
		"flowBehavior":            "FlowWhenChanged",
		"flowType":                "Always",
		"matchingPriority":        matchingPriority,
		"source": map[string]any{
			"expression": "[" + source + "]", "name": source, "parameters": []any{}, "type": "Attribute",
		},
		"targetAttributeName": target,
	}
}

func directoryDefinition(id, name string) map[string]any {
	return map[string]any{
		"id":                id,
		"name":              name,
		"discoverabilities": "None",
		"discoveryDateTime": nil,
		"readOnly":          false,
		"version":           nil,
		"objects": []any{
			map[string]any{"name": "User", "attributes": []any{
				map[string]any{"name": "userPrincipalName", "type": "String", "required": true},
				map[string]any{"name": "displayName", "type": "String", "required": false},
			}},
			map[string]any{"name": "Group", "attributes": []any{
				map[string]any{"name": "displayName", "type": "String", "required": true},
				map[string]any{"name": "members", "type": "Reference", "required": false},
			}},
		},
	}
}
