package subjectlist

import (
	"fmt"
	"strings"
)

// parser collects the list while the file is read.
type parser struct {
	lr   *lineReader
	list *List
	seen map[string]int // lower-cased ref → line it was first listed on
	max  int
}

func newParser(lr *lineReader, max int) *parser {
	if max <= 0 {
		max = DefaultMaxEntries
	}
	return &parser{lr: lr, list: &List{}, seen: map[string]int{}, max: max}
}

// check classifies a value, reporting it when it is unusable.
func (p *parser) check(line int, v string, ck colKind, column string) (Kind, bool) {
	kind, reason := classify(v, ck, column)
	if reason != "" {
		p.problem(line, printable(v), reason)
		return "", false
	}
	return kind, true
}

// add keeps the first mention of a user. Graph matches UPNs, mail and
// DNs case-insensitively and GUIDs are hex, so lower case is the key.
func (p *parser) add(line int, ref string, kind Kind) error {
	key := strings.ToLower(ref)
	if first, ok := p.seen[key]; ok {
		if len(p.list.Duplicates) < MaxRecorded {
			p.list.Duplicates = append(p.list.Duplicates, Duplicate{Line: line, FirstLine: first, Ref: ref})
		} else {
			p.list.MoreDuplicates++
		}
		return nil
	}
	if len(p.list.Entries) >= p.max {
		return &Error{Line: line, Msg: fmt.Sprintf("more than %d users in the file (the limit): split it into smaller files and run each", p.max)}
	}
	p.seen[key] = line
	p.list.Entries = append(p.list.Entries, Entry{Line: line, Ref: ref, Kind: kind})
	return nil
}

func (p *parser) problem(line int, text, reason string) {
	if len(p.list.Problems) < MaxRecorded {
		p.list.Problems = append(p.list.Problems, Problem{Line: line, Text: text, Reason: reason})
	} else {
		p.list.MoreProblems++
	}
}
