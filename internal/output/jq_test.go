package output

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

type jqSample struct {
	Name  string         `json:"name"`
	Big   uint64         `json:"big"`
	Ratio float64        `json:"ratio"`
	HTML  string         `json:"html"`
	Evil  string         `json:"evil"`
	Items []jqSampleItem `json:"items"`
}

type jqSampleItem struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

var jqData = jqSample{
	Name:  "Box",
	Big:   12345678901234567890,
	Ratio: 1.5,
	HTML:  "<b>&</b>",
	Evil:  "x\x1b[2J\ny\u202e",
	Items: []jqSampleItem{{ID: "a", Count: 1}, {ID: "b", Count: 2}},
}

func TestJQ(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		tty    bool
		expr   string
		want   string
	}{
		{"field, raw string", JSON, false, ".name", "Box\n"},
		{"iterate", JSON, false, ".items[]", "{\n  \"count\": 1,\n  \"id\": \"a\"\n}\n{\n  \"count\": 2,\n  \"id\": \"b\"\n}\n"}, // gojq sorts keys
		{"iterate fields", JSON, false, ".items[].id", "a\nb\n"},
		{"numbers", JSON, false, ".items[].count", "1\n2\n"},
		{"big int not floated", JSON, false, ".big", "12345678901234567890\n"},
		{"big int arithmetic", JSON, false, ".big + 1", "12345678901234567891\n"},
		{"big int inside object", JSON, false, "{big}", "{\n  \"big\": 12345678901234567890\n}\n"},
		{"float", JSON, false, ".ratio", "1.5\n"},
		{"no HTML escaping", JSON, false, "[.html]", "[\n  \"<b>&</b>\"\n]\n"},
		{"empty", JSON, false, "empty", ""},
		{"halt", JSON, false, "halt", ""},
		{"null", JSON, false, ".missing", "null\n"},
		{"no -o means JSON input", "", false, ".items | length", "2\n"},
		{"yaml results", YAML, false, ".items[0]", "count: 1\nid: a\n"},
		{"yaml documents", YAML, false, ".items[]", "count: 1\nid: a\n---\ncount: 2\nid: b\n"},
		{"yaml raw string", YAML, false, ".name", "Box\n"},
		{"pipe gets raw bytes", JSON, false, ".evil", "x\x1b[2J\ny\u202e\n"},
		{"terminal gets sanitized string", JSON, true, ".evil", "x\\x1b[2J\ny\\u202e\n"},
		{"terminal shows hidden runes in strings", JSON, true, `"Box\u200b\ufeff\u200d\u00ad\u2062" + ([917569] | implode)`, "Box\\u200b\\ufeff\\u200d\\u00ad\\u2062\\U000e0041\n"},
		{"terminal JSON escapes hidden runes exactly", JSON, true, `["Box\u200b" + ([917569] | implode)]`, "[\n  \"Box\\u200b\\udb40\\udc41\"\n]\n"},
		{"terminal YAML escapes hidden runes", YAML, true, `{a: "Box\u200b\u200e"}`, "a: Box\\u200b\\u200e\n"},
		{"pipe keeps hidden runes", JSON, false, `"Box\u200b"`, "Box\u200b\n"},
		{"terminal JSON escapes bidi", JSON, true, "[.evil]", "[\n  \"x\\u001b[2J\\ny\\u202e\"\n]\n"},
		{"jsonl: one value is one input", JSONL, false, ".items[]", "{\"count\":1,\"id\":\"a\"}\n{\"count\":2,\"id\":\"b\"}\n"},
		{"jsonl: compact results", JSONL, false, "{big, html}", "{\"big\":12345678901234567890,\"html\":\"<b>&</b>\"}\n"},
		{"jsonl: raw strings", JSONL, false, ".items[].id", "a\nb\n"},
		{"jsonl: terminal escapes", JSONL, true, "[.evil]", "[\"x\\u001b[2J\\ny\\u202e\"]\n"},
		{"jsonl: terminal sanitizes strings", JSONL, true, ".evil", "x\\x1b[2J\ny\\u202e\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, _ := Test()
			s.StdoutTTY = tt.tty
			p, err := NewPrinter(s, tt.format, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Print(jqData, sampleView{}); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("--jq %s:\ngot  %q\nwant %q", tt.expr, got, tt.want)
			}
		})
	}
}

func TestJQBadExpression(t *testing.T) {
	for _, expr := range []string{".[", "nosuchfunction(1)", "$undefined"} {
		s, _, _ := Test()
		_, err := NewPrinter(s, JSON, expr)
		if err == nil || !strings.Contains(err.Error(), "invalid --jq expression "+strconv.Quote(expr)) {
			t.Errorf("NewPrinter(--jq %s) error = %v", expr, err)
		}
	}
}

func TestJQRuntimeError(t *testing.T) {
	tests := []struct{ expr, want, wrote string }{
		{".name | tonumber", "tonumber", ""},
		{`error("boom")`, "boom", ""},
		// Results stream, as with jq: those before the error stay written.
		{`"ok", error("late")`, "late", "ok\n"},
		{".items + 1", "cannot add", ""},
	}
	for _, tt := range tests {
		s, out, _ := Test()
		p, err := NewPrinter(s, JSON, tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		err = p.Print(jqData, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), strconv.Quote(tt.expr)) {
			t.Errorf("--jq %s: error = %v, want it to name the expression and %q", tt.expr, err, tt.want)
		}
		if out.String() != tt.wrote {
			t.Errorf("--jq %s: wrote %q, want %q", tt.expr, out, tt.wrote)
		}
	}
}

func TestJQCancelled(t *testing.T) {
	s, out, _ := Test()
	p, err := NewPrinter(s, JSON, "last(range(1e15))")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = p.PrintContext(ctx, jqData, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want deadline exceeded", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q", out)
	}
}

func TestJQPrinterLiteral(t *testing.T) {
	// A Printer built without NewPrinter compiles its expression on first use.
	s, out, _ := Test()
	p := &Printer{Streams: s, Format: JSON, JQ: ".name"}
	if err := p.Print(jqData, nil); err != nil || out.String() != "Box\n" {
		t.Errorf("stdout = %q, err = %v", out, err)
	}
	p = &Printer{Streams: s, Format: JSON, JQ: ".["}
	if err := p.Print(jqData, nil); err == nil {
		t.Error("bad expression: want error")
	}
}

// TestJQJSONLPerElement checks that with -o jsonl the filter runs on each
// element of a list, as jq reads JSON Lines.
func TestJQJSONLPerElement(t *testing.T) {
	list := []jqSampleItem{{ID: "a", Count: 1}, {ID: "b", Count: 2}, {ID: "c", Count: 3}}
	tests := []struct {
		name string
		data any
		expr string
		want string
	}{
		{"identity", list, ".", "{\"count\":1,\"id\":\"a\"}\n{\"count\":2,\"id\":\"b\"}\n{\"count\":3,\"id\":\"c\"}\n"},
		{"field per element", list, ".id", "a\nb\nc\n"},
		{"select", list, "select(.count > 1) | {id}", "{\"id\":\"b\"}\n{\"id\":\"c\"}\n"},
		{"length is per element", list, "length", "2\n2\n2\n"},
		{"several results per element", list, ".id, .count", "a\n1\nb\n2\nc\n3\n"},
		{"halt stops every element", list, "if .id == \"b\" then halt else .id end", "a\n"},
		{"empty list", []jqSampleItem{}, ".", ""},
		{"nil slice", []jqSampleItem(nil), ".", ""},
		{"null", nil, ".", "null\n"},
		{"nested list is one input each", [][]int{{1, 2}, {3}}, "add", "3\n3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, _ := Test()
			p, err := NewPrinter(s, JSONL, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Print(tt.data, nil); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("--jq %s:\ngot  %q\nwant %q", tt.expr, got, tt.want)
			}
		})
	}
}

func TestJQJSONLErrorStopsAtElement(t *testing.T) {
	s, out, _ := Test()
	p, err := NewPrinter(s, JSONL, ".id | if . == \"b\" then error(\"bad b\") else . end")
	if err != nil {
		t.Fatal(err)
	}
	err = p.Print([]jqSampleItem{{ID: "a"}, {ID: "b"}, {ID: "c"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "bad b") {
		t.Errorf("error = %v, want the filter's", err)
	}
	if out.String() != "a\n" {
		t.Errorf("stdout = %q, want the results before the error", out)
	}

	// A Printer built without NewPrinter still reports a bad expression
	// when there is nothing to filter.
	p = &Printer{Streams: s, Format: JSONL, JQ: ".["}
	if err := p.Print([]string(nil), nil); err == nil {
		t.Error("bad expression on an empty list: want error")
	}
}
