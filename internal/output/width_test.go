package output

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Zoë", 3},
		{"e\u0301", 1}, // combining acute accent
		{"日本語", 6},
		{"ｆｕｌｌ", 8},     // fullwidth
		{"a\u200bb", 2}, // zero-width space
		{"…", 1},
		{"😀", 2},        // emoji
		{"👩\u200d💻", 2}, // ZWJ sequence: one character
		{"👨\u200d👩\u200d👧\u200d👦", 2}, // family: four emoji, three joiners
		{"🇯🇵", 2},                       // flag: two regional indicators
		{"❤\ufe0f", 2},                  // text symbol with emoji presentation
		{"👍🏽", 2},                       // skin tone modifier
		{"Ä\u0308\u0301", 1},            // stacked combining marks
		{"한국어", 6},                      // Hangul
		{"Zoë 😀 日本", 3 + 1 + 2 + 1 + 4}, // mixed
	}
	for _, tt := range tests {
		if got := displayWidth(tt.in); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello", 0, ""},
		{"日本語", 5, "日本…"},
		{"日本語", 4, "日…"},
		{"日本語", 2, "…"},
		{"Sales force", 7, "Sales…"}, // no space before the ellipsis
		{"👩\u200d💻👩\u200d💻👩\u200d💻", 5, "👩\u200d💻👩\u200d💻…"}, // a ZWJ sequence is never split
		{"👩\u200d💻👩\u200d💻👩\u200d💻", 4, "👩\u200d💻…"},         // nor half of a wide character shown
		{"e\u0301e\u0301e\u0301", 2, "e\u0301…"},             // an accent stays with its letter
		{"🇯🇵🇫🇷🇩🇪", 5, "🇯🇵🇫🇷…"},                               // flags stay pairs
	}
	for _, tt := range tests {
		got := truncate(tt.in, tt.w)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
		if tt.w > 0 && displayWidth(got) > tt.w {
			t.Errorf("truncate(%q, %d) = %q is %d wide", tt.in, tt.w, got, displayWidth(got))
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want []string
	}{
		{"", 10, nil},
		{"short", 10, []string{"short"}},
		{"Failed to create User 'adele' in Box", 16, []string{"Failed to create", "User 'adele' in", "Box"}},
		{"two  spaces here", 5, []string{"two", "spaces", "here"}},
		// An id is never parted at its hyphens; wider than the line, it
		// keeps a line of its own, whole.
		{"id c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13 end", 20, []string{"id", "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13", "end"}},
		{"日本語のテキストです", 8, []string{"日本語の", "テキスト", "です"}}, // CJK breaks between characters
		{"😀 😀 😀", 4, []string{"😀", "😀", "😀"}},
	}
	for _, tt := range tests {
		got := wrap(tt.in, tt.w)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
}

// FuzzTruncate checks what every caller relies on: the result is never
// wider than asked, is valid UTF-8 for valid input, is the input itself
// when it fits, and otherwise a prefix of whole grapheme clusters
// followed by "…".
func FuzzTruncate(f *testing.F) {
	for _, s := range []string{"", "hello", "日本語", "👨\u200d👩\u200d👧\u200d👦 family", "e\u0301\u0302", "🇯🇵🇫🇷", "a\u200db", "\xff\xfe", "Salesforce Sandbox"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		w %= 200
		got, gotWidth := truncateWidth(s, w)
		if w <= 0 {
			if got != "" || gotWidth != 0 {
				t.Fatalf("truncateWidth(%q, %d) = %q, want empty", s, w, got)
			}
			return
		}
		if displayWidth(got) > w || gotWidth != displayWidth(got) {
			t.Fatalf("truncateWidth(%q, %d) = %q (%d), %d wide", s, w, got, gotWidth, displayWidth(got))
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("truncateWidth(%q, %d) = %q is not valid UTF-8", s, w, got)
		}
		if displayWidth(s) <= w {
			if got != s {
				t.Fatalf("truncateWidth(%q, %d) = %q, want it whole", s, w, got)
			}
			return
		}
		head, ok := strings.CutSuffix(got, ellipsis)
		if !ok || !strings.HasPrefix(s, head) {
			t.Fatalf("truncateWidth(%q, %d) = %q is not a prefix and …", s, w, got)
		}
		if !onGraphemeBoundary(s, len(head)) {
			t.Fatalf("truncateWidth(%q, %d) = %q splits a character", s, w, got)
		}
	})
}

// FuzzWrap checks that wrapping loses nothing but the spaces at breaks,
// breaks only between characters, and keeps every line within the width
// unless it is one word that cannot be broken.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"Failed to create User 'adele@contoso.test' in Box", "日本語のテキスト", "👩\u200d💻 x 👩\u200d💻", "a  b", " lead", "trail "} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t") {
			return // wrap takes sanitized one-line text
		}
		w = 1 + abs(w%120)
		lines := wrap(s, w)
		rest := s
		for _, l := range lines {
			if displayWidth(l) > w && strings.Contains(strings.TrimSpace(l), " ") {
				t.Fatalf("wrap(%q, %d): line %q is %d wide", s, w, l, displayWidth(l))
			}
			if !strings.HasPrefix(rest, l) {
				rest = strings.TrimLeft(rest, " ") // the spaces of a break
			}
			if !strings.HasPrefix(rest, l) || !onGraphemeBoundary(rest, len(l)) {
				t.Fatalf("wrap(%q, %d) = %q: line %q does not follow on from %q", s, w, lines, l, rest)
			}
			rest = rest[len(l):]
		}
		if strings.TrimLeft(rest, " ") != "" {
			t.Fatalf("wrap(%q, %d) = %q lost %q", s, w, lines, rest)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// onGraphemeBoundary reports whether byte offset i of s falls between two
// grapheme clusters.
func onGraphemeBoundary(s string, i int) bool {
	at, state, rest := 0, -1, s
	for at < i && len(rest) > 0 {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		at += len(c)
	}
	return at == i
}

func TestWrapCellBreaksLongWords(t *testing.T) {
	got := wrapCell("see https://example.test/a/very/long/path now", 12)
	want := []string{"see", "https://exam", "ple.test/a/v", "ery/long/pat", "h", "now"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapCell = %q, want %q", got, want)
	}
	for _, l := range wrapCell("日本語日本語", 5) {
		if displayWidth(l) > 5 {
			t.Errorf("line %q wider than 5", l)
		}
	}
}

// A multi-valued property's ids wrap between the ids, each id whole.
func TestWrapCellKeepsListedIDsWhole(t *testing.T) {
	a, b := "c2a9d4f1-7b3e-4d58-9e61-2f0b8a7c4d13", "e1b7c6a3-5d24-4f89-b0e2-9a8c7d6f5e41"
	got := wrapCell(a+","+b, 40)
	if len(got) != 2 || got[0] != a+"," || got[1] != b {
		t.Errorf("wrapCell = %q, want the two ids on a line each", got)
	}
	if got := wrapCell("a,b", 10); len(got) != 1 || got[0] != "a,b" {
		t.Errorf("a short list is cut: %q", got)
	}
}
