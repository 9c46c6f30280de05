package output

import "testing"

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
