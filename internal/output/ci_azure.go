package output

import "strings"

// Azure Pipelines reads logging commands ("##vso[area.action props]data")
// from a step's stdout and stderr, anywhere in a line. provctl writes them
// to stderr: stdout is data.

// azureAnnotation is a ##vso[task.logissue] line of type error or warning.
// The data is the title (sanitized to one line) and the message (sanitized,
// its line breaks escaped), where a "##vso[" or "##[" from outside is shown
// as "##vso\x5b" or "##\x5b".
func azureAnnotation(level, title, message string) string {
	return "##vso[task.logissue type=" + azureProperty(level) + "]" +
		azureData(neutralizeCommands(Sanitize(title)+": "+sanitizeText(message)))
}

// azureDataEscaper escapes a logging command's data as the agent
// unescapes it (and as azure-pipelines-task-lib escapes it): % first.
var azureDataEscaper = strings.NewReplacer("%", "%AZP25", "\r", "%0D", "\n", "%0A")

// azurePropertyEscaper escapes a property value: as data, plus ";" (which
// would start another property) and "]" (which would end them).
var azurePropertyEscaper = strings.NewReplacer("%", "%AZP25", "\r", "%0D", "\n", "%0A", ";", "%3B", "]", "%5D")

func azureData(s string) string     { return azureDataEscaper.Replace(s) }
func azureProperty(s string) string { return azurePropertyEscaper.Replace(s) }
