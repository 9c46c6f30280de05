package output

import (
	"encoding/json"
	"errors"
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
