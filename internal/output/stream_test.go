package output

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// chunkWriter records each Write call.
type chunkWriter struct{ chunks []string }

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.chunks = append(w.chunks, string(p))
	return len(p), nil
}

var streamItems = []outcome{
	{ServicePrincipalID: "sp", State: "success", Steps: []step{{Name: "Import", Status: "success", Details: "<adele> & co"}}},
	{ServicePrincipalID: "sp", State: "failure", Steps: []step{}},
}

func TestStreamJSONLWritesEachItemAtOnce(t *testing.T) {
	s, _, errOut := Test()
	w := &chunkWriter{}
	s.Out = w
	p, _ := NewPrinter(s, JSONL, "")
	st := p.Stream(context.Background())
	want := []string{
		`{"servicePrincipalId":"sp","state":"success","steps":[{"name":"Import","status":"success","details":"<adele> & co"}]}` + "\n",
		`{"servicePrincipalId":"sp","state":"failure","steps":[]}` + "\n",
		`[1,2]` + "\n", // an item that is a list is still one line
	}
	for i, item := range []any{streamItems[0], streamItems[1], []int{1, 2}} {
		if err := st.Write(item); err != nil {
			t.Fatal(err)
		}
		// Printed before Write returned, in one write call.
		if !reflect.DeepEqual(w.chunks, want[:i+1]) {
			t.Fatalf("after item %d stdout writes = %q, want %q", i, w.chunks, want[:i+1])
		}
	}
	if err := st.Close(sampleView{}); err != nil {
		t.Fatal(err)
	}
	if len(w.chunks) != len(want) {
		t.Errorf("Close wrote %q", w.chunks[len(want):])
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr written: %q", errOut)
	}
}

func TestStreamJSONLReaderSeesEachLine(t *testing.T) {
	// `provctl … -o jsonl | jq -c`: each line must be readable while the
	// command is still running, before the next item exists.
	s, _, _ := Test()
	r, w := io.Pipe()
	s.Out = w
	p, _ := NewPrinter(s, JSONL, "")
	st := p.Stream(context.Background())
	lines := bufio.NewScanner(r)
	for i := range 3 {
		done := make(chan error, 1)
		go func() { done <- st.Write(map[string]int{"n": i}) }()
		if !lines.Scan() {
			t.Fatalf("no line %d: %v", i, lines.Err())
		}
		if want := `{"n":` + string(rune('0'+i)) + `}`; lines.Text() != want {
			t.Errorf("line %d = %q, want %q", i, lines.Text(), want)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Write did not return")
		}
	}
	if err := st.Close(nil); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	if lines.Scan() {
		t.Errorf("Close wrote %q", lines.Text())
	}
}

func TestStreamJSONLWithJQ(t *testing.T) {
	tests := []struct {
		name, expr string
		tty        bool
		want       string
	}{
		{"field", ".state", false, "success\nfailure\n"},
		{"compact results", "{state, n: (.steps | length)}", false, `{"n":1,"state":"success"}` + "\n" + `{"n":0,"state":"failure"}` + "\n"},
		{"select", `select(.state == "failure") | .servicePrincipalId`, false, "sp\n"},
		{"several results", ".state, .servicePrincipalId", false, "success\nsp\nfailure\nsp\n"},
		{"terminal strings sanitized", `"\(.state)\u202e\u001b"`, true, "success\\u202e\\x1b\nfailure\\u202e\\x1b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, _ := Test()
			s.StdoutTTY = tt.tty
			p, err := NewPrinter(s, JSONL, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			st := p.Stream(context.Background())
			for _, item := range streamItems {
				if err := st.Write(item); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Close(nil); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStreamJQErrorIsPerItem(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, JSONL, `if .state == "failure" then error("no") else .state end`)
	st := p.Stream(context.Background())
	if err := st.Write(streamItems[0]); err != nil {
		t.Fatal(err)
	}
	if err := st.Write(streamItems[1]); err == nil || !strings.Contains(err.Error(), "no") {
		t.Errorf("error = %v, want the filter's", err)
	}
	if err := st.Write(streamItems[0]); err != nil {
		t.Errorf("the stream stopped after a filter error: %v", err)
	}
	if err := st.Close(nil); err != nil {
		t.Errorf("Close = %v", err)
	}
	if out.String() != "success\nsuccess\n" {
		t.Errorf("stdout = %q", out)
	}
}

func TestStreamJQCancelled(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, JSONL, "def f: f; f")
	ctx, cancel := context.WithCancel(context.Background())
	st := p.Stream(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { done <- st.Write(1) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled filter did not stop")
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q", out)
	}

	// Without --jq the context does not matter.
	p, _ = NewPrinter(s, JSONL, "")
	st = p.Stream(ctx)
	if err := st.Write(1); err != nil || out.String() != "1\n" {
		t.Errorf("stdout = %q, err = %v", out, err)
	}
}

func TestStreamDocumentFormats(t *testing.T) {
	items := []any{streamItems[0], streamItems[1]}
	tests := []struct {
		format Format
		jq     string
		view   Viewer
	}{
		{format: JSON},
		{format: YAML},
		{format: Table, view: sampleView{}},
		{format: Table},                   // no view: JSON
		{format: JSON, jq: ".[].state"},   // the filter runs on the whole list
		{format: "", jq: "length"},        // no -o: as with Print
		{format: YAML, jq: ".[1].steps"},  // YAML results
		{format: JSON, jq: "map(.state)"}, // indented
	}
	for _, tt := range tests {
		t.Run(string(tt.format)+" "+tt.jq, func(t *testing.T) {
			s, out, _ := Test()
			p, err := NewPrinter(s, tt.format, tt.jq)
			if err != nil {
				t.Fatal(err)
			}
			st := p.Stream(context.Background())
			for _, item := range items {
				if err := st.Write(item); err != nil {
					t.Fatal(err)
				}
			}
			if out.Len() != 0 {
				t.Fatalf("Write printed %q before Close", out)
			}
			if err := st.Close(tt.view); err != nil {
				t.Fatal(err)
			}

			// The same as printing the list in one go.
			s2, want, _ := Test()
			p2, _ := NewPrinter(s2, tt.format, tt.jq)
			if err := p2.Print(streamItems, tt.view); err != nil {
				t.Fatal(err)
			}
			if out.String() != want.String() {
				t.Errorf("stream printed\n%s\nPrint prints\n%s", out, want)
			}
		})
	}
}

func TestStreamEmpty(t *testing.T) {
	for format, want := range map[Format]string{JSON: "[]\n", YAML: "[]\n", JSONL: ""} {
		s, out, _ := Test()
		p, _ := NewPrinter(s, format, "")
		if err := p.Stream(context.Background()).Close(nil); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("%s: empty stream printed %q, want %q", format, out, want)
		}
	}
}

func TestStreamKeepsItemsAsWritten(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, JSON, "")
	st := p.Stream(context.Background())
	item := &outcome{ServicePrincipalID: "sp", State: "pending"}
	if err := st.Write(item); err != nil {
		t.Fatal(err)
	}
	item.State = "success"
	if err := st.Close(nil); err != nil {
		t.Fatal(err)
	}
	var back []outcome
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0].State != "pending" {
		t.Errorf("printed %s, want the item as it was written", out)
	}
}

func TestStreamBrokenPipe(t *testing.T) {
	for _, jq := range []string{"", "."} {
		s, _, _ := Test()
		w := &closingPipe{limit: 60}
		s.Out = w
		p, _ := NewPrinter(s, JSONL, jq)
		st := p.Stream(context.Background())
		if err := st.Write(streamItems[1]); err != nil {
			t.Fatalf("jq %q: first write: %v", jq, err)
		}
		err := st.Write(streamItems[0])
		if !IsBrokenPipe(err) || !strings.HasPrefix(err.Error(), "write output: ") {
			t.Fatalf("jq %q: error = %v, want a broken pipe", jq, err)
		}
		if err2 := st.Write(streamItems[1]); err2 != err {
			t.Errorf("jq %q: later Write = %v, want the same error", jq, err2)
		}
		if err2 := st.Close(nil); err2 != err {
			t.Errorf("jq %q: Close = %v, want the same error", jq, err2)
		}
		if w.fails != 1 {
			t.Errorf("jq %q: %d failed writes, want the stream to stop at the first", jq, w.fails)
		}
	}

	// A document format meets the closed pipe at Close.
	s, _, _ := Test()
	s.Out = &closingPipe{limit: 0}
	p, _ := NewPrinter(s, JSON, "")
	st := p.Stream(context.Background())
	if err := st.Write(1); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(nil); !IsBrokenPipe(err) {
		t.Errorf("Close = %v, want a broken pipe", err)
	}
}

func TestStreamEncodeErrorAndClose(t *testing.T) {
	for _, format := range Formats() {
		s, out, _ := Test()
		p, _ := NewPrinter(s, format, "")
		st := p.Stream(context.Background())
		if err := st.Write(unencodable{}); err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("%s: Write(unencodable) = %v", format, err)
		}
		if err := st.Write("ok"); err != nil {
			t.Errorf("%s: the stream stopped after an encoding error: %v", format, err)
		}
		if err := st.Close(nil); err != nil {
			t.Errorf("%s: Close = %v", format, err)
		}
		printed := out.Len()
		if err := st.Close(nil); err != nil || out.Len() != printed {
			t.Errorf("%s: second Close = %v, printed %q", format, err, out)
		}
		if err := st.Write("late"); err == nil {
			t.Errorf("%s: Write after Close: want error", format)
		}
		if strings.Contains(out.String(), "late") {
			t.Errorf("%s: Write after Close printed: %q", format, out)
		}
	}
}

func TestStreamJSONLOnTerminal(t *testing.T) {
	s, out, _ := Test()
	s.StdoutTTY = true
	p, _ := NewPrinter(s, JSONL, "")
	st := p.Stream(context.Background())
	hostile := map[string]string{"name": "a\u009b2Jb\u202ecod.exe\x1b]0;t\x07\u200b"}
	if err := st.Write(hostile); err != nil {
		t.Fatal(err)
	}
	assertTerminalSafe(t, out.String(), false)
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || !reflect.DeepEqual(back, hostile) {
		t.Errorf("terminal line %q is not the same JSON value (%v)", out, err)
	}
}

func TestStreamJQHalt(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, JSONL, `if .state == "failure" then halt else .state end`)
	st := p.Stream(context.Background())
	for _, item := range []outcome{streamItems[0], streamItems[1], streamItems[0]} {
		if err := st.Write(item); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "success\n" {
		t.Errorf("stdout = %q, want nothing after halt", out)
	}
}
