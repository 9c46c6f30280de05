// Command gendocs writes provctl's command reference: Markdown to
// DIR/commands and man pages to DIR/man. With -regions ROOT it also
// rewrites the generated regions (the exit-code and environment tables, from
// cmd/facts.go) of the Markdown files under ROOT, the repository root or a
// copy of it. `make docs` and `make docs-check` run it.
//
// Usage: gendocs [-regions ROOT] DIR
package main

import (
	"flag"
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
	regions := flag.String("regions", "", "rewrite the generated regions of the Markdown files under this `ROOT`")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gendocs [-regions ROOT] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *regions != "" {
		if err := fillRegions(*regions); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
	if err := run(flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	streams, _, _ := output.Test()
	root := cmd.NewCmdRoot(cmd.NewFactory(streams, func(string) string { return "" }))
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

// fillRegions rewrites every generated region of the files under root.
func fillRegions(root string) error {
	for _, r := range cmd.DocRegions() {
		path := filepath.Join(root, filepath.FromSlash(r.File))
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out, err := cmd.FillRegion(string(text), r.Name, r.Body())
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if out != string(text) {
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
