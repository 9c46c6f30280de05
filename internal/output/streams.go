package output

import (
	"bytes"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// defaultWidth is the width assumed for a terminal whose size is unknown.
const defaultWidth = 120

// Streams holds the standard streams of the process and what is known about
// them. System detects the real ones; tests build one with Test and flip the
// TTY and color fields to pretend to be a terminal.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// StdoutTTY, StderrTTY and StdinTTY report whether each stream is a
	// terminal.
	StdoutTTY bool
	StderrTTY bool
	StdinTTY  bool

	// Color turns on color for stdout, ErrColor for stderr.
	Color    bool
	ErrColor bool

	// Width is the terminal width of stdout and ErrWidth that of stderr, in
	// columns; 0 means unknown (a terminal is then taken to be 120 wide).
	Width    int
	ErrWidth int
}

// System returns the process's standard streams with terminals detected.
//
// Color is on for a stream that is a terminal, unless NO_COLOR is set to a
// non-empty value (https://no-color.org) or TERM is "dumb"; CLICOLOR_FORCE
// set to anything but "" or "0" turns it on even when the stream is not a
// terminal.
func System() *Streams {
	return detect(os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// detect builds Streams for the given files; getenv is os.Getenv outside tests.
func detect(in, out, errOut *os.File, getenv func(string) string) *Streams {
	s := &Streams{
		In:        in,
		Out:       out,
		ErrOut:    errOut,
		StdinTTY:  isTerminal(in),
		StdoutTTY: isTerminal(out),
		StderrTTY: isTerminal(errOut),
	}
	s.Width = terminalWidth(out, s.StdoutTTY)
	s.ErrWidth = terminalWidth(errOut, s.StderrTTY)
	s.Color = colorWanted(s.StdoutTTY, getenv)
	s.ErrColor = colorWanted(s.StderrTTY, getenv)
	return s
}

// colorWanted applies the CLICOLOR_FORCE, NO_COLOR and TERM conventions.
func colorWanted(tty bool, getenv func(string) string) bool {
	if force := getenv("CLICOLOR_FORCE"); force != "" && force != "0" {
		return true
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return tty
}

func isTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

func terminalWidth(f *os.File, tty bool) int {
	if !tty {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil || w <= 0 {
		return 0
	}
	return w
}

// Test returns Streams over in-memory buffers, none of them a terminal, with
// color off, and the buffers behind Out and ErrOut.
func Test() (*Streams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Streams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut}, out, errOut
}

// DisableColor turns color off on both stdout and stderr (--no-color).
func (s *Streams) DisableColor() {
	s.Color = false
	s.ErrColor = false
}

// CanPrompt reports whether the user can be asked a question: stdin and
// stderr are both terminals.
func (s *Streams) CanPrompt() bool {
	return s.StdinTTY && s.StderrTTY
}

// outWidth is the width tables on stdout must fit.
func (s *Streams) outWidth() int {
	if s.Width > 0 {
		return s.Width
	}
	return defaultWidth
}

// errWidth is the width a progress line on stderr must fit.
func (s *Streams) errWidth() int {
	if s.ErrWidth > 0 {
		return s.ErrWidth
	}
	return defaultWidth
}
