package tenant

import "time"

// seedLogs writes a plausible history consistent with the seeded state:
// out-of-scope skips for unassigned users, the failures of failing jobs, the
// creation and later no-op syncs of already provisioned users, and the
// creation of groups for jobs with a group rule. Users and groups marked
// noHistory (created since the last cycle) have none.
func seedLogs(d *Directory, start time.Time) []logRecord {
	var logs []logRecord
	// The entries one job wrote at one time belong to one provisioning
	// cycle: they share its cycleId, as a real cycle's entries do.
	cycles := map[string]string{}
	add := func(r *Result) {
		e := r.logEntry(d.tenant.TenantID, provisioningService)
		key := r.job.def.ID + "@" + r.start.UTC().Format(time.RFC3339)
		if cycles[key] == "" {
			cycles[key] = newGUID()
		}
		e["cycleId"] = cycles[key]
		logs = append(logs, logRecord{entry: e, at: r.start})
	}
	for _, sp := range d.sps {
		if len(sp.def.Assignments) == 0 {
			continue
		}
		for _, j := range sp.jobs {
			if j.answerKind() == cloudSyncAnswer {
				continue // AD users are scoped by OU, not by assignment: no history
			}
			for _, u := range d.users {
				switch {
				case u.NoHistory:
				case !sp.assigned(u.ID):
					add(userResult(j, u, userOutOfScope, "", start.Add(-4*time.Hour)))
				case j.def.Outcome == "failure":
					add(userResult(j, u, userFailed, "", start.Add(-2*time.Hour)))
				case j.inTarget[u.ID] != "":
					add(userResult(j, u, userCreated, j.inTarget[u.ID], start.Add(-26*time.Hour)))
					add(userResult(j, u, userRedundant, j.inTarget[u.ID], start.Add(-90*time.Minute)))
				}
			}
			if j.def.Outcome != "failure" && j.hasRule("Group") {
				for _, grp := range d.groups {
					if grp.NoHistory {
						continue
					}
					id := newGUID()
					j.groupsInTarget[grp.ID] = id
					add(groupResult(j, grp, true, id, grp.Members, start.Add(-3*time.Hour)))
				}
			}
		}
	}
	return logs
}

func (j *JobState) hasRule(objectType string) bool {
	for _, r := range j.def.Rules {
		if r.ObjectType == objectType {
			return true
		}
	}
	return false
}
