package output

import "testing"

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{"table", Table, ""},
		{"json", JSON, ""},
		{"yaml", YAML, ""},
		{"jsonl", JSONL, ""},
		{" JSONL", JSONL, ""},
		{" JSON ", JSON, ""},
		{"xml", "", `unknown output format "xml": use table, json, jsonl or yaml`},
		{"", "", `unknown output format "": use table, json, jsonl or yaml`},
		{"yml", "", `unknown output format "yml": use table, json, jsonl or yaml`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseFormat(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	want := []Format{Table, JSON, JSONL, YAML}
	got := Formats()
	if len(got) != len(want) {
		t.Fatalf("Formats() = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Formats() = %q, want %q", got, want)
		}
	}
	if got := formatList(); got != "table, json, jsonl or yaml" {
		t.Errorf("formatList() = %q", got)
	}
}

func TestFormatsAreParsable(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
}

func TestNewPrinterRejectsUnknownFormat(t *testing.T) {
	s, _, _ := Test()
	if _, err := NewPrinter(s, "xml", ""); err == nil {
		t.Fatal("NewPrinter with format xml: want error")
	}
	p, err := NewPrinter(s, "", "")
	if err != nil || p.Format != Table {
		t.Fatalf("NewPrinter with empty format = %+v, %v; want table", p, err)
	}
}
