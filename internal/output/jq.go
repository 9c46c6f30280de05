package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itchyny/gojq"
)

// compileJQ parses and compiles a --jq expression.
func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid --jq expression %q: %w", expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("invalid --jq expression %q: %w", expr, err)
	}
	return code, nil
}

// printJQ runs the filter on the JSON form of data and writes each result to
// stdout as soon as it is produced, as jq does: strings raw (like jq -r),
// other values as indented JSON, or as YAML documents with -o yaml, or one
// compact line each with -o jsonl. With -o jsonl a list is not one input but
// many, as jq reads JSON Lines: the filter runs on each element in turn (a
// nil slice is no input).
// Streaming is what lets `--jq 'repeat(1)' | head` end: nothing piles up in
// memory, and the first failed write (a closed pipe) stops the filter. So
// results written before a runtime error stay written; the error follows.
// ctx (Ctrl-C) and a memory guard stop filters that never yield a result,
// such as `def f: f; f` or `[range(1e9)]`.
func (p *Printer) printJQ(ctx context.Context, data any) error {
	var inputs []any
	if p.Format != JSONL || !isNilList(data) {
		input, err := jqInput(data)
		if err != nil {
			return err
		}
		inputs = []any{input}
		if list, ok := input.([]any); ok && p.Format == JSONL {
			inputs = list
		}
	}
	_, err := p.runJQ(ctx, inputs)
	return err
}

// runJQ runs the filter on each input in turn and writes each result as it
// comes (see printJQ). halt stops it for all inputs, as in jq, and is
// reported by the bool; so does the first error.
func (p *Printer) runJQ(ctx context.Context, inputs []any) (bool, error) {
	if p.code == nil {
		code, err := compileJQ(p.JQ)
		if err != nil {
			return false, err
		}
		p.code = code
	}
	ctx, stop := guardMemory(ctx, p.jqMemoryLimit())
	defer stop()
	n := 0
	for _, input := range inputs {
		iter := p.code.RunWithContext(ctx, input)
		for {
			v, ok := iter.Next()
			if !ok {
				break
			}
			if err, isErr := v.(error); isErr {
				var halt *gojq.HaltError
				if errors.As(err, &halt) && halt.Value() == nil {
					return true, nil // halt: stop without error
				}
				return false, p.jqError(ctx, err)
			}
			// gojq checks ctx between its own steps; this also stops a
			// filter whose results come faster than anyone reads them.
			if err := ctx.Err(); err != nil {
				return false, p.jqError(ctx, err)
			}
			doc, err := p.formatJQResult(v, n)
			if err != nil {
				return false, err
			}
			n++
			if err := p.write(doc); err != nil {
				return false, err
			}
		}
	}
	return false, nil
}

// jqError names the expression, and says so when the memory guard (not the
// user) stopped the filter.
func (p *Printer) jqError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); errors.Is(cause, errJQMemory) {
		err = cause
	}
	return fmt.Errorf("--jq %q: %w", p.JQ, err)
}

// jqInput is data as gojq sees JSON: decoded with UseNumber, so numbers keep
// their exact text (gojq handles json.Number, and turns large integers into
// *big.Int when it computes with them).
func jqInput(data any) (any, error) {
	doc, err := marshalJSON(data)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON for --jq: %w", err)
	}
	return v, nil
}

// formatJQResult is the text of the n-th (from 0) result of the filter.
func (p *Printer) formatJQResult(v any, n int) ([]byte, error) {
	if s, ok := v.(string); ok {
		if p.Streams.StdoutTTY {
			s = sanitizeText(s)
		}
		return []byte(s + "\n"), nil
	}
	compact, err := gojq.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("--jq %q: encode result: %w", p.JQ, err)
	}
	var doc bytes.Buffer
	switch p.Format {
	case JSONL:
		doc.Write(compact)
		doc.WriteByte('\n')
	case YAML:
		y, err := jsonToYAML(compact)
		if err != nil {
			return nil, fmt.Errorf("--jq %q: %w", p.JQ, err)
		}
		if n > 0 {
			doc.WriteString("---\n")
		}
		doc.Write(y)
	default:
		if err := json.Indent(&doc, compact, "", "  "); err != nil {
			return nil, fmt.Errorf("--jq %q: encode result: %w", p.JQ, err)
		}
		doc.WriteByte('\n')
	}
	return p.forTerminal(doc.Bytes()), nil
}
