package output

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/itchyny/gojq"
	"sigs.k8s.io/yaml"
)

// Printer writes command results to stdout in the chosen format. Build it
// with NewPrinter so that a bad --jq expression is reported before any work.
// A Printer is meant for one command and is not safe for concurrent use.
type Printer struct {
	Streams *Streams
	Format  Format
	// JQ is the --jq expression; empty means no filter.
	JQ string
	// NoHeaders leaves the header row out of tables (--no-headers).
	NoHeaders bool

	code *gojq.Code // JQ compiled; nil when JQ is empty or not yet compiled
	// memoryLimit bounds heap growth while the filter runs; 0 means
	// defaultJQMemoryLimit (tests set less).
	memoryLimit uint64
}

// JQTableError is NewPrinter's answer to --jq with a table asked for: the
// filter's results are JSON values, which a table cannot show.
type JQTableError struct {
	// Source names where table was chosen when not with -o (an
	// environment variable, the config file), for the message.
	Source string
}

func (e *JQTableError) Error() string {
	set := ""
	if e.Source != "" && e.Source != "--output" {
		set = " (set by " + e.Source + ")"
	}
	return "--jq filters JSON and cannot be used with -o table" + set + ": use -o json or -o jsonl"
}

// NewPrinter returns a Printer for the format and --jq expression, compiling
// the expression now. An empty format means Table, or JSON with --jq: the
// filter runs on the JSON form and its results are printed as JSON (or YAML
// with -o yaml, one compact line each with -o jsonl), strings raw. Table
// given explicitly with --jq is a *JQTableError.
func NewPrinter(s *Streams, format Format, jq string) (*Printer, error) {
	if jq != "" && format == Table {
		return nil, &JQTableError{}
	}
	if format == "" {
		format = Table
	}
	if _, err := ParseFormat(string(format)); err != nil {
		return nil, err
	}
	p := &Printer{Streams: s, Format: format, JQ: jq}
	if jq != "" {
		code, err := compileJQ(jq)
		if err != nil {
			return nil, err
		}
		p.code = code
	}
	return p, nil
}

// Print writes data to stdout; it is PrintContext without cancellation.
func (p *Printer) Print(data any, view Viewer) error {
	return p.PrintContext(context.Background(), data, view)
}

// PrintContext writes data to stdout as one document:
//
//   - JSON: encoding/json with the value's own tags, indented two spaces,
//     HTML characters not escaped, ending with a newline;
//   - JSONL (JSON Lines): the same encoding without indentation; a list
//     (a value whose JSON form is an array) is written one element per
//     line, a nil slice as no line at all, anything else as one line;
//   - YAML: converted from that JSON, so field names are the same;
//   - Table: the sections of view (or of data, if it is a Viewer and view is
//     nil); with neither, JSON.
//
// Nothing is written when an error is returned. With --jq, the filter runs
// on the JSON form instead (with -o jsonl on each element of a list in
// turn): each result is written as it comes, ctx can cancel the filter,
// and a failed write stops it (see printJQ).
func (p *Printer) PrintContext(ctx context.Context, data any, view Viewer) error {
	if p.JQ != "" {
		return p.printJQ(ctx, data)
	}
	out, err := p.render(data, view)
	if err != nil {
		return err
	}
	return p.write(out)
}

// writeError is a failed write to stdout, such as a closed pipe
// (IsBrokenPipe); its text is "write output: " and the cause.
type writeError struct{ err error }

func (e *writeError) Error() string { return "write output: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// write writes b to stdout in one call, so a line reaches a reader whole.
func (p *Printer) write(b []byte) error {
	if _, err := p.Streams.Out.Write(b); err != nil {
		return &writeError{err}
	}
	return nil
}

// render produces the bytes PrintContext writes without --jq.
func (p *Printer) render(data any, view Viewer) ([]byte, error) {
	switch p.Format {
	case JSONL:
		doc, err := marshalJSONL(data)
		if err != nil {
			return nil, err
		}
		return p.forTerminal(doc), nil
	case YAML:
		doc, err := marshalYAML(data)
		if err != nil {
			return nil, err
		}
		return p.forTerminal(doc), nil
	case Table, "":
		if view == nil {
			view, _ = data.(Viewer)
		}
		if view != nil {
			return p.renderTable(view.View()), nil
		}
	}
	doc, err := marshalJSON(data)
	if err != nil {
		return nil, err
	}
	return p.forTerminal(doc), nil
}

// forTerminal escapes, on a terminal only, the runes that encoders leave raw
// but a terminal would act on or hide (C1 controls, bidi controls, zero-width
// and other invisible characters). doc is YAML with -o yaml, else JSON (or
// JSON lines, which escapeJSON keeps lines: encoders escape newlines in
// strings).
// Pipes get the encoder's bytes as they are.
func (p *Printer) forTerminal(doc []byte) []byte {
	switch {
	case !p.Streams.StdoutTTY:
		return doc
	case p.Format == YAML:
		return escapeYAML(doc)
	}
	return escapeJSON(doc)
}

// marshalJSON is the JSON document for data: indented, newline-terminated,
// without HTML escaping.
func marshalJSON(data any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(data); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return b.Bytes(), nil
}

// marshalCompact is data's JSON encoding on one line, without HTML escaping
// and without the newline.
func marshalCompact(data any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// marshalJSONL is the JSON Lines document for data: each element of a list
// on its own line (none for an empty list or a nil slice), anything else
// on one line.
func marshalJSONL(data any) ([]byte, error) {
	if isNilList(data) {
		return nil, nil
	}
	doc, err := marshalCompact(data)
	if err != nil {
		return nil, err
	}
	elems, ok := splitArray(doc)
	if !ok {
		return append(doc, '\n'), nil
	}
	var b bytes.Buffer
	for _, e := range elems {
		b.Write(e)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// isNilList reports a nil slice that encodes as JSON null: with -o jsonl
// it is an empty list (no line), not the value null. Byte slices (JSON
// strings) and types with their own encoding are not lists here.
func isNilList(data any) bool {
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Slice || !v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 {
		return false
	}
	_, custom := data.(json.Marshaler)
	return !custom
}

// splitArray returns the elements of doc, compact JSON, when it is an
// array; each element keeps its bytes (compact, numbers exact).
func splitArray(doc []byte) ([]json.RawMessage, bool) {
	if len(doc) == 0 || doc[0] != '[' {
		return nil, false
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(doc, &elems); err != nil {
		return nil, false
	}
	return elems, true
}

// marshalYAML is the YAML document for data, made from its JSON encoding.
func marshalYAML(data any) ([]byte, error) {
	doc, err := marshalJSON(data)
	if err != nil {
		return nil, err
	}
	return jsonToYAML(doc)
}

// jsonToYAML converts a JSON document to YAML. The converter reads the JSON
// with a YAML reader, which refuses some runes that JSON encoders leave raw
// (C1 controls, DEL, U+FFFE/U+FFFF) and JSON's surrogate-pair escapes, so
// those runes are first spelled as YAML escapes (\uXXXX, \UXXXXXXXX): the
// same value, which the YAML emitter then writes in its own form.
func jsonToYAML(doc []byte) ([]byte, error) {
	y, err := yaml.JSONToYAML(escapeYAML(doc))
	if err != nil {
		return nil, fmt.Errorf("encode YAML: %w", err)
	}
	return y, nil
}
