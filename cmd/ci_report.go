package cmd

import (
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// ciReporter is told, once, the outcomes a command ends with, and reports
// them to the CI the command runs in.
type ciReporter interface {
	Report(outcomes []*provision.Outcome)
}

// ciSetup is what poll and run take from the CI they run in; its zero
// value is "no CI" and does nothing.
type ciSetup struct {
	reporter ciReporter
	// heartbeat is for a wait's progress (0: none): only in a CI log.
	heartbeat time.Duration
}

// Report hands the outcomes to the CI's reporter, if there is one.
func (c ciSetup) Report(outcomes []*provision.Outcome) {
	if c.reporter != nil && len(outcomes) > 0 {
		c.reporter.Report(outcomes)
	}
}

// setUpCI reads --skipped-ok with its setting (the flag wins) and sets the
// command up for the CI it runs in, known only from the CI's own
// variables:
//
//   - any CI (CI=true, GITHUB_ACTIONS=true, TF_BUILD=True, GITLAB_CI=true),
//     stderr not a terminal: waits write a heartbeat (PROVCTL_HEARTBEAT);
//   - GitHub Actions or Azure Pipelines: the outcomes are reported the CI's
//     way at the end (output.CI.Report), and stderr is guarded so that no
//     text from Graph can pass for one of the CI's commands
//     (output.GuardCommands).
//
// Outside a CI nothing changes.
func (f *Factory) setUpCI(cmd *cobra.Command) (skippedOK bool, setup ciSetup, err error) {
	s, err := f.Settings(cmd)
	if err != nil {
		return false, ciSetup{}, err
	}
	ci := output.DetectCI(f.Getenv)
	if !ci.Detected() {
		return s.SkippedOK, ciSetup{}, nil
	}
	if !f.Streams.StderrTTY {
		setup.heartbeat = s.Heartbeat
	}
	if ci.HasCommands() {
		f.guardStderr()
		log := f.rawErr // the annotations are meant to be commands
		setup.reporter = &ciReport{ci: ci, log: log, streams: f.Streams, command: cmd.CommandPath(),
			skippedOK: s.SkippedOK, secrets: f.envSecrets()}
	}
	return s.SkippedOK, setup, nil
}

// envSecrets are the credentials the environment gives provctl: masked
// wherever they might be echoed (Graph masks nothing for us).
func (f *Factory) envSecrets() []string {
	var out []string
	for _, name := range []string{"PROVCTL_ACCESS_TOKEN", "PROVCTL_CLIENT_SECRET"} {
		if v := f.Getenv(name); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ciReport is the reporter of GitHub Actions and Azure Pipelines.
type ciReport struct {
	ci        output.CI
	log       io.Writer // stderr itself, not its guard: the commands are meant
	streams   *output.Streams
	command   string
	skippedOK bool
	secrets   []string
}

func (r *ciReport) Report(outcomes []*provision.Outcome) {
	rep := output.CIReport{Command: r.command, Outcomes: ciOutcomes(outcomes, r.secrets), SkippedOK: r.skippedOK}
	if err := r.ci.Report(r.log, rep); err != nil {
		r.streams.Warnf("the outcomes are not in the step summary: %v (GITHUB_STEP_SUMMARY must name a file this step can append to)",
			graph.RedactCredentials(err.Error(), r.secrets...))
	}
}

// ciOutcomes are the rows a CI shows: each outcome, then a group's
// members, with credentials masked in every string.
func ciOutcomes(outcomes []*provision.Outcome, secrets []string) []output.CIOutcome {
	var rows []output.CIOutcome
	mask := func(s string) string { return graph.RedactCredentials(s, secrets...) }
	var add func(o *provision.Outcome)
	add = func(o *provision.Outcome) {
		if o == nil {
			return
		}
		rows = append(rows, output.CIOutcome{
			Subject: mask(bulkSubjectName(o)),
			State:   string(o.State),
			Action:  mask(o.Action.String()),
			Reason:  mask(ciReason(o.Reason)),
		})
		for _, m := range o.Members {
			add(m)
		}
	}
	for _, o := range outcomes {
		add(o)
	}
	return rows
}

// ciReason is the reason with its recommended action, as sentences.
func ciReason(r *provision.Reason) string {
	text := reasonText(r)
	action := ""
	if r != nil {
		action = strings.TrimSpace(r.RecommendedAction.String())
	}
	switch {
	case action == "":
		return text
	case text == "":
		return "Recommended action: " + action
	case !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "!") && !strings.HasSuffix(text, "?"):
		text += "."
	}
	return text + " Recommended action: " + action
}

// guardStderr, in a CI that reads commands from the log (GitHub Actions,
// Azure Pipelines), passes stderr through output.GuardCommands for every
// command, so no text from Graph or a --debug trace can pass for one; the
// raw stream is kept for the CI report's own commands. Once per process.
func (f *Factory) guardStderr() {
	if f.rawErr != nil || !output.DetectCI(f.Getenv).HasCommands() {
		return
	}
	f.rawErr = f.Streams.ErrOut
	f.Streams.ErrOut = output.GuardCommands(f.rawErr)
}
