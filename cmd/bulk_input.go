package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
	"github.com/provctl/provctl/internal/provision/subjectlist"
)

// maxShownProblems is how many bad lines are listed before "and N more".
const maxShownProblems = 20

// readSubjectFile reads --from (a path, or - for stdin) into references,
// before anything is sent. Bad lines refuse the whole file (exit 2) unless
// skipInvalid; duplicates are noted.
func readSubjectFile(ctx context.Context, streams *output.Streams, path, column string, skipInvalid bool) ([]provision.SubjectRef, error) {
	name := path
	var r io.Reader
	if path == "-" {
		name, r = "stdin", streams.In
		if r == nil {
			return nil, usageErr(errors.New("--from -: there is no standard input to read"))
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErr(fmt.Errorf("--from: %w", err))
		}
		defer f.Close()
		r = f
	}
	list, err := parseInterruptibly(ctx, r, column)
	if errors.Is(err, context.Canceled) {
		return nil, err // Ctrl-C while a pipe is silent: exit 130
	}
	if err != nil {
		return nil, usageErr(fmt.Errorf("--from %s: %w", name, err))
	}
	if n := list.Invalid(); n > 0 {
		for i, p := range list.Problems {
			if i == maxShownProblems {
				break
			}
			streams.Warnf("%s:%d: %s: %s", name, p.Line, p.Reason, p.Text)
		}
		if more := n - min(len(list.Problems), maxShownProblems); more > 0 {
			streams.Warnf("%s: and %d more bad lines", name, more)
		}
		if !skipInvalid {
			return nil, usageErr(fmt.Errorf("--from %s: %d bad lines; fix them, or pass --skip-invalid to provision the others (nothing was sent)", name, n))
		}
		streams.Warnf("%s: %d bad lines skipped (--skip-invalid)", name, n)
	}
	for i, d := range list.Duplicates {
		if i == maxShownProblems {
			streams.Warnf("%s: and %d more duplicates", name, len(list.Duplicates)-i+list.MoreDuplicates)
			break
		}
		streams.Warnf("%s:%d: %s repeats line %d: provisioned once", name, d.Line, d.Ref, d.FirstLine)
	}
	if len(list.Entries) == 0 {
		return nil, usageErr(fmt.Errorf("--from %s: no users in it", name))
	}
	refs := make([]provision.SubjectRef, len(list.Entries))
	for i, e := range list.Entries {
		refs[i] = provision.SubjectRef{Ref: e.Ref, Kind: string(e.Kind), Origin: fmt.Sprintf("%s:%d", name, e.Line)}
	}
	return refs, nil
}

// parseInterruptibly parses in the background so that Ctrl-C or SIGTERM
// ends a read from a silent pipe or an endless device at once; the reader
// is abandoned with the process.
func parseInterruptibly(ctx context.Context, r io.Reader, column string) (*subjectlist.List, error) {
	type result struct {
		list *subjectlist.List
		err  error
	}
	done := make(chan result, 1)
	go func() {
		list, err := subjectlist.Parse(r, subjectlist.Options{Column: column})
		done <- result{list, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		return res.list, res.err
	}
}
