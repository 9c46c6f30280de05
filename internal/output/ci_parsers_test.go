package output

import (
	"strings"
	"unicode"
)

// The command parsers of the two CIs, written from their runners'
// documented behaviour, so the tests check what a runner would execute
// rather than what the code meant to write.

// ghCommand is a GitHub workflow command as the runner parses a line.
type ghCommand struct {
	name  string
	props map[string]string
	data  string
	v1    bool // the older "##[name props]data" syntax
}

// githubParse parses one line as the GitHub runner does: the "::" syntax
// when the line, less leading blanks, starts with "::"; otherwise the
// older "##[" syntax anywhere in the line. Any name counts as a command
// here (the runner takes only registered ones: a stricter test).
func githubParse(line string) (ghCommand, bool) {
	msg := strings.TrimLeftFunc(line, unicode.IsSpace)
	if strings.HasPrefix(msg, "::") {
		end := strings.Index(msg[2:], "::")
		if end >= 0 {
			info := msg[2 : 2+end]
			c := ghCommand{props: map[string]string{}}
			name, props, _ := strings.Cut(info, " ")
			c.name = name
			for _, p := range strings.Split(strings.TrimSpace(props), ",") {
				if k, v, ok := strings.Cut(p, "="); ok && k != "" && v != "" {
					c.props[k] = ghUnescape(v, true)
				}
			}
			c.data = ghUnescape(msg[2+end+2:], false)
			return c, true
		}
	}
	i := strings.Index(line, "##[")
	if i < 0 {
		return ghCommand{}, false
	}
	rb := strings.Index(line[i:], "]")
	if rb < 0 {
		return ghCommand{}, false
	}
	name, _, _ := strings.Cut(line[i+3:i+rb], " ")
	return ghCommand{name: name, v1: true, data: line[i+rb+1:]}, true
}

// ghUnescape undoes the runner's escapes in its order.
func ghUnescape(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	for i := 0; i < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return strings.ReplaceAll(s, "%25", "%")
}

// azCommand is an Azure Pipelines logging command.
type azCommand struct {
	area  string // "task.logissue"
	props map[string]string
	data  string
}

// azureParse parses one line as the Azure Pipelines agent does: the first
// "##vso[" anywhere in the line (any case), its properties up to the first
// "]", the rest as data. n is how many "##vso[" the line holds.
func azureParse(line string) (c azCommand, n int, ok bool) {
	lower := strings.ToLower(line)
	n = strings.Count(lower, "##vso[")
	i := strings.Index(lower, "##vso[")
	if i < 0 {
		return azCommand{}, 0, false
	}
	rb := strings.Index(line[i:], "]")
	if rb < 0 {
		return azCommand{}, n, false
	}
	info := line[i+6 : i+rb]
	c = azCommand{props: map[string]string{}}
	area, props, _ := strings.Cut(info, " ")
	c.area = area
	for _, p := range strings.Split(props, ";") {
		if k, v, ok := strings.Cut(p, "="); ok && k != "" {
			c.props[k] = azUnescape(v)
		}
	}
	c.data = azUnescape(line[i+rb+1:])
	return c, n, true
}

func azUnescape(s string) string {
	for _, p := range [][2]string{{"%3B", ";"}, {"%0D", "\r"}, {"%0A", "\n"}, {"%5D", "]"}, {"%AZP25", "%"}} {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

// ciHostile are strings Graph could send, each aimed at a CI or a renderer.
var ciHostile = []string{
	"100% done %0A %25",
	"carriage\rreturn",
	"line\nbreak",
	"::set-output name=token::stolen",
	"x\n::add-mask::secret",
	"  ::stop-commands::tok",
	"##[add-mask]secret",
	"a ##vso[task.setvariable variable=x]y",
	"##VSO[task.complete result=Succeeded]done",
	"pipe | cell | break",
	"`code` and ``` fences",
	"<script>alert(1)</script> & <img src=x>",
	"![pixel](https://evil.example/p.png) [link](https://evil.example)",
	"a,b:c;d]e",
	"\u202eexe.txt \u009b31m \x1b[2J \u200bBox",
	"$x^2$ *bold* _em_ ~~strike~~ \\",
}
