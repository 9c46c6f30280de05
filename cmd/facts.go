package cmd

import (
	"fmt"
	"slices"
	"strings"
)

// This file is the one source of three facts users rely on: the exit codes,
// the environment variables and the files provctl keeps. `provctl help
// exit-codes`, `provctl help environment`, the ENVIRONMENT, EXIT STATUS and
// FILES sections of provctl(1) (man_sections.go), and the tables in
// docs/exit-codes.md, docs/configuration.md and README.md are all made from
// these tables (`make docs` rewrites the Markdown and the man pages; `make
// docs-check` and the tests fail when they are stale).

// ExitCodeFact is one row of the exit-code contract.
type ExitCodeFact struct {
	Code  int    // one of the Exit* constants
	Name  string // one word: the docs' "meaning" column
	Cause string // the docs' "typical cause" column: the complete statement
	Short string // one line: `provctl help exit-codes` and README.md
}

var exitCodeFacts = []ExitCodeFact{
	{ExitOK, "success",
		"the outcome is `success` or `warning`, or the command did what it was asked",
		"success: the outcome is success (warnings allowed), or the command did what it was asked"},
	{ExitError, "error",
		"Graph answered an error after retries (the message includes `request-id`), the network failed, an unknown job or name, an unexpected answer (`null` or not a JSON object where one is expected; the message names the request, e.g. `GET /beta/servicePrincipals/…`), a redirect to another origin or to `http://` (refused, never followed), an `@odata.nextLink` that leads back to a page already read, a command without `--wait` that outlived `--command-timeout` (default 2m), a config folder that cannot be written or that others can write (the message names the folder and `chmod 700`), a config file that others can write or another user owns (the message names the file and `chmod 600`)",
		"error: Graph, network or unexpected failure after retries (the message includes Graph's request-id)"},
	{ExitUsage, "usage",
		"invalid flags, arguments or ids (`--job ../../users`), an ambiguous name (the candidates are listed), `restart` without `--yes` in a pipe, a setting that cannot work (a Graph URL over `http://` or with port 99999, a `PROVCTL_ACCESS_TOKEN` with a line break; the message names the variable, flag or config key it came from); nothing was sent",
		"usage: invalid flags, arguments or ids; nothing was sent"},
	{ExitFailed, "failed",
		"the provisioning outcome is `failure`, or the job is in quarantine (`job show` too)",
		"failed: the provisioning outcome is failure, or the job is in quarantine"},
	{ExitAuth, "authentication",
		"not signed in, the sign-in expired or was revoked, the token was refused (401), a permission or role is missing (403)",
		"authentication/authorization: not signed in, token refused, consent or role missing"},
	{ExitPending, "pending",
		"no final outcome yet (without `--wait`), or `--timeout` passed while waiting — `--timeout` bounds a `--wait` command as a whole, lookups and requests included (the last outcome read is still printed; a group's or several users' worst state decides when it is worse than pending)",
		"pending: no final outcome yet (without --wait), or --timeout passed while waiting"},
	{ExitSkipped, "skipped",
		"the final outcome is `skipped`: nothing changed in the target; the reason is printed (0 instead with `--skipped-ok` or `PROVCTL_SKIPPED_OK=true`, below)",
		"skipped: the final outcome is skipped (nothing changed in the target; the reason is printed)"},
	{ExitInterrupted, "interrupted",
		"Ctrl-C, SIGTERM or SIGHUP; caches and files are left consistent",
		"interrupted (Ctrl-C, SIGTERM or SIGHUP); caches and files are left consistent"},
}

// ExitCodeFacts returns the exit-code table, in code order.
func ExitCodeFacts() []ExitCodeFact { return slices.Clone(exitCodeFacts) }

// EnvVarFact is one row of the environment-variable table. A row may name
// several variables that work together.
type EnvVarFact struct {
	Names   []string
	Key     string // the config.yaml key, "" when the value is never read from the config file
	Meaning string // docs/configuration.md
	Short   string // `provctl help environment`
}

var envVarFacts = []EnvVarFact{
	{[]string{"PROVCTL_TENANT"}, "tenant",
		"tenant id or domain (default `organizations`)",
		"tenant id or domain (default organizations)"},
	{[]string{"PROVCTL_CLIENT_ID"}, "client-id",
		"app (client) id; default `14d82eec-204b-4c2f-b7e8-296a70dab67e` (Microsoft Graph Command Line Tools)",
		"app (client) id (default: Microsoft Graph Command Line Tools, 14d82eec-204b-4c2f-b7e8-296a70dab67e)"},
	{[]string{"PROVCTL_CLOUD"}, "cloud",
		"sets both hosts below",
		"global | usgov | usgovdod | china (sets both hosts below)"},
	{[]string{"PROVCTL_GRAPH_URL"}, "graph-url",
		"Graph root (https); the API version is appended",
		"Graph root, e.g. https://graph.microsoft.com"},
	{[]string{"PROVCTL_AUTHORITY_HOST"}, "authority-host",
		"sign-in root (https); the tenant is appended",
		"sign-in root, e.g. https://login.microsoftonline.com"},
	{[]string{"PROVCTL_API_VERSION"}, "api-version",
		"`beta` (default) or `v1.0`",
		"beta (default) or v1.0"},
	{[]string{"PROVCTL_CA_FILE"}, "ca-file",
		"extra PEM CA certificates to trust",
		"extra PEM CA certificates to trust (emulator, TLS-inspecting proxy)"},
	{[]string{"PROVCTL_OUTPUT"}, "output",
		"default output format",
		"default output format: table, json, jsonl or yaml"},
	{[]string{"PROVCTL_COMMAND_TIMEOUT"}, "command-timeout",
		"how long a command without `--wait` may take in all (default `2m`); then it exits 1 saying so. `--wait` commands are bounded by their `--timeout` instead, `login` by its own `--timeout`, and a `provision run` over a list by the time its pacing needs plus this (each request by this)",
		"give up on a command without --wait after this long (default 2m)"},
	{[]string{"PROVCTL_ON_DEMAND_RATE"}, "on-demand-rate",
		"provisionOnDemand requests per job, as `N/DURATION` (default `5/10s`, Graph's documented limit), shared by every provctl process of the user through a lock file in the config folder; set it only for an emulator started with `--rate-limit`",
		"provisionOnDemand budget per job shared by all runs (default 5/10s, Graph's limit)"},
	{[]string{"PROVCTL_RESOLVE_CACHE_TTL"}, "resolve-cache-ttl",
		"how long names resolved to ids (service principals, job templates) are remembered in `resolve-cache.json` in the config folder (default `24h`; `0` turns the cache off). `--refresh` resolves again for one command; a cached id Graph answers 404 for is resolved again at once",
		"remember resolved names for this long (default 24h; 0: off)"},
	{[]string{"PROVCTL_SKIPPED_OK"}, "skipped-ok",
		"`true` makes `provision poll` and `provision run` exit 0 instead of 6 when the (worst) outcome is skipped, as `--skipped-ok` does; the flag wins (`--skipped-ok=false`). `true` or `false`",
		"true: exit 0, not 6, when the outcome is skipped (poll, run), as --skipped-ok does"},
	{[]string{"PROVCTL_HEARTBEAT"}, "heartbeat",
		"how long a wait goes without a line on stderr before one says it still waits (default `30s`, from `1s` to `1h`): for `--wait` in a CI log (see `CI` below) and for a run over a list in any pipe",
		"in a CI log, a line on stderr this often while waiting (default 30s)"},
	{[]string{"GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "TF_BUILD", "GITLAB_CI", "CI"}, "",
		"set by a CI for its steps; provctl only reads them (docs/output.md, *CI logs*). With any of `CI`, `GITHUB_ACTIONS`, `GITLAB_CI` `true` or `TF_BUILD` `True`, waits write a heartbeat on stderr; under GitHub Actions `poll` and `run` also append their outcomes to `$GITHUB_STEP_SUMMARY` and write `::error`/`::warning` annotations on stderr, under Azure Pipelines `##vso[task.logissue]` lines",
		"set by CIs: heartbeat while waiting; GitHub Actions and Azure Pipelines also get the outcomes as annotations (and a step summary on GitHub)"},
	{[]string{"PROVCTL_ACCESS_TOKEN"}, "",
		"a bearer token used as is",
		"use this bearer token as is (no sign-in, no cache)"},
	{[]string{"PROVCTL_CLIENT_SECRET", "PROVCTL_CLIENT_CERTIFICATE", "PROVCTL_CLIENT_CERTIFICATE_PASSWORD"}, "",
		"app-only sign-in as the app registration `PROVCTL_CLIENT_ID` names, in a named tenant: with a client secret, or with a certificate file — PEM (certificate and unencrypted key) or PKCS#12 (`.pfx`, opened with the password)",
		"app-only sign-in with a secret, or a PEM or PKCS#12 file holding certificate and key (and its password)"},
	{[]string{"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_AUTHORITY_HOST"}, "",
		"azidentity's names, for app-only sign-in only: each stands for provctl's (client id, tenant, secret, certificate file and its password, authority host) when no flag or `PROVCTL_*` variable gives that value; they win over the config file. `provctl auth status` says which variable each value came from",
		"azidentity's names for app-only sign-in; flags and PROVCTL_* win over them"},
	{[]string{"AZURE_FEDERATED_TOKEN_FILE"}, "",
		"workload identity federation: a file holding the federated token (Kubernetes, Azure Pipelines, a CI step), read again at every sign-in",
		"workload identity federation: a file holding the federated token"},
	{[]string{"ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}, "",
		"set by GitHub Actions in a job with `permissions: id-token: write`. With a client id and a tenant (above), provctl asks GitHub for its OIDC token (audience `api://AzureADTokenExchange`) whenever it signs in, and signs in app-only with it: no secret. Chosen after `PROVCTL_ACCESS_TOKEN` and `AZURE_FEDERATED_TOKEN_FILE`, before a certificate or a secret",
		"set by GitHub Actions (id-token: write): with a client id and tenant, sign in with GitHub's OIDC token"},
	{[]string{"PROVCTL_MANAGED_IDENTITY"}, "managed-identity",
		"sign in as the managed identity of the Azure resource provctl runs on: `system` (the system-assigned identity) or the client id of a user-assigned one; used when no credential variable above is set. `provctl login --identity` writes it to the config file; `provctl logout` and a user's `provctl login` remove it. Tokens (app-only, in memory) come from `IDENTITY_ENDPOINT` or the instance metadata service",
		"sign in as this managed identity: system, or a user-assigned identity's client id"},
	{[]string{"IDENTITY_ENDPOINT", "IDENTITY_HEADER"}, "",
		"set by App Service, Azure Functions and Container Apps: where a managed identity gets its tokens. Both or neither (one alone is refused); without them the tokens come from the instance metadata service, 169.254.169.254",
		"the platform's managed identity endpoint and its secret (both or neither)"},
	{[]string{"BROWSER"}, "",
		"the browser `provctl login --browser` starts: commands separated by `:`, tried in turn, with `%s` standing for the URL (else it is appended); unset, the system's default browser. When none starts, the sign-in URL is printed on stderr",
		"browser command for login --browser (%s stands for the URL)"},
	{[]string{"PROVCTL_CONFIG_DIR"}, "",
		"config and cache folder",
		"config and token cache folder (default $XDG_CONFIG_HOME/provctl or ~/.config/provctl)"},
	{[]string{"NO_COLOR"}, "",
		"disable color, like `--no-color`",
		"disable color, like --no-color"},
	{[]string{"CLICOLOR_FORCE"}, "",
		"any value but `0` turns color on even when the output is not a terminal (`--no-color` still wins)",
		"color even in a pipe (any value but 0)"},
	{[]string{"TERM"}, "",
		"`dumb` turns color off",
		"dumb: no color"},
	{[]string{"HTTPS_PROXY", "NO_PROXY"}, "",
		"honoured",
		"honoured"},
}

// EnvVarFacts returns the environment-variable table.
func EnvVarFacts() []EnvVarFact {
	out := slices.Clone(envVarFacts)
	for i := range out {
		out[i].Names = slices.Clone(out[i].Names)
	}
	return out
}

// FileFact is one file or folder provctl keeps.
type FileFact struct {
	Path    string // in the config folder ("" is the folder itself), slash-separated
	Mode    string // as created, e.g. 0600
	Meaning string // Markdown
}

var fileFacts = []FileFact{
	{"", "0700",
		"the config folder: `$PROVCTL_CONFIG_DIR`, else `$XDG_CONFIG_HOME/provctl`, else `~/.config/provctl` on Linux and macOS, " +
			"`%USERPROFILE%\\.config\\provctl` on Windows (where modes do not apply). Created when first needed; the sign-in and the pacing kept in a folder " +
			"other users can write to are not used"},
	{"config.yaml", "0600",
		"the config file (`--config` names another): keys named like the flags, one for each variable that has a config key; `provctl config` shows and edits it; " +
			"provctl only reads it otherwise, except that `login --identity` and `logout` set and remove `managed-identity`. It is not read when others can write it or another user (but root) owns it, as ssh does with its config. Edits hold `config.yaml.lock` (0600)"},
	{"msal_token_cache.json", "0600",
		"the sign-in of `provctl login`: tokens, refresh token included, and `account.json` (0600), which account they belong to; " +
			"`provctl logout` removes both. `.lock` files beside it serialize processes. App-only and managed-identity tokens are never written"},
	{"resolve-cache.json", "0600",
		"names resolved to ids (service principals, job templates), per cloud and tenant, for `PROVCTL_RESOLVE_CACHE_TTL` (default 24h); " +
			"with `resolve-cache.json.lock`. Deleting it is always safe"},
	{"pacing/", "0700",
		"the provisionOnDemand budget that every provctl process of the user shares (`PROVCTL_ON_DEMAND_RATE`): one file (0600) and its lock per cloud and job, " +
			"named by a hash"},
}

// FileFacts returns the files table.
func FileFacts() []FileFact { return slices.Clone(fileFacts) }

// FilesMarkdown is the files table of docs/configuration.md.
func FilesMarkdown() string {
	var b strings.Builder
	b.WriteString("| file | mode | what |\n| --- | --- | --- |\n")
	for _, f := range fileFacts {
		path := "`<config dir>/" + f.Path + "`"
		if f.Path == "" {
			path = "`<config dir>`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", path, f.Mode, mdCell(f.Meaning))
	}
	return b.String()
}

// exitCodesHelp is the text of `provctl help exit-codes`.
func exitCodesHelp() string {
	var b strings.Builder
	b.WriteString("provctl's exit codes mean one thing each, so scripts can branch on them:\n\n")
	for i, f := range exitCodeFacts {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "  %-5d%s", f.Code, f.Short)
	}
	b.WriteString("\n\n" + strings.Join(wrapWords(skippedOKText(false), 78), "\n"))
	return b.String()
}

// skippedOKText says how a skipped outcome can exit 0, as plain text or
// Markdown (docs/exit-codes.md).
func skippedOKText(markdown bool) string {
	code := func(s string) string {
		if markdown {
			return "`" + s + "`"
		}
		return s
	}
	return "A skipped outcome exits 0 instead of 6 with " + code("--skipped-ok") + " (" + code("provision poll") + ", " +
		code("provision run") + "), or with the setting " + code("PROVCTL_SKIPPED_OK=true") + " (" + code("skipped-ok: true") +
		" in the config file). The flag wins over the setting: " + code("--skipped-ok=false") +
		" gives 6 again. With several users, it applies when skipped is the worst state; a failure or a pending outcome still decides."
}

// SkippedOKMarkdown is the --skipped-ok paragraph of docs/exit-codes.md.
func SkippedOKMarkdown() string { return skippedOKText(true) + "\n" }

// helpNameWidth is the width of the name column of `provctl help
// environment`; longer names get a line of their own.
const helpNameWidth = 25

// environmentHelpRows is the variable list of `provctl help environment`.
func environmentHelpRows() string {
	var b strings.Builder
	indent := strings.Repeat(" ", 2+helpNameWidth)
	for i, f := range envVarFacts {
		if i > 0 {
			b.WriteByte('\n')
		}
		names := strings.Join(f.Names, ", ")
		lines := wrapWords(f.Short, 72)
		if len(names) < helpNameWidth {
			fmt.Fprintf(&b, "  %-*s%s", helpNameWidth, names, lines[0])
		} else {
			fmt.Fprintf(&b, "  %s\n%s%s", names, indent, lines[0])
		}
		for _, l := range lines[1:] {
			b.WriteString("\n" + indent + l)
		}
	}
	return b.String()
}

// wrapWords breaks s into lines of at most width characters where it can.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) > width:
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	return append(lines, line)
}

// mdCell makes s safe in a Markdown table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// ExitCodesMarkdown is the exit-code table of docs/exit-codes.md.
func ExitCodesMarkdown() string {
	var b strings.Builder
	b.WriteString("| code | meaning | typical cause |\n| --- | --- | --- |\n")
	for _, f := range exitCodeFacts {
		fmt.Fprintf(&b, "| %d | %s | %s |\n", f.Code, mdCell(f.Name), mdCell(f.Cause))
	}
	return b.String()
}

// ExitCodesShortMarkdown is the short exit-code table of README.md.
func ExitCodesShortMarkdown() string {
	var b strings.Builder
	b.WriteString("| code | meaning |\n| --- | --- |\n")
	for _, f := range exitCodeFacts {
		fmt.Fprintf(&b, "| %d | %s |\n", f.Code, mdCell(f.Short))
	}
	return b.String()
}

// EnvironmentMarkdown is the variable table of docs/configuration.md.
func EnvironmentMarkdown() string {
	var b strings.Builder
	b.WriteString("| variable | key | meaning |\n| --- | --- | --- |\n")
	for _, f := range envVarFacts {
		names := make([]string, len(f.Names))
		for i, n := range f.Names {
			names[i] = "`" + n + "`"
		}
		key := "—"
		if f.Key != "" {
			key = "`" + f.Key + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", strings.Join(names, ", "), key, mdCell(f.Meaning))
	}
	return b.String()
}

// DocRegion is a generated region of a Markdown file in the repository:
// the lines between "<!-- BEGIN name -->" and "<!-- END name -->".
type DocRegion struct {
	File string // relative to the repository root, slash-separated
	Name string
	Body func() string
}

// DocRegions lists every generated region (`make docs` fills them).
func DocRegions() []DocRegion {
	return []DocRegion{
		{File: "docs/exit-codes.md", Name: "exit-codes", Body: ExitCodesMarkdown},
		{File: "docs/exit-codes.md", Name: "skipped-ok", Body: SkippedOKMarkdown},
		{File: "docs/configuration.md", Name: "environment", Body: EnvironmentMarkdown},
		{File: "docs/configuration.md", Name: "files", Body: FilesMarkdown},
		{File: "README.md", Name: "exit-codes", Body: ExitCodesShortMarkdown},
	}
}

// generatedNote opens every generated region, for whoever edits the file.
const generatedNote = "<!-- generated from cmd/facts.go by `make docs`: edit the table there -->\n"

// FillRegion returns text with the region called name replaced by body.
// The markers must each appear exactly once, BEGIN before END, on lines of
// their own.
func FillRegion(text, name, body string) (string, error) {
	begin, end := "<!-- BEGIN "+name+" -->\n", "<!-- END "+name+" -->"
	if n := strings.Count(text, begin); n != 1 {
		return "", fmt.Errorf("want exactly one %q line, found %d", strings.TrimSpace(begin), n)
	}
	if n := strings.Count(text, end); n != 1 {
		return "", fmt.Errorf("want exactly one %q line, found %d", end, n)
	}
	i := strings.Index(text, begin) + len(begin)
	j := strings.Index(text, end)
	if j < i {
		return "", fmt.Errorf("%q comes before %q", end, strings.TrimSpace(begin))
	}
	if j > 0 && text[j-1] != '\n' {
		return "", fmt.Errorf("%q must start a line", end)
	}
	return text[:i] + generatedNote + body + text[j:], nil
}
