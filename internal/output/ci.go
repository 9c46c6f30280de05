package output

import (
	"io"
	"strconv"
	"strings"
)

// CI is the continuous-integration service provctl runs under, known only
// from the variables the service itself sets; the zero CI is "none".
type CI struct {
	kind ciKind
	// summary is the file GitHub Actions renders as the step's summary
	// ($GITHUB_STEP_SUMMARY); "" when not set.
	summary string
}

type ciKind int

const (
	ciNone    ciKind = iota
	ciGeneric        // CI=true or GITLAB_CI=true: a CI log, no command syntax provctl speaks
	ciGitHub         // GITHUB_ACTIONS=true
	ciAzure          // TF_BUILD=True
)

// DetectCI reads the variables CIs set for their steps: GITHUB_ACTIONS=true
// (GitHub Actions), TF_BUILD=True (Azure Pipelines), GITLAB_CI=true and
// CI=true (any other). The values are compared without regard to case;
// anything else, or nothing, is no CI.
func DetectCI(getenv func(string) string) CI {
	set := func(name string) bool { return strings.EqualFold(getenv(name), "true") }
	switch {
	case set("GITHUB_ACTIONS"):
		return CI{kind: ciGitHub, summary: getenv("GITHUB_STEP_SUMMARY")}
	case set("TF_BUILD"):
		return CI{kind: ciAzure}
	case set("GITLAB_CI"), set("CI"):
		return CI{kind: ciGeneric}
	}
	return CI{}
}

// Detected reports whether provctl runs under a CI.
func (c CI) Detected() bool { return c.kind != ciNone }

// HasCommands reports whether the CI reads commands from the step's log
// (GitHub Actions, Azure Pipelines): text from outside must then be kept
// from passing for one (see [GuardCommands]).
func (c CI) HasCommands() bool { return c.kind == ciGitHub || c.kind == ciAzure }

// Name is the CI's name for messages ("" when none).
func (c CI) Name() string {
	switch c.kind {
	case ciGitHub:
		return "GitHub Actions"
	case ciAzure:
		return "Azure Pipelines"
	case ciGeneric:
		return "CI"
	}
	return ""
}

// CIOutcome is one subject's outcome as a CI shows it. Every field is text
// from outside (Graph, the user's input): the writers escape it for the
// CI's syntax. Credentials must already be masked.
type CIOutcome struct {
	Subject string // the user or group, "" when the source does not say
	State   string // success, warning, skipped, failure or pending
	Action  string // create, update … ("" when unknown)
	Reason  string // "code: message", "" for success
}

// CIReport is what a command reports to its CI once, at its end.
type CIReport struct {
	// Command names the command in headings and messages, e.g.
	// "provctl provision run".
	Command  string
	Outcomes []CIOutcome
	// SkippedOK (--skipped-ok) makes a skipped outcome no warning.
	SkippedOK bool
}

// Report writes r the CI's way; w is the step's log (stderr, never stdout:
// stdout is data, and both CIs read commands from either stream).
//
//   - GitHub Actions: a Markdown table of the outcomes appended to
//     $GITHUB_STEP_SUMMARY (when set), and an ::error annotation per
//     failure, a ::warning per skip, warning or pending outcome.
//   - Azure Pipelines: a ##vso[task.logissue] line of type error or
//     warning for the same outcomes.
//   - another CI, or none: nothing.
//
// At most maxAnnotations of each level are written, then one saying how
// many more there are. The error is the summary file's: the annotations
// are written whatever it is.
func (c CI) Report(w io.Writer, r CIReport) error {
	if len(r.Outcomes) == 0 {
		return nil
	}
	switch c.kind {
	case ciGitHub:
		writeAnnotations(w, r, githubAnnotation)
		if c.summary == "" {
			return nil
		}
		return appendStepSummary(c.summary, r)
	case ciAzure:
		writeAnnotations(w, r, azureAnnotation)
	}
	return nil
}

// maxAnnotations bounds the annotations of each level: GitHub shows at most
// 10 errors and 10 warnings per step, and a long list helps nobody.
const maxAnnotations = 10

// annotationLevel is "error" for a failure, "warning" for an outcome that
// is not a success, "" for none.
func annotationLevel(state string, skippedOK bool) string {
	switch state {
	case "success":
		return ""
	case "failure":
		return "error"
	case "skipped":
		if skippedOK {
			return ""
		}
	}
	return "warning"
}

// annotationFunc spells one annotation line (without its newline) in a
// CI's syntax: level is "error" or "warning"; title and message are text
// from outside.
type annotationFunc func(level, title, message string) string

// writeAnnotations writes an annotation per outcome that needs one, at
// most maxAnnotations per level, then one per level saying how many were
// left out.
func writeAnnotations(w io.Writer, r CIReport, spell annotationFunc) {
	written := map[string]int{}
	left := map[string]int{}
	var b strings.Builder
	for _, o := range r.Outcomes {
		level := annotationLevel(o.State, r.SkippedOK)
		if level == "" {
			continue
		}
		if written[level] == maxAnnotations {
			left[level]++
			continue
		}
		written[level]++
		title := subjectOrUnknown(o.Subject) + ": " + o.State
		msg := o.Reason
		if msg == "" {
			msg = "no reason given"
		}
		b.WriteString(spell(level, title, msg+" ("+r.Command+")") + "\n")
	}
	for _, level := range []string{"error", "warning"} {
		if n := left[level]; n > 0 {
			b.WriteString(spell(level, r.Command, plural(n, "more outcome")+" of this level not annotated: see the log") + "\n")
		}
	}
	_, _ = io.WriteString(w, b.String())
}

// subjectOrUnknown names a subject, or says the source did not.
func subjectOrUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(subject not reported)"
	}
	return s
}

// plural is "1 more outcome", "3 more outcomes".
func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
