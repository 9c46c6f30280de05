package cmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/provctl/provctl/internal/output"
)

// maxAnswer bounds how much of stdin one answer may take.
const maxAnswer = 4096

// confirm asks a yes/no question on stderr and reads the answer from stdin:
// only "y" or "yes" is yes, end of input is no. The question may name Graph
// objects, so it is sanitized.
//
// A read from a terminal cannot be interrupted, so it runs aside and ctx
// (Ctrl-C, SIGTERM) ends the prompt at once with ctx's error; the process
// then exits 130 and the blocked read goes with it.
func confirm(ctx context.Context, s *output.Streams, question string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	fmt.Fprintf(s.ErrOut, "%s? [y/N] ", output.Sanitize(question))
	answer := make(chan string, 1) // buffered: the reader never blocks on send
	go func() {
		line, _ := bufio.NewReader(io.LimitReader(s.In, maxAnswer)).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(s.ErrOut) // end the prompt's line before "error: interrupted"
		return false, ctx.Err()
	case line := <-answer:
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		}
		return false, nil
	}
}
