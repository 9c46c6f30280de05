package doctor

import (
	"strings"
)

// Need is what a group of commands needs from Graph: every one of AllOf,
// each satisfied by any of its permissions (delegated scope or application
// role), the first being the one to ask for. The table follows docs/graph.md
// and docs/auth.md.
type Need struct {
	What     string     // "read jobs and outcomes"
	Commands string     // the commands that need it
	AllOf    [][]string // each: any one of these
	// Essential: without it no command works, so its lack fails the
	// check; the others only warn (a read-only sign-in is a choice: `login
	// --scope Synchronization.Read.All`).
	Essential bool
}

// Needs are the permissions of provctl's commands.
var Needs = []Need{
	{What: "read jobs and outcomes", Commands: "job list, job show, job rules, provision poll", Essential: true,
		AllOf: [][]string{{"Synchronization.Read.All", "Synchronization.ReadWrite.All", "Application.ReadWrite.OwnedBy"}}},
	{What: "run and control provisioning", Commands: "provision run, job start, job pause, job restart",
		AllOf: [][]string{{"Synchronization.ReadWrite.All", "Application.ReadWrite.OwnedBy"}}},
	{What: "read provisioning logs", Commands: "provision logs, and run --wait or poll where the apply. resource is absent",
		AllOf: [][]string{{"AuditLog.Read.All"}, {"Directory.Read.All", "Directory.ReadWrite.All"}}},
	{What: "check assignments", Commands: "provision run --dry-run",
		AllOf: [][]string{{"Directory.Read.All", "Application.Read.All", "Application.ReadWrite.All", "Directory.ReadWrite.All"}}},
	{What: "expand groups", Commands: "provision run --members-of",
		AllOf: [][]string{{"Directory.Read.All", "GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"}}},
}

// PermissionResults checks the token's permissions against each need, one
// line per need. fix says how to get a token with the missing permissions
// (which it is given, in the order to ask for them).
func PermissionResults(c Claims, fix func(missing []string) string) []Result {
	held := map[string]bool{}
	for _, p := range c.Permissions() {
		// Scopes may be spelled with their resource (https://host/Name).
		if i := strings.LastIndex(p, "/"); i >= 0 {
			p = p[i+1:]
		}
		held[strings.ToLower(p)] = true
	}
	kind := "application permission (roles)"
	if c.Delegated {
		kind = "delegated permission (scp)"
	}
	var out []Result
	for _, n := range Needs {
		name := "permission to " + n.What
		var have, missing []string
		for _, anyOf := range n.AllOf {
			found := ""
			for _, p := range anyOf {
				if held[strings.ToLower(p)] {
					found = p
					break
				}
			}
			if found != "" {
				have = append(have, found)
			} else {
				missing = append(missing, anyOf[0])
			}
		}
		if len(missing) == 0 {
			out = append(out, Result{Check: name, Status: OK, Detail: strings.Join(have, " and ") + " (" + n.Commands + ")"})
			continue
		}
		status := Warning
		if n.Essential {
			status = Failed
		}
		out = append(out, Result{Check: name, Status: status,
			Detail: "the token lacks the " + kind + " " + strings.Join(missing, " and ") + ": Graph refuses (403) " + n.Commands,
			Fix:    fix(missing)})
	}
	return out
}
