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

// renderJQ runs the filter on the JSON form of data and renders each result:
// strings raw (like jq -r), other values as indented JSON, or as YAML
// documents with -o yaml.
func (p *Printer) renderJQ(ctx context.Context, data any) ([]byte, error) {
	if p.code == nil {
		code, err := compileJQ(p.JQ)
		if err != nil {
			return nil, err
		}
		p.code = code
	}
	input, err := jqInput(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	iter := p.code.RunWithContext(ctx, input)
	for n := 0; ; n++ {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break // halt: stop without error
			}
			return nil, fmt.Errorf("--jq %q: %w", p.JQ, err)
		}
		if err := p.writeJQResult(&out, v, n); err != nil {
			return nil, err
		}
	}
	return out.Bytes(), nil
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

// writeJQResult appends the n-th (from 0) result of the filter.
func (p *Printer) writeJQResult(out *bytes.Buffer, v any, n int) error {
	if s, ok := v.(string); ok {
		if p.Streams.StdoutTTY {
			s = sanitizeText(s)
		}
		out.WriteString(s)
		out.WriteByte('\n')
		return nil
	}
	compact, err := gojq.Marshal(v)
	if err != nil {
		return fmt.Errorf("--jq %q: encode result: %w", p.JQ, err)
	}
	var doc bytes.Buffer
	if p.Format == YAML {
		y, err := jsonToYAML(compact)
		if err != nil {
			return fmt.Errorf("--jq %q: %w", p.JQ, err)
		}
		if n > 0 {
			doc.WriteString("---\n")
		}
		doc.Write(y)
	} else {
		if err := json.Indent(&doc, compact, "", "  "); err != nil {
			return fmt.Errorf("--jq %q: encode result: %w", p.JQ, err)
		}
		doc.WriteByte('\n')
	}
	out.Write(p.forTerminal(doc.Bytes()))
	return nil
}
