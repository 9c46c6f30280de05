package odata

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// An OData $filter subset, enough for what clients send to the endpoints
// emulated here: and/or/parentheses, eq/ne/gt/ge/lt/le comparisons,
// `field in ('a','b')`, startswith/endswith/contains, tolower(field), quoted
// strings with '' escapes, and bare dates, numbers, GUIDs, true/false/null.

// Filter is a parsed $filter expression.
type Filter interface {
	// Eval reports whether the object whose fields get reads matches.
	Eval(get Getter) bool
	// Walk calls visit with every predicate's operator (lower case) and
	// property path, left to right.
	Walk(visit func(op, field string))
}

// Getter returns a field's value: a string, a float64, a bool, or nil.
type Getter func(field string) any

type logicalNode struct {
	op          string // and | or
	left, right Filter
}

func (n *logicalNode) Eval(get Getter) bool {
	if n.op == "and" {
		return n.left.Eval(get) && n.right.Eval(get)
	}
	return n.left.Eval(get) || n.right.Eval(get)
}

func (n *logicalNode) Walk(visit func(op, field string)) {
	n.left.Walk(visit)
	n.right.Walk(visit)
}

// predicateNode is `field op literal` or `fn(field, literal)`.
type predicateNode struct {
	op    string // eq ne gt ge lt le startswith endswith contains
	field string
	value literal
}

func (n *predicateNode) Walk(visit func(op, field string)) { visit(n.op, n.field) }

func (n *predicateNode) Eval(get Getter) bool {
	v := get(n.field)
	lit := n.value
	switch n.op {
	case "startswith", "endswith", "contains":
		s, _ := v.(string)
		s, want := strings.ToLower(s), strings.ToLower(lit.s)
		switch n.op {
		case "startswith":
			return strings.HasPrefix(s, want)
		case "endswith":
			return strings.HasSuffix(s, want)
		}
		return strings.Contains(s, want)
	}
	if lit.kind == litNull {
		empty := v == nil || v == ""
		return (n.op == "eq") == empty
	}
	cmp, ok := compareValue(v, lit)
	if !ok {
		return n.op == "ne"
	}
	switch n.op {
	case "eq":
		return cmp == 0
	case "ne":
		return cmp != 0
	case "gt":
		return cmp > 0
	case "ge":
		return cmp >= 0
	case "lt":
		return cmp < 0
	case "le":
		return cmp <= 0
	}
	return false
}

// inNode is `field in ('a', 'b', …)`: string literals only, each compared
// like eq (case-insensitively).
type inNode struct {
	field  string
	values []literal
}

func (n *inNode) Walk(visit func(op, field string)) { visit("in", n.field) }

func (n *inNode) Eval(get Getter) bool {
	v := get(n.field)
	for _, lit := range n.values {
		if cmp, ok := compareValue(v, lit); ok && cmp == 0 {
			return true
		}
	}
	return false
}

// MaxOrClauses is how many child clauses Graph's directory accepts in one
// disjunction: the values of an `in` and the operands of `or` chains.
const MaxOrClauses = 15

// OrClauses returns the largest number of child clauses of a disjunction in
// n: an `or` chain counts its operands (nested `or`s flattened into it), an
// `in` counts its values (an `in` alone is a disjunction of them), and an
// `and` inside a chain counts as one while its own operands are counted
// apart. A filter without `or` or `in` has 1.
func OrClauses(n Filter) int {
	best := 1
	var group func(f Filter) int // clauses f adds to the disjunction it is in
	var visit func(f Filter)
	group = func(f Filter) int {
		switch x := f.(type) {
		case *logicalNode:
			if x.op == "or" {
				return group(x.left) + group(x.right)
			}
			visit(x)
			return 1
		case *inNode:
			return len(x.values)
		}
		return 1
	}
	visit = func(f Filter) {
		switch x := f.(type) {
		case *logicalNode:
			if x.op == "or" {
				best = max(best, group(x))
				return
			}
			visit(x.left)
			visit(x.right)
		case *inNode:
			best = max(best, len(x.values))
		}
	}
	visit(n)
	return best
}

// TooManyClauses returns Graph's message for a filter with more than
// MaxOrClauses child clauses in a disjunction, or "" when it has not.
func TooManyClauses(n Filter) string {
	if c := OrClauses(n); c > MaxOrClauses {
		return fmt.Sprintf("Too many child clauses specified in search filter expression containing 'OR' operators: %d. Max allowed: %d.", c, MaxOrClauses)
	}
	return ""
}

// compareValue compares a field value with a literal: -1, 0 or 1, and false
// when they cannot be compared. Strings compare case-insensitively.
func compareValue(v any, lit literal) (int, bool) {
	switch lit.kind {
	case litDate:
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, false
		}
		return t.Compare(lit.t), true
	case litNumber:
		f, ok := v.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case f < lit.n:
			return -1, true
		case f > lit.n:
			return 1, true
		}
		return 0, true
	case litBool:
		b, ok := v.(bool)
		if !ok || b != lit.b {
			return 1, ok
		}
		return 0, true
	}
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	return strings.Compare(strings.ToLower(s), strings.ToLower(lit.s)), true
}

type litKind int

const (
	litString litKind = iota
	litDate
	litNumber
	litBool
	litNull
)

type literal struct {
	kind litKind
	s    string
	n    float64
	b    bool
	t    time.Time
}

// ParseFilter parses a $filter value.
func ParseFilter(src string) (Filter, error) {
	toks, err := lexFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if !p.done() {
		return nil, fmt.Errorf("syntax error at '%s'", p.peek().text)
	}
	return n, nil
}

type tokKind int

const (
	tokWord tokKind = iota
	tokString
	tokOpen
	tokClose
	tokComma
)

type token struct {
	kind tokKind
	text string
}

func lexFilter(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(':
			toks, i = append(toks, token{tokOpen, "("}), i+1
		case c == ')':
			toks, i = append(toks, token{tokClose, ")"}), i+1
		case c == ',':
			toks, i = append(toks, token{tokComma, ","}), i+1
		case c == '\'':
			// '' inside a string literal is one quote.
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, fmt.Errorf("unterminated string literal at position %d", i)
				}
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			toks, i = append(toks, token{tokString, b.String()}), j+1
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t(),'", rune(src[j])) {
				j++
			}
			toks, i = append(toks, token{tokWord, src[i:j]}), j
		}
	}
	return toks, nil
}

type filterParser struct {
	toks []token
	pos  int
}

func (p *filterParser) done() bool { return p.pos >= len(p.toks) }

func (p *filterParser) peek() token {
	if p.done() {
		return token{tokWord, "<end>"}
	}
	return p.toks[p.pos]
}

func (p *filterParser) next() token {
	t := p.peek()
	p.pos++
	return t
}

func (p *filterParser) keyword(word string) bool {
	t := p.peek()
	if t.kind == tokWord && strings.EqualFold(t.text, word) {
		p.pos++
		return true
	}
	return false
}

func (p *filterParser) expect(k tokKind, what string) error {
	if t := p.next(); t.kind != k {
		return fmt.Errorf("expected %s, found '%s'", what, t.text)
	}
	return nil
}

func (p *filterParser) expr() (Filter, error) {
	left, err := p.term()
	for err == nil && p.keyword("or") {
		var right Filter
		if right, err = p.term(); err == nil {
			left = &logicalNode{op: "or", left: left, right: right}
		}
	}
	return left, err
}

func (p *filterParser) term() (Filter, error) {
	left, err := p.factor()
	for err == nil && p.keyword("and") {
		var right Filter
		if right, err = p.factor(); err == nil {
			left = &logicalNode{op: "and", left: left, right: right}
		}
	}
	return left, err
}

func (p *filterParser) factor() (Filter, error) {
	if p.peek().kind == tokOpen {
		p.next()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		return n, p.expect(tokClose, "')'")
	}
	t := p.peek()
	if t.kind == tokWord && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == tokOpen {
		switch fn := strings.ToLower(t.text); fn {
		case "startswith", "endswith", "contains":
			p.pos += 2
			field, err := p.field()
			if err != nil {
				return nil, err
			}
			if err := p.expect(tokComma, "','"); err != nil {
				return nil, err
			}
			lit, err := p.literal()
			if err != nil {
				return nil, err
			}
			if lit.kind != litString {
				return nil, fmt.Errorf("%s needs a string literal", fn)
			}
			return &predicateNode{op: fn, field: field, value: lit}, p.expect(tokClose, "')'")
		}
	}
	field, err := p.field()
	if err != nil {
		return nil, err
	}
	op := p.next()
	opName := strings.ToLower(op.text)
	if op.kind != tokWord {
		opName = ""
	}
	switch opName {
	case "eq", "ne", "gt", "ge", "lt", "le":
	case "in":
		return p.inList(field)
	default:
		return nil, fmt.Errorf("expected a comparison operator after '%s', found '%s'", field, op.text)
	}
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	return &predicateNode{op: opName, field: field, value: lit}, nil
}

// inList parses the parenthesised list of string literals after `in`.
func (p *filterParser) inList(field string) (Filter, error) {
	if err := p.expect(tokOpen, "'(' after in"); err != nil {
		return nil, err
	}
	n := &inNode{field: field}
	for {
		t := p.next()
		if t.kind != tokString {
			return nil, fmt.Errorf("in needs a list of string literals, found '%s'", t.text)
		}
		n.values = append(n.values, literal{kind: litString, s: t.text})
		if p.peek().kind == tokComma {
			p.next()
			continue
		}
		return n, p.expect(tokClose, "')'")
	}
}

// field parses a property path, optionally wrapped in tolower() (comparisons
// are case-insensitive anyway).
func (p *filterParser) field() (string, error) {
	t := p.next()
	if t.kind != tokWord {
		return "", fmt.Errorf("expected a property name, found '%s'", t.text)
	}
	if strings.EqualFold(t.text, "tolower") || strings.EqualFold(t.text, "toupper") {
		if err := p.expect(tokOpen, "'('"); err != nil {
			return "", err
		}
		f, err := p.field()
		if err != nil {
			return "", err
		}
		return f, p.expect(tokClose, "')'")
	}
	if _, isLit := parseBareLiteral(t.text); isLit || !isPropertyPath(t.text) {
		return "", fmt.Errorf("expected a property name, found '%s'", t.text)
	}
	return t.text, nil
}

// isPropertyPath reports whether s is an OData property path: identifiers
// (a letter or _, then letters, digits or _) separated by '/'.
func isPropertyPath(s string) bool {
	for _, name := range strings.Split(s, "/") {
		if name == "" {
			return false
		}
		for i, c := range name {
			letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func (p *filterParser) literal() (literal, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return literal{kind: litString, s: t.text}, nil
	case tokWord:
		if lit, ok := parseBareLiteral(t.text); ok {
			return lit, nil
		}
	}
	return literal{}, fmt.Errorf("expected a literal, found '%s'", t.text)
}

// parseBareLiteral recognises unquoted literals: null, true, false, numbers,
// dates (2026-01-01 or RFC 3339) and GUIDs.
func parseBareLiteral(w string) (literal, bool) {
	switch strings.ToLower(w) {
	case "null":
		return literal{kind: litNull}, true
	case "true", "false":
		return literal{kind: litBool, b: strings.EqualFold(w, "true")}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, w); err == nil {
		return literal{kind: litDate, t: t}, true
	}
	if t, err := time.Parse("2006-01-02", w); err == nil {
		return literal{kind: litDate, t: t}, true
	}
	if IsGUID(w) {
		return literal{kind: litString, s: w}, true
	}
	if f, err := strconv.ParseFloat(w, 64); err == nil {
		return literal{kind: litNumber, n: f}, true
	}
	return literal{}, false
}

// IsGUID reports whether s is a GUID in its 8-4-4-4-12 hex form.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}
