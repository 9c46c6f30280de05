package output

import "testing"

func TestMessages(t *testing.T) {
	tests := []struct {
		name  string
		tty   bool
		color bool
		warn  bool
		text  string
		want  string
	}{
		{"warning", false, false, true, "cache corrupted", "warning: cache corrupted\n"},
		{"error", false, false, false, "job not found", "error: job not found\n"},
		{"warning colored", true, true, true, "slow", "\x1b[33mwarning:\x1b[0m slow\n"},
		{"error colored", true, true, false, "denied", "\x1b[31merror:\x1b[0m denied\n"},
		{"trailing newline kept single", false, false, true, "x\n", "warning: x\n"},
		{"terminal sanitized", true, false, false, "bad \x1b[2J\nnext", "error: bad \\x1b[2J\nnext\n"},
		{"pipe sanitized too", false, false, false, "bad \x1b[2J", "error: bad \\x1b[2J\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, errOut := Test()
			s.StderrTTY, s.ErrColor = tt.tty, tt.color
			if tt.warn {
				s.Warnf("%s", tt.text)
			} else {
				s.Errorf("%s", tt.text)
			}
			if got := errOut.String(); got != tt.want {
				t.Errorf("stderr = %q, want %q", got, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout written: %q", out.String())
			}
		})
	}
}
