package main

import (
	"slices"
	"strings"
)

// The matrix of TestNoSecretInAnyOutput: sign-in modes, commands and the
// emulator faults each round runs under.

// signInMode is one way of signing in, as the environment selects it
// (docs/auth.md).
type signInMode struct {
	name string
	env  func(emu map[string]string, fedFile string) map[string]string
}

var signInModes = []signInMode{
	{"device-code", func(map[string]string, string) map[string]string { return nil }},
	{"static", func(emu map[string]string, _ string) map[string]string {
		return map[string]string{"PROVCTL_ACCESS_TOKEN": emu["PROVCTL_EMULATOR_TOKEN"]}
	}},
	{"secret", func(emu map[string]string, _ string) map[string]string {
		return map[string]string{"PROVCTL_CLIENT_ID": emu["PROVCTL_EMULATOR_CLIENT_ID"], "PROVCTL_CLIENT_SECRET": emu["PROVCTL_EMULATOR_CLIENT_SECRET"]}
	}},
	{"certificate", func(emu map[string]string, _ string) map[string]string {
		return map[string]string{"PROVCTL_CLIENT_ID": emu["PROVCTL_EMULATOR_CLIENT_ID"], "PROVCTL_CLIENT_CERTIFICATE": emu["PROVCTL_EMULATOR_CLIENT_CERTIFICATE"]}
	}},
	{"federated", func(emu map[string]string, fedFile string) map[string]string {
		return map[string]string{"AZURE_FEDERATED_TOKEN_FILE": fedFile, "AZURE_CLIENT_ID": emu["PROVCTL_EMULATOR_CLIENT_ID"], "AZURE_TENANT_ID": emu["PROVCTL_TENANT"]}
	}},
	{"managed-identity", func(emu map[string]string, _ string) map[string]string {
		return map[string]string{"PROVCTL_MANAGED_IDENTITY": "system",
			"IDENTITY_ENDPOINT": emu["PROVCTL_EMULATOR_IDENTITY_ENDPOINT"], "IDENTITY_HEADER": emu["PROVCTL_EMULATOR_IDENTITY_HEADER"]}
	}},
}

// secretCommands is every command that signs in or talks to Graph.
// printsToken marks the one whose stdout is an access token by design.
var secretCommands = []struct {
	args        []string
	printsToken bool
}{
	{[]string{"login", "--timeout", "15s"}, false},
	{[]string{"auth", "status"}, false},
	{[]string{"auth", "token"}, true},
	{[]string{"sp", "list"}, false},
	{[]string{"job", "list", "--sp", "Box"}, false},
	{[]string{"job", "show", "--sp", "Box", "--job", "BoxOutDelta"}, false},
	{[]string{"job", "rules", "--sp", "Box", "--job", "BoxOutDelta"}, false},
	{[]string{"provision", "poll", "--sp", "Box", "--job", "BoxOutDelta"}, false},
	{[]string{"provision", "run", "--sp", "Box", "--job", "BoxOutDelta", "--rule", "ea807875-5618-4f0a-9125-0b46a05298ca", "--user", "adele@contoso.test"}, false},
	{[]string{"provision", "logs", "--sp", "Box"}, false},
	{[]string{"provision", "logs", "--sp", "Box", "--summary"}, false},
	{[]string{"doctor", "--sp", "Box"}, false},
	{[]string{"job", "start", "--sp", "Box", "--job", "BoxOutDelta"}, false},
}

// commandName is a command's words before its flags: "job show".
func commandName(args []string) string {
	var words []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// echoRound is one fault set (POST /_emulator/faults) and the commands run
// under it.
type echoRound struct {
	name, faults string
	// commands limits the round to these commands (nil: all of them), where
	// the others would only repeat the same request and the same failure.
	commands []string
	// signInOnly runs the static mode's login only: its other commands
	// never reach the token endpoint.
	signInOnly bool
}

func (r echoRound) runs(m signInMode, args []string) bool {
	if r.signInOnly && m.name == "static" && commandName(args) != "login" {
		return false
	}
	return r.commands == nil || slices.Contains(r.commands, commandName(args))
}

// echoRounds:
//   - graph-echo-deep, every command: Graph answers the first calls (service
//     principal, job list, user lookup) and echoes the bearer token and the
//     body (400) on the calls each command makes next: provisionOnDemand and
//     start (POST), the job, its schema, the apply. resource, the logs;
//   - graph-echo-401: every Graph call echoes with 401, which also makes
//     provctl refresh its token and retry. Every command fails at its first
//     call, so a few stand for all, with the ones deep does not echo;
//   - token-echo: the token endpoint echoes the whole posted form (refresh
//     token, client secret, assertion, device code). Every Graph command
//     fails at its first sign-in, so a few stand for all.
var echoRounds = []echoRound{
	{name: "graph-echo-deep", faults: `[{"method":"POST","path":"/beta/","echo":true,"count":-1},
		{"path":"/auditLogs/","echo":true,"count":-1},
		{"path":"/jobs/apply.","echo":true,"count":-1},
		{"path":"/schema","echo":true,"count":-1},
		{"path":"/jobs/BoxOutDelta.","echo":true,"count":-1}]`},
	{name: "graph-echo-401", faults: `{"path":"/beta/","echo":true,"status":401,"count":-1}`,
		commands: []string{"auth status", "sp list", "job list", "provision run"}},
	{name: "token-echo", faults: `{"path":"/oauth2/v2.0/token","echo":true,"count":-1}`,
		commands: []string{"login", "auth status", "auth token", "sp list", "provision run"}, signInOnly: true},
}
