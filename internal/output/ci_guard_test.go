package output

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

func TestGuardCommands(t *testing.T) {
	for _, tt := range []struct {
		writes []string
		want   string
	}{
		{[]string{"error: Graph said no\n"}, "error: Graph said no\n"},
		{[]string{"::add-mask::secret\n"}, `:\x3aadd-mask::secret` + "\n"},
		{[]string{"  \t::set-output name=a::b"}, "  \t" + `:\x3aset-output name=a::b`},
		{[]string{"error: x\n::stop-commands::tok\nok\n"}, "error: x\n" + `:\x3astop-commands::tok` + "\nok\n"},
		{[]string{"a\r::error::x"}, "a\r" + `:\x3aerror::x`},
		{[]string{"\u00a0\u3000::x::y"}, "\u00a0\u3000" + `:\x3ax::y`},
		{[]string{"warning: a ##[add-mask]s"}, `warning: a ##\x5badd-mask]s`},
		{[]string{"x ##vso[task.setvariable variable=a]b ##VsO[x]"}, `x ##vso\x5btask.setvariable variable=a]b ##VsO\x5bx]`},
		{[]string{"###[a]"}, `###\x5ba]`},
		// split across writes: the state of the line is carried over
		{[]string{":", ":x\n"}, `:\x3ax` + "\n"},
		{[]string{"  ", "::x"}, "  " + `:\x3ax`},
		{[]string{"a #", "#[b"}, `a ##\x5bb`},
		{[]string{"##v", "so[b"}, `##vso\x5bb`},
		{[]string{"error: ", "::x"}, "error: ::x"},
		// nothing to escape
		{[]string{"a::b [x] #[y] ##x[ : :z ##vs[o"}, "a::b [x] #[y] ##x[ : :z ##vs[o"},
		{[]string{"::"}, `:\x3a`},
		{[]string{":a:"}, ":a:"},
		{[]string{"é::", "x"}, "é::x"},
	} {
		var out bytes.Buffer
		g := GuardCommands(&out)
		for _, w := range tt.writes {
			n, err := g.Write([]byte(w))
			if err != nil || n != len(w) {
				t.Errorf("%q: Write = %d, %v; want %d, nil", tt.writes, n, err, len(w))
			}
		}
		if out.String() != tt.want {
			t.Errorf("%q: wrote %q, want %q", tt.writes, out.String(), tt.want)
		}
		for _, line := range strings.FieldsFunc(out.String(), func(r rune) bool { return r == '\n' || r == '\r' }) {
			if c, ok := githubParse(line); ok {
				t.Errorf("%q: GitHub reads %+v from %q", tt.writes, c, line)
			}
			if c, _, ok := azureParse(line); ok {
				t.Errorf("%q: Azure reads %+v from %q", tt.writes, c, line)
			}
		}
	}
}

// The ciHostile strings, as messages written through Warnf, never read as a
// command of either CI.
func TestGuardCommandsWithHostileStrings(t *testing.T) {
	s, _, errOut := Test()
	s.ErrOut = GuardCommands(s.ErrOut)
	for _, h := range ciHostile {
		s.Warnf("Graph said: %s", h)
		s.Errorf("%s", h)
		_, _ = s.ErrOut.Write([]byte(h + "\n"))
	}
	for _, line := range strings.FieldsFunc(errOut.String(), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if c, ok := githubParse(line); ok {
			t.Errorf("GitHub reads %+v from %q", c, line)
		}
		if c, _, ok := azureParse(line); ok {
			t.Errorf("Azure reads %+v from %q", c, line)
		}
	}
}

func TestGuardCommandsOnce(t *testing.T) {
	var out bytes.Buffer
	g := GuardCommands(&out)
	if GuardCommands(g) != g {
		t.Error("a guard wrapped twice")
	}
}

func TestGuardCommandsConcurrent(t *testing.T) {
	var out bytes.Buffer
	g := GuardCommands(&out)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				_, _ = g.Write([]byte("::line ##[x]\n"))
			}
		}()
	}
	wg.Wait()
	if want := strings.Repeat(`:\x3aline ##\x5bx]`+"\n", 400); out.String() != want {
		t.Errorf("lines garbled or unescaped")
	}
}
