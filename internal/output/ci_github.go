package output

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// GitHub Actions reads workflow commands ("::error title=T::message") from
// each line of a step's stdout and stderr alike (the runner hands both
// streams to the same command parser). provctl writes them to stderr:
// stdout is data.

// githubAnnotation is an ::error or ::warning line. The title is one line
// (sanitized, then escaped as a property), the message keeps its line
// breaks as %0A; in both, a "##[" from outside is shown as "##\x5b", so it
// is never read as a command of the older syntax.
func githubAnnotation(level, title, message string) string {
	return "::" + level + " title=" + githubProperty(neutralizeCommands(Sanitize(title))) +
		"::" + githubData(neutralizeCommands(sanitizeText(message)))
}

// githubDataEscaper escapes a workflow command's message as the runner
// unescapes it: % first, then CR and LF. A message cannot hold a line
// break, so nothing in it can start another command.
var githubDataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// githubPropertyEscaper escapes a property value: as a message, plus ":"
// (which would end the properties) and "," (which would start another).
var githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func githubData(s string) string     { return githubDataEscaper.Replace(s) }
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }

// appendStepSummary appends r's Markdown to the step summary file: created
// with mode 0600 if it does not exist, never truncated (other steps' tools
// write to it too), written in one call.
func appendStepSummary(path string, r CIReport) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(stepSummary(r))
	return errors.Join(werr, f.Close())
}
