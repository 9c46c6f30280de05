// Command gendocs writes provctl's command reference: Markdown to
// DIR/commands and man pages to DIR/man, provctl(1) with ENVIRONMENT, EXIT
// STATUS and FILES sections from cmd/facts.go and cmd/man_sections.go. With -regions ROOT it also
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
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

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
	escapeText(root)
	if err := doc.GenMarkdownTree(root, md); err != nil {
		return err
	}
	escapeFlagUsages(root, map[*pflag.Flag]bool{})
	// A fixed date keeps the pages reproducible, so `make docs-check` can diff them.
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := doc.GenManTree(root, &doc.GenManHeader{Title: "PROVCTL", Section: "1", Source: "provctl", Date: &date}, man); err != nil {
		return err
	}
	return addManSections(filepath.Join(man, "provctl.1"), cmd.ManSections())
}

// cobra/doc hands Short, Long and (for man pages) the flags' usage to a
// Markdown renderer, which reads "<config dir>" as an HTML tag and drops it:
// the pages said "(default /config.yaml)". A backslash keeps it text. The
// flags' usage is escaped only for the man pages: the Markdown pages show
// it in a code block, where a backslash would show.
var angle = strings.NewReplacer("<", `\<`)

func escapeText(c *cobra.Command) {
	c.Short, c.Long = angle.Replace(c.Short), angle.Replace(c.Long)
	for _, sub := range c.Commands() {
		escapeText(sub)
	}
}

func escapeFlagUsages(c *cobra.Command, done map[*pflag.Flag]bool) {
	for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.InheritedFlags()} {
		fs.VisitAll(func(f *pflag.Flag) {
			if !done[f] {
				f.Usage, done[f] = angle.Replace(f.Usage), true
			}
		})
	}
	for _, sub := range c.Commands() {
		escapeFlagUsages(sub, done)
	}
}

// addManSections puts sections (ENVIRONMENT, EXIT STATUS, FILES) into the
// man page at path, before SEE ALSO, where man-pages(7) orders them.
func addManSections(path string, sections []cmd.ManSection) error {
	page, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	const seeAlso = "\n.SH SEE ALSO\n"
	if n := strings.Count(string(page), seeAlso); n != 1 {
		return fmt.Errorf("%s: want one SEE ALSO section to put the others before, found %d", path, n)
	}
	var add strings.Builder
	for _, s := range sections {
		fmt.Fprintf(&add, "\n.SH %s\n%s\n", s.Title, s.Roff)
	}
	out := strings.Replace(string(page), seeAlso, add.String()+seeAlso, 1)
	return os.WriteFile(path, []byte(out), 0o644)
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
