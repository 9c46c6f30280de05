package output

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"sigs.k8s.io/yaml"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Box", "Box"},
		{"unicode kept", "Zoë 日本 ✓", "Zoë 日本 ✓"},
		{"clear screen", "\x1b[2J", `\x1b[2J`},
		{"OSC window title", "\x1b]0;title\x07", `\x1b]0;title\a`},
		{"carriage return", "ok\rFAILED", `ok\rFAILED`},
		{"backspace", "a\bb", `a\bb`},
		{"NUL", "a\x00b", `a\x00b`},
		{"DEL", "a\x7f", `a\x7f`},
		{"C1 CSI", "\u009b31m", `\u009b31m`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"newline and tab", "a\nb\tc\r\n", `a b c\r `},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"bidi override removed", "abc\u202edcb.exe", "abcdcb.exe"},
		{"bidi embeddings removed", "\u202aa\u202bb\u202cc\u202d", "abc"},
		{"bidi isolates removed", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeText(t *testing.T) {
	in := "line 1\n\tline 2\x1b[2J\u202e\r"
	if got, want := sanitizeText(in), "line 1\n\tline 2\\x1b[2J\\r"; got != want {
		t.Errorf("sanitizeText(%q) = %q, want %q", in, got, want)
	}
}

func TestEscapeEncoded(t *testing.T) {
	in := []byte("{\"a\": \"x\u009b\u202e\u2028\x7f\"}\n")
	want := `{"a": "x\u009b\u202e\u2028\u007f"}` + "\n"
	if got := string(escapeEncoded(in)); got != want {
		t.Errorf("escapeEncoded = %q, want %q", got, want)
	}
	safe := []byte("{\"a\": \"Zoë\"}\n")
	if got := escapeEncoded(safe); &got[0] != &safe[0] {
		t.Error("escapeEncoded copied a document that needed no change")
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("")
	f.Add("plain ascii")
	f.Add("\xc2\x9b\xe2\x80\xae")
	f.Fuzz(func(t *testing.T, s string) {
		for name, got := range map[string]string{"Sanitize": Sanitize(s), "sanitizeText": sanitizeText(s)} {
			if !utf8.ValidString(got) {
				t.Fatalf("%s(%q) = %q: not valid UTF-8", name, s, got)
			}
			for _, r := range got {
				if (r == '\n' || r == '\t') && name == "sanitizeText" {
					continue
				}
				if isControl(r) || isBidiControl(r) || (name == "Sanitize" && (r == '\u2028' || r == '\u2029')) {
					t.Fatalf("%s(%q) = %q: holds %U", name, s, got, r)
				}
			}
		}
		if got := Sanitize(s); strings.ContainsAny(got, "\n\t") {
			t.Fatalf("Sanitize(%q) = %q: holds a newline or tab", s, got)
		}
		// JSON shown on a terminal decodes to the same value as the
		// encoder's bytes.
		doc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var want, got string
		_ = json.Unmarshal(doc, &want)
		if err := json.Unmarshal(escapeEncoded(doc), &got); err != nil || got != want {
			t.Fatalf("escapeEncoded(%s) decodes to %q, %v; want %q", doc, got, err, want)
		}
		// Any string survives the trip through YAML.
		y, err := marshalYAML(map[string]string{"v": s})
		if err != nil {
			t.Fatalf("marshalYAML(%q): %v", s, err)
		}
		var back map[string]string
		if err := yaml.Unmarshal(y, &back); err != nil || back["v"] != want {
			t.Fatalf("YAML %q decodes to %q, %v; want %q", y, back["v"], err, want)
		}
	})
}

func TestSafeWriterKeepsLinesEscapesControls(t *testing.T) {
	var b strings.Builder
	in := []byte("< <html>\x1b]0;pwned\x07\x1b[2J\n\tnext line\n")
	n, err := SafeWriter{W: &b}.Write(in)
	if err != nil || n != len(in) {
		t.Fatalf("n=%d err=%v", n, err)
	}
	got := b.String()
	if strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, "\n\tnext line\n") {
		t.Fatalf("got %q", got)
	}
}

func TestSanitizeShowsZeroWidth(t *testing.T) {
	if got := Sanitize("Box\u200b"); got != `Box\u200b` {
		t.Fatalf("got %q", got)
	}
	if got := Sanitize("Bo\ufeffx"); got != `Bo\ufeffx` {
		t.Fatalf("got %q", got)
	}
}
