package cmd

import (
	"fmt"
	"regexp"
	"strings"
)

// provctl(1) ends with the sections a man page reader looks for and cobra
// does not write: ENVIRONMENT and EXIT STATUS, made from the same tables as
// `provctl help environment` and `provctl help exit-codes`, and FILES, made
// from the table docs/configuration.md shows (all in facts.go). cmd/gendocs
// puts them into the page.

// ManSection is one roff section of provctl(1).
type ManSection struct {
	Title string // e.g. "EXIT STATUS"
	Roff  string // the body: roff requests and text, each line ending in \n
}

// ManSections are the sections gendocs adds to provctl(1), in order.
func ManSections() []ManSection {
	return []ManSection{
		{"ENVIRONMENT", manEnvironment()},
		{"EXIT STATUS", manExitStatus()},
		{"FILES", manFiles()},
	}
}

func manEnvironment() string {
	var b strings.Builder
	b.WriteString(roffText("A flag wins over a variable, a variable over the config file, the config file over the default. " +
		"Where a variable has a config key, the config file takes it under that name (`provctl config set KEY VALUE`)."))
	for _, f := range envVarFacts {
		names := make([]string, len(f.Names))
		for i, n := range f.Names {
			names[i] = `\fB` + roffEscape(n) + `\fR`
		}
		meaning := f.Meaning
		if f.Key != "" {
			meaning += " (config key `" + f.Key + "`)"
		}
		b.WriteString(".TP\n" + roffLine(strings.Join(names, ", ")) + roffText(meaning))
	}
	return b.String()
}

func manExitStatus() string {
	var b strings.Builder
	b.WriteString(roffText("Each exit code means one thing, so scripts can branch on it."))
	for _, f := range exitCodeFacts {
		b.WriteString(fmt.Sprintf(".TP\n\\fB%d\\fR\n", f.Code) + roffText(f.Name+": "+f.Cause))
	}
	b.WriteString(".PP\n" + roffText(skippedOKText(true)))
	return b.String()
}

func manFiles() string {
	var b strings.Builder
	for _, f := range fileFacts {
		path := `\fI<config dir>\fR`
		if f.Path != "" {
			path += "/" + roffEscape(f.Path)
		}
		b.WriteString(".TP\n" + roffLine(path+" (mode "+f.Mode+")") + roffText(f.Meaning))
	}
	return b.String()
}

// mdCode matches Markdown code spans, which the man page sets in bold.
var mdCode = regexp.MustCompile("`([^`]+)`")

// mdEmphasis matches *emphasis* outside code spans, which the man page
// sets in italics.
var mdEmphasis = regexp.MustCompile(`\*([^*\s][^*]*)\*`)

// roffText is Markdown-light text (code spans, emphasis) as a roff
// paragraph body.
func roffText(md string) string {
	var b strings.Builder
	text := func(s string) { b.WriteString(mdEmphasis.ReplaceAllString(roffEscape(s), `\fI$1\fR`)) }
	last := 0
	for _, m := range mdCode.FindAllStringSubmatchIndex(md, -1) {
		text(md[last:m[0]])
		b.WriteString(`\fB` + roffEscape(md[m[2]:m[3]]) + `\fR`)
		last = m[1]
	}
	text(md[last:])
	return roffLine(b.String())
}

// roffEscape makes s plain text for roff: backslashes and hyphens
// escaped (a hyphen stays a hyphen, to copy and paste).
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLine ends an escaped line, keeping a leading . or ' from being read
// as a request.
func roffLine(s string) string {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s + "\n"
}
