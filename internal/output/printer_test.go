package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

type step struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Details string `json:"details,omitempty"`
}

type outcome struct {
	ServicePrincipalID string `json:"servicePrincipalId"`
	JobID              string `json:"jobId,omitempty"`
	TemplateID         string `json:"templateId,omitempty"`
	State              string `json:"state"`
	Steps              []step `json:"steps"`
}

var sampleOutcome = outcome{
	ServicePrincipalID: "8783a342-f7a2-46fb-8243-3658cee556ce",
	JobID:              "BoxOutDelta.1",
	State:              "success",
	Steps:              []step{{Name: "Import", Status: "success", Details: "<adele> & co"}},
}

func TestPrintJSON(t *testing.T) {
	tests := []struct {
		name string
		data any
		want string
	}{
		{
			name: "struct tags, indent, no HTML escaping",
			data: sampleOutcome,
			want: `{
  "servicePrincipalId": "8783a342-f7a2-46fb-8243-3658cee556ce",
  "jobId": "BoxOutDelta.1",
  "state": "success",
  "steps": [
    {
      "name": "Import",
      "status": "success",
      "details": "<adele> & co"
    }
  ]
}
`,
		},
		{name: "null", data: nil, want: "null\n"},
		{name: "empty list", data: []string{}, want: "[]\n"},
		{name: "control characters escaped", data: "a\x1b[2J\n", want: `"a\u001b[2J\n"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, errOut := Test()
			p, err := NewPrinter(s, JSON, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Print(tt.data, nil); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout =\n%s\nwant\n%s", got, tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr written: %q", errOut.String())
			}
		})
	}
}

func TestPrintJSONIgnoresView(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, JSON, "")
	if err := p.Print(map[string]int{"a": 1}, sampleView{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "{\n  \"a\": 1\n}\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestPrintYAML(t *testing.T) {
	s, out, _ := Test()
	p, err := NewPrinter(s, YAML, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Print(sampleOutcome, nil); err != nil {
		t.Fatal(err)
	}
	want := `jobId: BoxOutDelta.1
servicePrincipalId: 8783a342-f7a2-46fb-8243-3658cee556ce
state: success
steps:
- details: <adele> & co
  name: Import
  status: success
`
	if got := out.String(); got != want {
		t.Errorf("stdout =\n%s\nwant\n%s", got, want)
	}
}

// TestYAMLFieldNamesAreJSONNames checks that YAML carries exactly the JSON
// document: same names (from json tags, omitempty honoured), same values.
func TestYAMLFieldNamesAreJSONNames(t *testing.T) {
	values := []any{
		sampleOutcome,
		outcome{ServicePrincipalID: "x"}, // omitempty fields absent in both
		map[string]any{"big": uint64(18446744073709551615), "nested": map[string]any{"camelCase": true}},
	}
	for _, v := range values {
		js, err := marshalJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		ys, err := marshalYAML(v)
		if err != nil {
			t.Fatal(err)
		}
		back, err := yaml.YAMLToJSON(ys)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON, fromYAML any
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(back, &fromYAML); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromJSON, fromYAML) {
			t.Errorf("YAML differs from JSON:\nJSON %s\nYAML %s", js, ys)
		}
		if strings.Contains(string(ys), "templateId") || strings.Contains(string(ys), "ServicePrincipalID") {
			t.Errorf("YAML does not follow the json tags:\n%s", ys)
		}
	}
}

func TestPrintTableWithoutViewFallsBackToJSON(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, Table, "")
	if err := p.Print(map[string]string{"a": "<b>"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "{\n  \"a\": \"<b>\"\n}\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestPrintTableUsesDataAsViewer(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, Table, "")
	if err := p.Print(sampleView{}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "Job\nState\tsuccess\n") {
		t.Errorf("stdout = %q", out.String())
	}
}

// TestEncodedOutputOnTerminal checks that JSON and YAML shown on a terminal
// cannot carry raw C1 or bidi controls, and that JSON stays the same value.
func TestEncodedOutputOnTerminal(t *testing.T) {
	hostile := map[string]string{"name": "a\u009b2Jb\u202ecod.exe\u2028\x7f\x1b]0;t\x07"}
	for _, format := range []Format{JSON, YAML} {
		t.Run(string(format), func(t *testing.T) {
			s, out, _ := Test()
			s.StdoutTTY = true
			p, _ := NewPrinter(s, format, "")
			if err := p.Print(hostile, nil); err != nil {
				t.Fatal(err)
			}
			assertTerminalSafe(t, out.String(), false)
			if format == JSON {
				var back map[string]string
				if err := json.Unmarshal(out.Bytes(), &back); err != nil {
					t.Fatalf("terminal JSON is not JSON: %v\n%s", err, out)
				}
				if !reflect.DeepEqual(back, hostile) {
					t.Errorf("terminal JSON changed the value: %q", back)
				}
			}
		})
	}
}

func TestEncodedOutputInPipeIsExact(t *testing.T) {
	s, out, _ := Test()
	p, _ := NewPrinter(s, JSON, "")
	if err := p.Print("\u009b\u202e", nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "\"\u009b\u202e\"\n" {
		t.Errorf("stdout = %q, want the encoder's bytes", got)
	}
}

type unencodable struct{}

func (unencodable) MarshalJSON() ([]byte, error) { return nil, errors.New("nope") }

func TestPrintEncodeError(t *testing.T) {
	for _, format := range Formats() {
		s, out, _ := Test()
		p, _ := NewPrinter(s, format, "")
		if err := p.Print(unencodable{}, nil); err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("%s: error = %v", format, err)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote %q on error", format, out)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestPrintWriteError(t *testing.T) {
	s, _, _ := Test()
	s.Out = failingWriter{}
	p, _ := NewPrinter(s, JSON, "")
	if err := p.Print(1, nil); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("error = %v", err)
	}
}

type jsonlPair struct {
	A int `json:"a"`
}

func (p jsonlPair) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`[%d, {"html": "<&>"}]`, p.A)), nil
}

func TestPrintJSONL(t *testing.T) {
	tests := []struct {
		name string
		data any
		want string
	}{
		{
			name: "a list is one compact element per line",
			data: []outcome{sampleOutcome, {ServicePrincipalID: "x", State: "pending"}},
			want: `{"servicePrincipalId":"8783a342-f7a2-46fb-8243-3658cee556ce","jobId":"BoxOutDelta.1","state":"success","steps":[{"name":"Import","status":"success","details":"<adele> & co"}]}` + "\n" +
				`{"servicePrincipalId":"x","state":"pending","steps":null}` + "\n",
		},
		{name: "one value is one line", data: sampleOutcome, want: `{"servicePrincipalId":"8783a342-f7a2-46fb-8243-3658cee556ce","jobId":"BoxOutDelta.1","state":"success","steps":[{"name":"Import","status":"success","details":"<adele> & co"}]}` + "\n"},
		{name: "map", data: map[string]any{"b": []int{1, 2}, "a": "<x>"}, want: `{"a":"<x>","b":[1,2]}` + "\n"},
		{name: "empty list prints nothing", data: []string{}, want: ""},
		{name: "nil slice prints nothing", data: []outcome(nil), want: ""},
		{name: "null", data: nil, want: "null\n"},
		{name: "nil pointer", data: (*outcome)(nil), want: "null\n"},
		{name: "array", data: [2]int{1, 2}, want: "1\n2\n"},
		{name: "nested lists stay on their line", data: [][]int{{1, 2}, {}, nil}, want: "[1,2]\n[]\nnull\n"},
		{name: "bytes are a string", data: []byte("hi"), want: `"aGk="` + "\n"},
		{name: "nil bytes are null", data: []byte(nil), want: "null\n"},
		{name: "raw JSON array, numbers exact", data: json.RawMessage(`[ 12345678901234567890 , {"a" : 1.50} ]`), want: "12345678901234567890\n{\"a\":1.50}\n"},
		{name: "own encoding that is an array", data: jsonlPair{A: 7}, want: "7\n{\"html\":\"<&>\"}\n"},
		{name: "big integers exact", data: []uint64{18446744073709551615}, want: "18446744073709551615\n"},
		{name: "newlines in strings stay escaped", data: []string{"a\nb", "c\u2028d"}, want: `"a\nb"` + "\n" + `"c\u2028d"` + "\n"}, // encoding/json escapes U+2028
		{name: "control characters escaped", data: "a\x1b[2J\n", want: `"a\u001b[2J\n"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, errOut := Test()
			p, err := NewPrinter(s, JSONL, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Print(tt.data, sampleView{}); err != nil { // the view is not used
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout =\n%q\nwant\n%q", got, tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr written: %q", errOut.String())
			}
			for _, line := range strings.SplitAfter(out.String(), "\n") {
				if line != "" && !json.Valid([]byte(line)) {
					t.Errorf("line %q is not JSON", line)
				}
			}
		})
	}
}

// TestJSONLOnTerminal checks that each line shown on a terminal is the same
// JSON value, with nothing a terminal would act on or hide.
func TestJSONLOnTerminal(t *testing.T) {
	hostile := []map[string]string{
		{"name": "a\u009b2Jb\u202ecod.exe\u2028\x7f\x1b]0;t\x07"},
		{"name": "Box\u200b" + string(rune(0xe0041))},
	}
	s, out, _ := Test()
	s.StdoutTTY = true
	p, _ := NewPrinter(s, JSONL, "")
	if err := p.Print(hostile, nil); err != nil {
		t.Fatal(err)
	}
	assertTerminalSafe(t, out.String(), false)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(hostile) {
		t.Fatalf("%d lines, want %d: %q", len(lines), len(hostile), out)
	}
	for i, line := range lines {
		var back map[string]string
		if err := json.Unmarshal([]byte(line), &back); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i, err, line)
		}
		if !reflect.DeepEqual(back, hostile[i]) {
			t.Errorf("line %d changed the value: %q", i, back)
		}
	}

	// In a pipe the encoder's bytes go out as they are.
	s, out, _ = Test()
	p, _ = NewPrinter(s, JSONL, "")
	if err := p.Print([]string{"\u009b\u202e"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "\"\u009b\u202e\"\n" {
		t.Errorf("stdout = %q, want the encoder's bytes", got)
	}
}

// TestJSONLForEveryCommandShape prints the shapes commands print (a list,
// one value, a Viewer with a list inside, an empty result) and checks that
// -o jsonl always gives JSON lines.
func TestJSONLForEveryCommandShape(t *testing.T) {
	for _, data := range []any{
		[]outcome{sampleOutcome}, sampleOutcome, &sampleOutcome, []any{}, map[string]string{}, "v1.2.3", 42, true,
	} {
		s, out, _ := Test()
		p, _ := NewPrinter(s, JSONL, "")
		if err := p.Print(data, nil); err != nil {
			t.Fatalf("%T: %v", data, err)
		}
		for _, line := range strings.SplitAfter(out.String(), "\n") {
			if line == "" {
				continue
			}
			if !strings.HasSuffix(line, "\n") || !json.Valid([]byte(line)) || strings.Count(line, "\n") != 1 {
				t.Errorf("%T: line %q is not one JSON line", data, line)
			}
		}
	}
}
