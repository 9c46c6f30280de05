package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ItemStream prints the results of a command that produces them one at a
// time, such as `provision run --from users.txt`. Make one with
// [Printer.Stream], call Write for each item as it is ready, then Close.
//
// With -o jsonl, Write prints the item at once as one line of compact JSON
// (with --jq, the filter runs on the item and each result is one line), in
// a single write to stdout, so `provctl … -o jsonl | jq -c` sees each line
// as soon as it is complete. With the other formats Write keeps the item
// and Close prints all of them as one document, as [Printer.PrintContext]
// prints a list: a JSON array, a YAML list, or the table of the view given
// to Close (with --jq, the filter runs once on the whole array).
//
// Each item is encoded when it is written: later changes to it do not show.
//
// An ItemStream is not safe for concurrent use: call Write and Close from one
// goroutine at a time (a command whose workers finish items concurrently
// hands them to the printing goroutine, or serializes the calls itself).
type ItemStream struct {
	p   *Printer
	ctx context.Context

	items  []json.RawMessage // kept for Close, except with -o jsonl
	err    error             // the first failed write to stdout
	halted bool              // the --jq filter ran halt: no more output
	closed bool
}

// errStreamClosed is returned by Write after Close.
var errStreamClosed = errors.New("output: write to a closed item stream")

// Stream returns an ItemStream that prints through p. ctx bounds the --jq
// filter only (Ctrl-C stops a runaway filter, as with PrintContext); writes
// without --jq do not look at it. A command that still prints what it has
// after its work was interrupted should pass a context that is not
// cancelled with that work, or --jq output would be cut short.
func (p *Printer) Stream(ctx context.Context) *ItemStream {
	return &ItemStream{p: p, ctx: ctx, items: []json.RawMessage{}}
}

// Write hands over the next item. With -o jsonl it is printed before Write
// returns; otherwise it is kept for Close.
//
// An item that cannot be encoded is an error and is not printed; the stream
// goes on. So is a runtime error of the --jq filter on this item (results
// already printed for it stay printed). After the filter runs halt, later
// items are taken and print nothing, as jq stops reading its input. A failed write to stdout (a closed
// pipe: see [IsBrokenPipe]) is returned, and again by every later Write and
// by Close, without writing anything more.
func (st *ItemStream) Write(item any) error {
	if st.closed {
		return errStreamClosed
	}
	if st.err != nil {
		return st.err
	}
	doc, err := marshalCompact(item)
	if err != nil {
		return err
	}
	if st.p.Format != JSONL {
		st.items = append(st.items, json.RawMessage(doc))
		return nil
	}
	if st.p.JQ != "" {
		if st.halted {
			return nil
		}
		err = st.writeJQ(doc)
	} else {
		err = st.p.write(st.p.forTerminal(append(doc, '\n')))
	}
	return st.keep(err)
}

// writeJQ runs the filter on one item's JSON form and prints its results.
func (st *ItemStream) writeJQ(doc []byte) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var input any
	if err := dec.Decode(&input); err != nil {
		return fmt.Errorf("decode JSON for --jq: %w", err)
	}
	halted, err := st.p.runJQ(st.ctx, []any{input})
	st.halted = halted
	return err
}

// keep remembers err when it is a failed write, so that the stream stops.
func (st *ItemStream) keep(err error) error {
	var we *writeError
	if errors.As(err, &we) {
		st.err = err
	}
	return err
}

// Close ends the stream. With -o jsonl everything is already printed and
// Close prints nothing; it returns the failed write, if there was one.
// Otherwise it prints the items written, in order, as one document (an
// empty list when there were none): for a table the sections of view, or
// JSON when view is nil. Calls after the first do nothing and return nil;
// Write after Close is an error.
func (st *ItemStream) Close(view Viewer) error {
	if st.closed {
		return nil
	}
	st.closed = true
	if st.p.Format == JSONL {
		return st.err
	}
	items := st.items
	st.items = nil
	return st.keep(st.p.PrintContext(st.ctx, items, view))
}
