package output

import (
	"os"
	"testing"

	"github.com/creack/pty"
	"github.com/fatih/color"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestColorWanted(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"terminal", true, nil, true},
		{"pipe", false, nil, false},
		{"NO_COLOR set", true, map[string]string{"NO_COLOR": "1"}, false},
		{"NO_COLOR any value", true, map[string]string{"NO_COLOR": "false"}, false},
		{"NO_COLOR empty", true, map[string]string{"NO_COLOR": ""}, true},
		{"TERM dumb", true, map[string]string{"TERM": "dumb"}, false},
		{"TERM xterm", true, map[string]string{"TERM": "xterm-256color"}, true},
		{"CLICOLOR_FORCE in a pipe", false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"CLICOLOR_FORCE beats NO_COLOR", true, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, true},
		{"CLICOLOR_FORCE=0", false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := colorWanted(tt.tty, env(tt.env)); got != tt.want {
				t.Errorf("colorWanted(%v, %v) = %v, want %v", tt.tty, tt.env, got, tt.want)
			}
		})
	}
}

func TestDetectPipes(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	s := detect(r, w, w, env(nil))
	if s.StdinTTY || s.StdoutTTY || s.StderrTTY || s.Color || s.ErrColor || s.Width != 0 {
		t.Errorf("pipes detected as %+v", s)
	}
	if s.CanPrompt() {
		t.Error("CanPrompt on pipes")
	}
}

func TestDetectPseudoTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("cannot open a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
		t.Skipf("cannot size the pseudo-terminal: %v", err)
	}

	s := detect(tty, tty, tty, env(map[string]string{"TERM": "xterm"}))
	if !s.StdinTTY || !s.StdoutTTY || !s.StderrTTY {
		t.Fatalf("pseudo-terminal not detected: %+v", s)
	}
	if !s.Color || !s.ErrColor {
		t.Errorf("color off on a terminal: %+v", s)
	}
	if s.Width != 100 || s.ErrWidth != 100 {
		t.Errorf("width = %d/%d, want 100", s.Width, s.ErrWidth)
	}
	if !s.CanPrompt() {
		t.Error("CanPrompt = false on a terminal")
	}

	s = detect(tty, tty, tty, env(map[string]string{"NO_COLOR": "1"}))
	if s.Color || s.ErrColor {
		t.Errorf("NO_COLOR ignored: %+v", s)
	}
}

func TestSystem(t *testing.T) {
	s := System()
	if s.In != os.Stdin || s.Out != os.Stdout || s.ErrOut != os.Stderr {
		t.Errorf("System() streams are not the process's: %+v", s)
	}
}

func TestTestStreams(t *testing.T) {
	s, out, errOut := Test()
	if s.StdoutTTY || s.StderrTTY || s.StdinTTY || s.Color || s.ErrColor {
		t.Errorf("Test() streams claim a terminal or color: %+v", s)
	}
	if s.Out != out || s.ErrOut != errOut {
		t.Error("Test() buffers are not the streams")
	}
}

func TestDisableColor(t *testing.T) {
	s, _, _ := Test()
	s.Color, s.ErrColor = true, true
	s.DisableColor()
	if s.Color || s.ErrColor {
		t.Errorf("DisableColor left color on: %+v", s)
	}
}

func TestPaintIgnoresGlobalNoColor(t *testing.T) {
	saved := color.NoColor
	defer func() { color.NoColor = saved }()

	s, _, _ := Test()
	for _, global := range []bool{true, false} {
		color.NoColor = global
		s.Color, s.ErrColor = true, true
		if got := s.Paint(Success, "ok"); got != "\x1b[32mok\x1b[0m" {
			t.Errorf("global NoColor=%v: Paint with Color = %q", global, got)
		}
		if got := s.ErrPaint(Failure, "bad"); got != "\x1b[31mbad\x1b[0m" {
			t.Errorf("global NoColor=%v: ErrPaint with ErrColor = %q", global, got)
		}
		s.DisableColor()
		if got := s.Paint(Success, "ok"); got != "ok" {
			t.Errorf("global NoColor=%v: Paint without Color = %q", global, got)
		}
		if got := s.ErrPaint(Failure, "bad"); got != "bad" {
			t.Errorf("global NoColor=%v: ErrPaint without ErrColor = %q", global, got)
		}
	}
}

func TestPaintStyles(t *testing.T) {
	s, _, _ := Test()
	s.Color = true
	tests := []struct {
		style Style
		want  string
	}{
		{Plain, "x"},
		{Success, "\x1b[32mx\x1b[0m"},
		{Warning, "\x1b[33mx\x1b[0m"},
		{Failure, "\x1b[31mx\x1b[0m"},
		{Pending, "\x1b[36mx\x1b[0m"},
		{Muted, "\x1b[90mx\x1b[0m"},
		{Bold, "\x1b[1mx\x1b[22m"},
		{Style(99), "x"},
	}
	for _, tt := range tests {
		if got := s.Paint(tt.style, "x"); got != tt.want {
			t.Errorf("Paint(%d) = %q, want %q", tt.style, got, tt.want)
		}
	}
}
