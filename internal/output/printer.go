package output

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

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

	code *gojq.Code // JQ compiled; nil when JQ is empty or not yet compiled
	// memoryLimit bounds heap growth while the filter runs; 0 means
	// defaultJQMemoryLimit (tests set less).
	memoryLimit uint64
}

// NewPrinter returns a Printer for the format and --jq expression, compiling
// the expression now. An empty format means Table. With --jq the filter runs
// on the JSON form whatever the format; its results are printed as JSON (or
// YAML with -o yaml), strings raw.
func NewPrinter(s *Streams, format Format, jq string) (*Printer, error) {
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
//   - YAML: converted from that JSON, so field names are the same;
//   - Table: the sections of view (or of data, if it is a Viewer and view is
//     nil); with neither, JSON.
//
// Nothing is written when an error is returned. With --jq, the filter runs
// on the JSON form instead: each result is written as it comes, ctx can
// cancel the filter, and a failed write stops it (see printJQ).
func (p *Printer) PrintContext(ctx context.Context, data any, view Viewer) error {
	if p.JQ != "" {
		return p.printJQ(ctx, data)
	}
	out, err := p.render(data, view)
	if err != nil {
		return err
	}
	if _, err := p.Streams.Out.Write(out); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// render produces the bytes PrintContext writes without --jq.
func (p *Printer) render(data any, view Viewer) ([]byte, error) {
	switch p.Format {
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
// and other invisible characters). doc is YAML with -o yaml, else JSON.
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
