package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/provision"
)

// ciCommands returns the lines of a CI log that a runner would read as a
// command: GitHub's "::name …::" (after leading blanks) or "##[", Azure's
// "##vso[" anywhere.
func ciCommands(log string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(log, func(r rune) bool { return r == '\n' || r == '\r' }) {
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		lower := strings.ToLower(line)
		if strings.HasPrefix(trimmed, "::") || strings.Contains(lower, "##[") || strings.Contains(lower, "##vso[") {
			out = append(out, line)
		}
	}
	return out
}

// ciHostileReason is an errorInformation whose reason and code try to
// inject CI commands and Markdown, and carry a JWT-shaped token.
const ciHostileReason = `{"errorCode":"Evil|` + "`" + `code` + "`" + `","reason":"line\n::add-mask::x\r::set-output name=a::b ##[add-mask]y ##vso[task.setvariable variable=v]w <script>alert(1)</script> ![p](https://e/p.png) token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl","additionalDetails":null,"recommendedAction":"Fix 100% of it","errorCategory":"NonServiceFailure"}`

func ciPollArgs(extra ...string) []string {
	return append([]string{"provision", "poll", "--sp", rtSPID, "--job", rtJobID, "--source", "logs", "-o", "json"}, extra...)
}

func ciPollRegistry(t *testing.T, entries ...string) *graphtest.Registry {
	reg, _ := graphtest.New(t)
	registerJob(reg)
	reg.Register("GET", "auditLogs/provisioning", graphtest.JSON(200, rtLogs(entries...)))
	return reg
}

func TestCIGitHubPoll(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	r := runCLI(t, false, ciPollRegistry(t, rtLogEntry("l1", "failure", rtConflict)), env, ciPollArgs()...)
	checkCLI(t, r, ExitFailed)
	var o struct{ State string }
	if err := json.Unmarshal([]byte(r.stdout), &o); err != nil || o.State != "failure" {
		t.Errorf("stdout is not the outcome alone: %v\n%s", err, r.stdout)
	}
	want := "::error title=Adele Vance (" + rtUserID + ")%3A failure::BoxEntryConflict: The user already exists in Box. Recommended action: Match the user on email. (provctl provision poll)"
	if cmds := ciCommands(r.stderr); len(cmds) != 1 || cmds[0] != want {
		t.Errorf("commands on stderr:\n%q\nwant:\n%q", cmds, want)
	}
	if strings.Contains(r.stdout, "::") {
		t.Errorf("a command on stdout:\n%s", r.stdout)
	}
	got, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"### provctl provision poll\n", "1 failure\n", "| subject | state | action | reason |",
		"| Adele Vance (" + rtUserID + ") | failure | create | BoxEntryConflict: The user already exists in Box. Recommended action: Match the user on email. |"} {
		if !strings.Contains(string(got), row) {
			t.Errorf("summary lacks %q:\n%s", row, got)
		}
	}
	if fi, _ := os.Stat(summary); fi.Mode().Perm() != 0o600 {
		t.Errorf("summary mode %v", fi.Mode().Perm())
	}
}

func TestCIAzurePoll(t *testing.T) {
	r := runCLI(t, false, ciPollRegistry(t, rtLogEntry("l1", "skipped", "null")), map[string]string{"TF_BUILD": "True"}, ciPollArgs()...)
	checkCLI(t, r, ExitSkipped)
	cmds := ciCommands(r.stderr)
	if len(cmds) != 1 || !strings.HasPrefix(cmds[0], "##vso[task.logissue type=warning]Adele Vance ("+rtUserID+"): skipped: ") {
		t.Errorf("commands on stderr: %q", cmds)
	}
}

// Without a CI's own variables nothing is written but the outcome.
func TestCINoCI(t *testing.T) {
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	for _, env := range []map[string]string{
		{"GITHUB_STEP_SUMMARY": summary},
		{"GITHUB_ACTIONS": "false", "GITHUB_STEP_SUMMARY": summary},
		{"CI": "true", "GITHUB_STEP_SUMMARY": summary},
	} {
		r := runCLI(t, false, ciPollRegistry(t, rtLogEntry("l1", "failure", ciHostileReason)), env, ciPollArgs()...)
		checkCLI(t, r, ExitFailed)
		if cmds := ciCommands(r.stderr); len(cmds) > 0 {
			t.Errorf("%v: commands on stderr: %q", env, cmds)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files written: %v", entries)
	}
}

// A hostile reason from Graph stays one escaped annotation; nothing else
// on stderr reads as a command; the summary renders it as text; the
// token it carries is masked everywhere but in stdout's exact data.
func TestCIHostileGraphStrings(t *testing.T) {
	const token = "s3cr3t-static-token-value"
	for _, env := range []map[string]string{
		{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": filepath.Join(t.TempDir(), "s.md"), "PROVCTL_ACCESS_TOKEN": token},
		{"TF_BUILD": "True", "PROVCTL_ACCESS_TOKEN": token},
	} {
		hostile := strings.Replace(ciHostileReason, "Fix 100%", "Fix "+token+" 100%", 1)
		r := runCLI(t, false, ciPollRegistry(t, rtLogEntry("l1", "failure", hostile)), env, ciPollArgs("--debug")...)
		checkCLI(t, r, ExitFailed)
		cmds := ciCommands(r.stderr)
		if len(cmds) != 1 {
			t.Fatalf("%d commands on stderr, want the annotation alone:\n%s", len(cmds), strings.Join(cmds, "\n"))
		}
		c := cmds[0]
		if !strings.HasPrefix(c, "::error title=") && !strings.HasPrefix(c, "##vso[task.logissue type=error]") {
			t.Errorf("not the annotation: %q", c)
		}
		rest := c[strings.Index(c, "]")+1:]
		if strings.HasPrefix(c, "::") {
			rest = c[2+strings.Index(c[2:], "::")+2:]
		}
		for _, bad := range []string{"##[", "##vso[", "\r", token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0"} {
			if strings.Contains(rest, bad) {
				t.Errorf("annotation data holds %q: %q", bad, rest)
			}
		}
		if !strings.Contains(rest, `%0A:\x3aadd-mask::x`) || !strings.Contains(rest, "100%") {
			t.Errorf("annotation data not escaped as expected: %q", rest)
		}
		if strings.Contains(r.stderr, token) {
			t.Errorf("the token is on stderr")
		}
		if path := env["GITHUB_STEP_SUMMARY"]; path != "" {
			md, _ := os.ReadFile(path)
			plain := strings.NewReplacer(`\\`, "", `\]`, "", `\[`, "").Replace(string(md)) // what is left unescaped
			for _, bad := range []string{"<script>", "](", "[", token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0", "\r"} {
				if strings.Contains(plain, bad) {
					t.Errorf("summary holds %q:\n%s", bad, md)
				}
			}
			if !strings.Contains(string(md), `Evil\|\`+"`code\\`") || !strings.Contains(string(md), "&lt;script&gt;") {
				t.Errorf("summary not escaped:\n%s", md)
			}
		}
	}
}

// A Graph error message that tries to inject a command is shown escaped
// on stderr under a CI that reads commands.
func TestCIGuardsErrorLines(t *testing.T) {
	reg, _ := graphtest.New(t)
	registerJob(reg)
	reg.Register("GET", "auditLogs/provisioning", graphtest.Error(500, "InternalServerError", "boom\n::add-mask::x\n##vso[task.complete result=Succeeded]"))
	r := runCLI(t, false, reg, map[string]string{"GITHUB_ACTIONS": "true"}, ciPollArgs()...)
	if r.code == ExitOK {
		t.Fatalf("exit 0:\n%s", r.stderr)
	}
	if cmds := ciCommands(r.stderr); len(cmds) > 0 {
		t.Errorf("commands on stderr: %q\n%s", cmds, r.stderr)
	}
	if !strings.Contains(r.stderr, `:\x3aadd-mask::x`) {
		t.Errorf("the message is not shown escaped:\n%s", r.stderr)
	}
}

func TestCIGitHubRun(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "PROVCTL_ON_DEMAND_RATE": "1000/1s"}
	t.Run("one user", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		rtRunStubs(reg, graphtest.JSON(200, rtOnDemand("Failure", "BoxEntryConflict", "The user already exists in Box.")))
		r := runCLI(t, false, reg, env, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID, "-o", "json")
		checkCLI(t, r, ExitFailed)
		if cmds := ciCommands(r.stderr); len(cmds) != 1 || !strings.HasPrefix(cmds[0], "::error title=adele@contoso.com ("+rtUserID+")%3A failure::BoxEntryConflict") {
			t.Errorf("commands: %q", cmds)
		}
	})
	t.Run("a list", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		rbStubs(reg, "Success", "Skipped")
		r := runCLI(t, false, reg, env, rbArgs(t, "-o", "json")...)
		checkCLI(t, r, ExitSkipped)
		if cmds := ciCommands(r.stderr); len(cmds) != 1 || !strings.HasPrefix(cmds[0], "::warning title=lee@contoso.com%3A skipped::") {
			t.Errorf("commands: %q", cmds)
		}
		md, _ := os.ReadFile(summary)
		for _, row := range []string{"### provctl provision run\n", "1 skipped, 1 success", "| adele@contoso.com | success | create |  |", "| lee@contoso.com | skipped | create |"} {
			if !strings.Contains(string(md), row) {
				t.Errorf("summary lacks %q:\n%s", row, md)
			}
		}
	})
	t.Run("a list, skipped ok", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		rbStubs(reg, "Success", "Skipped")
		r := runCLI(t, false, reg, env, rbArgs(t, "-o", "json", "--skipped-ok")...)
		checkCLI(t, r, ExitOK)
		if cmds := ciCommands(r.stderr); len(cmds) != 0 {
			t.Errorf("a skip is annotated despite --skipped-ok: %q", cmds)
		}
	})
}

func TestSkippedOKSetting(t *testing.T) {
	skipped := rtLogEntry("l1", "skipped", "null")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"default", nil, nil, ExitSkipped},
		{"flag", nil, []string{"--skipped-ok"}, ExitOK},
		{"env", map[string]string{"PROVCTL_SKIPPED_OK": "true"}, nil, ExitOK},
		{"env false", map[string]string{"PROVCTL_SKIPPED_OK": "false"}, nil, ExitSkipped},
		{"flag wins", map[string]string{"PROVCTL_SKIPPED_OK": "true"}, []string{"--skipped-ok=false"}, ExitSkipped},
		{"flag wins over false", map[string]string{"PROVCTL_SKIPPED_OK": "false"}, []string{"--skipped-ok"}, ExitOK},
		{"bad value", map[string]string{"PROVCTL_SKIPPED_OK": "maybe"}, nil, ExitUsage},
	} {
		t.Run("poll/"+tt.name, func(t *testing.T) {
			reg, _ := graphtest.New(t) // nothing is sent on a usage error
			if tt.code != ExitUsage {
				reg = ciPollRegistry(t, skipped)
			}
			r := runCLI(t, false, reg, tt.env, ciPollArgs(tt.args...)...)
			checkCLI(t, r, tt.code)
			if tt.code == ExitUsage && !strings.Contains(r.stderr, `invalid PROVCTL_SKIPPED_OK "maybe": use true or false`) {
				t.Errorf("the message does not name the variable and the fix:\n%s", r.stderr)
			}
		})
	}
	t.Run("poll/failure stays 3", func(t *testing.T) {
		r := runCLI(t, false, ciPollRegistry(t, rtLogEntry("l1", "failure", rtConflict)), map[string]string{"PROVCTL_SKIPPED_OK": "true"}, ciPollArgs()...)
		checkCLI(t, r, ExitFailed)
	})
	t.Run("run/env", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		rtRunStubs(reg, graphtest.JSON(200, rtOnDemand("Skipped", "RedundantExport", "already match")))
		env := map[string]string{"PROVCTL_SKIPPED_OK": "true"}
		r := runCLI(t, false, reg, env, "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", rtRuleID, "--user", rtUserID, "-o", "json")
		checkCLI(t, r, ExitOK)
	})
	t.Run("run list/env", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		rbStubs(reg, "Skipped", "Skipped")
		r := runCLI(t, false, reg, map[string]string{"PROVCTL_SKIPPED_OK": "true", "PROVCTL_ON_DEMAND_RATE": "1000/1s"}, rbArgs(t, "-o", "json")...)
		checkCLI(t, r, ExitOK)
	})
	t.Run("config file", func(t *testing.T) {
		cfg := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(cfg, []byte("skipped-ok: true\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, false, ciPollRegistry(t, skipped), nil, ciPollArgs("--config", cfg)...)
		checkCLI(t, r, ExitOK)
		if strings.Contains(r.stderr, "unknown key") {
			t.Errorf("skipped-ok is not a known key:\n%s", r.stderr)
		}
	})
}

func TestHeartbeatSetting(t *testing.T) {
	for _, tt := range []struct {
		value string
		code  int
	}{
		{"2s", ExitOK}, {"1h", ExitOK}, {"0", ExitUsage}, {"500ms", ExitUsage}, {"2h", ExitUsage}, {"soon", ExitUsage},
	} {
		reg, _ := graphtest.New(t) // nothing is sent on a usage error
		if tt.code != ExitUsage {
			reg = ciPollRegistry(t, rtLogEntry("l1", "success", "null"))
		}
		r := runCLI(t, false, reg, map[string]string{"PROVCTL_HEARTBEAT": tt.value}, ciPollArgs()...)
		checkCLI(t, r, tt.code)
		if tt.code == ExitUsage && !strings.Contains(r.stderr, "invalid PROVCTL_HEARTBEAT") {
			t.Errorf("%s: the message does not name the variable:\n%s", tt.value, r.stderr)
		}
	}
}

// In a CI log a wait gets a heartbeat; elsewhere, and on a terminal, not.
func TestCIHeartbeatSetUp(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		tty  bool
		want bool
	}{
		{map[string]string{"CI": "true"}, false, true},
		{map[string]string{"GITLAB_CI": "true"}, false, true},
		{map[string]string{"GITHUB_ACTIONS": "true"}, true, false},
		{nil, false, false},
	} {
		f, _, _ := testFactory(tt.env)
		f.Streams.StderrTTY = tt.tty
		var got *PollOptions
		err := runFlags(t, NewCmdPoll(f, func(_ context.Context, o *PollOptions) error { got = o; return nil }), []string{"--sp", "Box"})
		if err != nil {
			t.Fatal(err)
		}
		if (got.ci.heartbeat == 30*time.Second) != tt.want {
			t.Errorf("%v tty=%v: heartbeat %v", tt.env, tt.tty, got.ci.heartbeat)
		}
	}
}

func TestCIOutcomesFlattenAndMask(t *testing.T) {
	const token = "s3cr3t-static-token-value"
	member := &provision.Outcome{State: provision.StateFailure, Subject: &provision.Subject{DisplayName: "m@x"},
		Reason: &provision.Reason{Code: "E", Message: "bad " + token}}
	group := &provision.Outcome{State: provision.StateSuccess, Subject: &provision.Subject{DisplayName: "Sales"},
		Action: "create", Members: []*provision.Outcome{member}}
	rows := ciOutcomes([]*provision.Outcome{group, nil}, []string{token})
	if len(rows) != 2 || rows[0].Subject != "Sales" || rows[0].Action != "create" || rows[1].Subject != "m@x" ||
		rows[1].State != "failure" || rows[1].Reason != "E: bad [redacted]" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestCIReason(t *testing.T) {
	for _, tt := range []struct {
		r    *provision.Reason
		want string
	}{
		{nil, ""},
		{&provision.Reason{Code: "E", Message: "Bad."}, "E: Bad."},
		{&provision.Reason{Code: "E", Message: "Bad", RecommendedAction: "Fix it."}, "E: Bad. Recommended action: Fix it."},
		{&provision.Reason{Code: "E", Message: "Bad!", RecommendedAction: "Fix it."}, "E: Bad! Recommended action: Fix it."},
		{&provision.Reason{RecommendedAction: "Fix it."}, "Recommended action: Fix it."},
	} {
		if got := ciReason(tt.r); got != tt.want {
			t.Errorf("ciReason(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestExitCodesHelpNamesSkippedOK(t *testing.T) {
	help := exitCodesHelp()
	for _, want := range []string{"--skipped-ok", "PROVCTL_SKIPPED_OK=true", "skipped-ok: true"} {
		if !strings.Contains(help, want) {
			t.Errorf("help exit-codes lacks %q:\n%s", want, help)
		}
	}
}
