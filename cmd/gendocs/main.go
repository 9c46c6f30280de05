// Command gendocs writes provctl's command reference: Markdown to
// DIR/commands and man pages to DIR/man. `make docs` runs it.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/provctl/provctl/cmd"
	"github.com/provctl/provctl/internal/output"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	streams, _, _ := output.Test()
	root := cmd.NewCmdRoot(&cmd.Factory{Streams: streams, Getenv: func(string) string { return "" }})
	root.InitDefaultCompletionCmd()
	disableAutoGen(root)
	md, man := filepath.Join(dir, "commands"), filepath.Join(dir, "man")
	for _, d := range []string{md, man} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTree(root, md); err != nil {
		return err
	}
	// A fixed date keeps the pages reproducible, so `make docs-check` can diff them.
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return doc.GenManTree(root, &doc.GenManHeader{Title: "PROVCTL", Section: "1", Source: "provctl", Date: &date}, man)
}

func disableAutoGen(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGen(sub)
	}
}
