package tenant

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// builtinTenant is the default seed. It is also the reference example of the
// tenant-file format (see File and docs/emulator.md).
//
//go:embed tenant.json
var builtinTenant []byte

// File is the JSON format of Options.TenantFile: the seed that replaces
// the built-in tenant. Unknown fields are rejected so typos surface. Example
// (the built-in tenant is internal/emulator/tenant/tenant.json):
//
//	{
//	  "tenantId": "6a2de586-6d0e-4e39-a06f-39c6893e0873",
//	  "displayName": "Contoso",
//	  "domain": "contoso.test",
//	  "users": [{"id": "…", "userPrincipalName": "adele@contoso.test", "displayName": "Adele Vance"}],
//	  "groups": [{"id": "…", "displayName": "Sales", "members": ["<user or group id>"]}],
//	  "application": {"clientId": "…", "displayName": "…", "clientSecret": "",
//	    "federatedCredentials": [{"issuer": "https://token.actions.githubusercontent.com",
//	      "subject": "repo:contoso/provisioning:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]}]},
//	  "publicClients": ["14d82eec-204b-4c2f-b7e8-296a70dab67e"],
//	  "servicePrincipals": [{"id": "…", "appId": "…", "displayName": "Box", "assignments": ["<user or group id>"],
//	    "jobs": [{"id": "BoxOutDelta.…", "templateId": "BoxOutDelta", "state": "Active", "outcome": "success",
//	      "pendingPolls": 1, "rules": [{"id": "…", "name": "USER_TO_USER", "objectType": "User"}]}]}],
//	  "managedIdentities": [{"clientId": "…", "principalId": "…", "displayName": "…", "userAssigned": false}]
//	}
type File struct {
	TenantID          string             `json:"tenantId"`
	DisplayName       string             `json:"displayName"`
	Domain            string             `json:"domain"`
	Users             []User             `json:"users"`
	Groups            []Group            `json:"groups"`
	Application       Application        `json:"application"`
	PublicClients     []string           `json:"publicClients"`
	ServicePrincipals []ServicePrincipal `json:"servicePrincipals"`
	ManagedIdentities []ManagedIdentity  `json:"managedIdentities,omitempty"`
}

// User is a user of the tenant.
type User struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	GivenName         string `json:"givenName,omitempty"`
	Surname           string `json:"surname,omitempty"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Mail              string `json:"mail,omitempty"`
	// OnPremisesDistinguishedName makes the user an AD user too: Cloud Sync
	// jobs (template AD2AADProvisioning) take this DN as the subject.
	OnPremisesDistinguishedName string `json:"onPremisesDistinguishedName,omitempty"`
	// NoHistory leaves the user out of the generated provisioning-log
	// history: an object created since the last provisioning cycle.
	NoHistory bool `json:"noHistory,omitempty"`
}

// Group is a security group; Members holds the object ids of its direct
// members, users or other groups (nested groups).
type Group struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Description string   `json:"description,omitempty"`
	MailNick    string   `json:"mailNickname,omitempty"`
	Members     []string `json:"members"`
	// NoHistory leaves the group out of the generated provisioning-log
	// history (it was never provisioned to any target).
	NoHistory bool `json:"noHistory,omitempty"`
}

// Application is the app registration used for app-only sign-in.
// An empty ClientSecret gets a random one per start. Roles defaults to every
// application permission the emulator checks.
type Application struct {
	ClientID             string                `json:"clientId"`
	DisplayName          string                `json:"displayName"`
	ClientSecret         string                `json:"clientSecret,omitempty"`
	Roles                []string              `json:"roles,omitempty"`
	FederatedCredentials []FederatedCredential `json:"federatedCredentials,omitempty"`
}

// FederatedCredential trusts tokens from an external issuer for a subject
// (workload identity federation).
type FederatedCredential struct {
	Name      string   `json:"name,omitempty"`
	Issuer    string   `json:"issuer"`
	Subject   string   `json:"subject"`
	Audiences []string `json:"audiences"`
}

// ServicePrincipal is a service principal; Assignments holds the ids of
// the users and groups assigned to it (appRoleAssignedTo, with the default
// access role), Jobs its synchronization jobs. A user is in the provisioning
// scope when assigned directly or as a direct member of an assigned group:
// like Entra ID, assignment does not cascade to nested groups.
type ServicePrincipal struct {
	ID          string   `json:"id"`
	AppID       string   `json:"appId"`
	DisplayName string   `json:"displayName"`
	Assignments []string `json:"assignments,omitempty"`
	Jobs        []Job    `json:"jobs,omitempty"`
}

// Job is a synchronization job and how it behaves.
//
// State is the job's status code: Active, Paused, Quarantine or NotRun.
// The template decides the answer's shape (answer_kind.go): Azure2Azure
// answers like cross-tenant synchronization, AD2AADProvisioning like Cloud
// Sync (subjects are AD distinguished names).
// Outcome is what an on-demand run does for an assigned user: "success"
// (created the first time, RedundantExport after), "skipped" (always
// RedundantExport) or "failure" (fails at export with Error).
// PendingPolls is how many polls of the apply. resource stay pending at start.
// Provisioned lists user ids that already exist in the target system.
type Job struct {
	ID           string   `json:"id"`
	TemplateID   string   `json:"templateId"`
	TargetSystem string   `json:"targetSystem,omitempty"`
	State        string   `json:"state"`
	Outcome      string   `json:"outcome"`
	Error        *Error   `json:"error,omitempty"`
	PendingPolls int      `json:"pendingPolls,omitempty"`
	Provisioned  []string `json:"provisioned,omitempty"`
	Rules        []Rule   `json:"rules"`
}

// Error is a synchronization error.
type Error struct {
	Code             string `json:"code"`
	Message          string `json:"message"`
	TenantActionable bool   `json:"tenantActionable"`
}

// Rule is a synchronization rule of the job schema; ObjectType is the
// source object it maps ("User" or "Group"). A rule without ID is rendered
// like the legacy rules real tenants return: no id, editable, priority or
// enabled; provisionOnDemand cannot name it.
type Rule struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ObjectType string `json:"objectType"`
}

// Load reads the tenant file at path, or the built-in tenant when path is empty.
func Load(path string) (*File, error) {
	data := builtinTenant
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read tenant file: %w", err)
		}
	}
	var t File
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("parse tenant file %s: %w", nameOr(path, "(built-in)"), err)
	}
	if err := t.validate(); err != nil {
		return nil, fmt.Errorf("tenant file %s: %w", nameOr(path, "(built-in)"), err)
	}
	return &t, nil
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var (
	validJobStates   = map[string]bool{"Active": true, "Paused": true, "Quarantine": true, "NotRun": true}
	validJobOutcomes = map[string]bool{"success": true, "skipped": true, "failure": true}
)

// IsJobOutcome reports whether s is an outcome a job can be seeded or steered
// with: success, skipped or failure.
func IsJobOutcome(s string) bool { return validJobOutcomes[s] }

// validate checks references and enumerations so a bad seed fails at start
// rather than as a confusing answer later.
func (t *File) validate() error {
	var errs []error
	if t.TenantID == "" || t.Domain == "" {
		errs = append(errs, errors.New("tenantId and domain are required"))
	}
	if len(t.Users) == 0 {
		errs = append(errs, errors.New("at least one user is needed (device codes sign in as the first)"))
	}
	users, groups := map[string]bool{}, map[string]bool{}
	for _, u := range t.Users {
		if u.ID == "" || u.UserPrincipalName == "" {
			errs = append(errs, errors.New("every user needs id and userPrincipalName"))
		}
		if users[strings.ToLower(u.ID)] {
			errs = append(errs, fmt.Errorf("user id %s is used twice", u.ID))
		}
		users[strings.ToLower(u.ID)] = true
	}
	for _, g := range t.Groups {
		if g.ID == "" {
			errs = append(errs, fmt.Errorf("group %q needs an id", g.DisplayName))
		}
		if users[strings.ToLower(g.ID)] || groups[strings.ToLower(g.ID)] {
			errs = append(errs, fmt.Errorf("group id %s is used twice", g.ID))
		}
		groups[strings.ToLower(g.ID)] = true
	}
	for _, g := range t.Groups {
		for _, m := range g.Members {
			switch {
			case strings.EqualFold(m, g.ID):
				errs = append(errs, fmt.Errorf("group %s: a group cannot be a member of itself", g.DisplayName))
			case !users[strings.ToLower(m)] && !groups[strings.ToLower(m)]:
				errs = append(errs, fmt.Errorf("group %s: unknown member %s (not a user or group id)", g.DisplayName, m))
			}
		}
	}
	if t.Application.ClientID == "" {
		errs = append(errs, errors.New("application.clientId is required"))
	}
	for _, sp := range t.ServicePrincipals {
		if sp.ID == "" || sp.AppID == "" {
			errs = append(errs, fmt.Errorf("service principal %q needs id and appId", sp.DisplayName))
		}
		for _, a := range sp.Assignments {
			if !users[strings.ToLower(a)] && !groups[strings.ToLower(a)] {
				errs = append(errs, fmt.Errorf("service principal %s: unknown assignment %s (not a user or group id)", sp.DisplayName, a))
			}
		}
		for _, j := range sp.Jobs {
			if j.ID == "" || j.TemplateID == "" {
				errs = append(errs, fmt.Errorf("service principal %s: every job needs id and templateId", sp.DisplayName))
			}
			if !validJobStates[j.State] {
				errs = append(errs, fmt.Errorf("job %s: state %q is not one of Active, Paused, Quarantine, NotRun", j.ID, j.State))
			}
			if !validJobOutcomes[j.Outcome] {
				errs = append(errs, fmt.Errorf("job %s: outcome %q is not one of success, skipped, failure", j.ID, j.Outcome))
			}
			if (j.Outcome == "failure" || j.State == "Quarantine") && j.Error == nil {
				errs = append(errs, fmt.Errorf("job %s: a failing or quarantined job needs an error", j.ID))
			}
			for _, r := range j.Rules {
				if r.ObjectType != "User" && r.ObjectType != "Group" {
					errs = append(errs, fmt.Errorf("job %s rule %s: objectType must be User or Group", j.ID, r.ID))
				}
			}
		}
	}
	errs = append(errs, validateManagedIdentities(t.ManagedIdentities)...)
	return errors.Join(errs...)
}
