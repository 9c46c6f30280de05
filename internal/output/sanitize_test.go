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
		{"bidi override shown", "abc\u202edcb.exe", `abc\u202edcb.exe`},
		{"bidi embeddings shown", "\u202aa\u202bb\u202cc\u202d", `\u202aa\u202bb\u202cc\u202d`},
		{"bidi isolates shown", "\u2066a\u2067b\u2068c\u2069", `\u2066a\u2067b\u2068c\u2069`},
		{"bidi marks shown", "a\u200eb\u200fc\u061cd", `a\u200eb\u200fc\u061cd`},
		{"zero-width shown", "B\u200bo\u200cx\u200d", `B\u200bo\u200cx\u200d`},
		{"word joiner and invisible operators", "a\u2060b\u2061c\u2062d\u2063e\u2064", `a\u2060b\u2061c\u2062d\u2063e\u2064`},
		{"BOM", "\ufeffBox", `\ufeffBox`},
		{"soft hyphen", "Ad\u00adele", `Ad\u00adele`},
		{"tag characters", "ok\U000e0001\U000e0041\U000e007f", `ok\U000e0001\U000e0041\U000e007f`},
		{"other Cf", "\u0600\ufff9\U0001d173", `\u0600\ufff9\U0001d173`},
		{"Hangul filler", "\u3164", `\u3164`},
		{"variation selector kept", "\u2764\ufe0f", "\u2764\ufe0f"},
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
	in := "line 1\n\tline 2\x1b[2J\u202e\r\u200b\U000e0041"
	if got, want := sanitizeText(in), "line 1\n\tline 2\\x1b[2J\\u202e\\r\\u200b\\U000e0041"; got != want {
		t.Errorf("sanitizeText(%q) = %q, want %q", in, got, want)
	}
}

func TestEscapeJSON(t *testing.T) {
	in := []byte("{\"a\": \"x\u009b\u202e\u2028\x7f\u200b\u00ad\U000e0041\"}\n")
	want := `{"a": "x\u009b\u202e\u2028\u007f\u200b\u00ad\udb40\udc41"}` + "\n"
	if got := string(escapeJSON(in)); got != want {
		t.Errorf("escapeJSON = %q, want %q", got, want)
	}
	var back, orig map[string]string
	if err := json.Unmarshal([]byte(want), &back); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(in, &orig); err != nil {
		t.Fatal(err)
	}
	if back["a"] != orig["a"] {
		t.Errorf("escaped JSON decodes to %q, want %q", back["a"], orig["a"])
	}
	safe := []byte("{\"a\": \"Zoë\"}\n")
	if got := escapeJSON(safe); &got[0] != &safe[0] {
		t.Error("escapeJSON copied a document that needed no change")
	}
}

func TestEscapeYAML(t *testing.T) {
	// In a double-quoted scalar the escapes are the same runes.
	in := "a: \"x\u200b\U000e0041\\t\"\n"
	got := string(escapeYAML([]byte(in)))
	if want := `a: "x\u200b\U000e0041\t"` + "\n"; got != want {
		t.Fatalf("escapeYAML = %q, want %q", got, want)
	}
	var back, orig map[string]string
	if err := yaml.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(in), &orig); err != nil {
		t.Fatal(err)
	}
	if back["a"] != orig["a"] {
		t.Errorf("escaped YAML decodes to %q, want %q", back["a"], orig["a"])
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("")
	f.Add("plain ascii")
	f.Add("\xc2\x9b\xe2\x80\xae")
	f.Add("B\u200bo\u00adx\ufeff\u2064\U000e0041\u200f")
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		y, err := marshalYAML(map[string]string{"v": s})
		if err != nil {
			t.Fatalf("marshalYAML(%q): %v", s, err)
		}
		// Everything shown on a terminal: nothing in it can act on the
		// terminal or hide.
		for name, got := range map[string]string{
			"Sanitize": Sanitize(s), "sanitizeText": sanitizeText(s),
			"escapeJSON": string(escapeJSON(doc)), "escapeYAML": string(escapeYAML(y)),
		} {
			if !utf8.ValidString(got) {
				t.Fatalf("%s(%q) = %q: not valid UTF-8", name, s, got)
			}
			for _, r := range got {
				if (r == '\n' || r == '\t') && name != "Sanitize" {
					continue
				}
				if isControl(r) || isHidden(r) || (name == "Sanitize" && (r == '\u2028' || r == '\u2029')) {
					t.Fatalf("%s(%q) = %q: holds %U", name, s, got, r)
				}
			}
		}
		// Nothing hidden is silently removed: each hidden rune becomes
		// one escape.
		if hidden, escapes := countHidden(s), strings.Count(Sanitize(s), `\u`)+strings.Count(Sanitize(s), `\U`); escapes < hidden {
			t.Fatalf("Sanitize(%q) = %q: %d escapes for %d hidden runes", s, Sanitize(s), escapes, hidden)
		}
		if got := Sanitize(s); strings.ContainsAny(got, "\n\t") {
			t.Fatalf("Sanitize(%q) = %q: holds a newline or tab", s, got)
		}
		// JSON shown on a terminal decodes to the same value as the
		// encoder's bytes.
		var want, got string
		_ = json.Unmarshal(doc, &want)
		if err := json.Unmarshal(escapeJSON(doc), &got); err != nil || got != want {
			t.Fatalf("escapeJSON(%s) decodes to %q, %v; want %q", doc, got, err, want)
		}
		// Any string survives the trip through YAML.
		var back map[string]string
		if err := yaml.Unmarshal(y, &back); err != nil || back["v"] != want {
			t.Fatalf("YAML %q decodes to %q, %v; want %q", y, back["v"], err, want)
		}
	})
}

// countHidden counts the runes of s that isHidden reports.
func countHidden(s string) int {
	n := 0
	for _, r := range s {
		if isHidden(r) {
			n++
		}
	}
	return n
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

func TestSafeWriterShowsHiddenRunes(t *testing.T) {
	// The --debug trace shows bodies as received: a name with a zero-width
	// space or a bidi mark must be visible in it.
	var b strings.Builder
	in := "< {\"displayName\":\"Box\u200b\u200f\ufeff\u00ad\U000e0041\"}\n"
	if _, err := (SafeWriter{W: &b}).Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	want := `< {"displayName":"Box\u200b\u200f\ufeff\u00ad\U000e0041"}` + "\n"
	if got := b.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
