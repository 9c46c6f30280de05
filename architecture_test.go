package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The layering of docs/design.md §3, checked on what the code imports:
//
//	main.go ──> cmd/ ──> internal/provision ──> internal/graph
//	              └──> internal/output, internal/auth, internal/emulator
//
// provision → graph is the only edge between internal packages; cmd and the
// root package may import anything.

const module = "github.com/provctl/provctl"

// layerRule constrains a package and its sub-packages (a layer). A layer
// may always import its own sub-packages.
type layerRule struct {
	layer string // import path relative to the module, e.g. "internal/graph"
	// allow: the only other provctl packages (and their sub-packages) the
	// layer may import.
	allow []string
	// forbid: outside packages (and their sub-packages) the layer must not
	// import, directly or through another package.
	forbid []string
	why    string
}

var layerRules = []layerRule{
	{layer: "internal/emulator", why: "the emulator is the other side: it is written from the documented wire shapes, never from provctl's code"},
	{layer: "internal/graph", why: "graph is the HTTP layer and defines TokenSource itself"},
	{layer: "internal/auth", why: "auth implements graph.TokenSource without importing it"},
	{layer: "internal/output", why: "output renders any value and knows no domain"},
	{layer: "internal/doctor", why: "doctor's checks probe networks and read token claims; cmd gives them provctl's settings, so they can be tested alone"},
	{layer: "internal/provision", allow: []string{"internal/graph"},
		forbid: []string{"github.com/spf13/cobra", "github.com/spf13/viper"},
		why:    "provision is the domain: it knows nothing of cobra, viper or terminals"},
}

// goPackage is the part of `go list -json` the rules need.
type goPackage struct {
	ImportPath   string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// within reports whether path is pkg or one of its sub-packages.
func within(path, pkg string) bool {
	return path == pkg || strings.HasPrefix(path, pkg+"/")
}

// ruleFor is the rule of the layer that holds pkg, if any.
func ruleFor(pkg string, rules []layerRule) (layerRule, bool) {
	for _, r := range rules {
		if within(pkg, module+"/"+r.layer) {
			return r, true
		}
	}
	return layerRule{}, false
}

// forbidden says why the layer may not import dep ("" when it may), and
// the package the rule names (an outside module's sub-packages are one
// problem, reported once).
func forbidden(r layerRule, dep string) (why, target string) {
	if within(dep, module+"/"+r.layer) {
		return "", ""
	}
	for _, f := range r.forbid {
		if within(dep, f) {
			return r.layer + " must not import " + f, f
		}
	}
	if !within(dep, module) {
		return "", ""
	}
	for _, a := range r.allow {
		if within(dep, module+"/"+a) {
			return "", ""
		}
	}
	allowed := "no other provctl package"
	if len(r.allow) > 0 {
		allowed = "no provctl package but " + strings.Join(r.allow, ", ")
	}
	return r.layer + " may import " + allowed, dep
}

// importChain is the shortest import path from "from" to "to" through the
// packages' own imports (for the message: which import brought it in).
func importChain(byPath map[string]goPackage, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			return chain
		}
		for _, next := range byPath[p].Imports {
			if _, seen := prev[next]; !seen {
				prev[next] = p
				queue = append(queue, next)
			}
		}
	}
	return []string{from, to}
}

func short(path string) string {
	if path == module {
		return "provctl (root)"
	}
	return strings.TrimPrefix(path, module+"/")
}

// checkLayers returns one message per forbidden edge: each package of a
// layer against its transitive dependencies, and against what its test
// files import directly.
func checkLayers(pkgs []goPackage, rules []layerRule) []string {
	byPath := make(map[string]goPackage, len(pkgs))
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	var problems []string
	for _, p := range pkgs {
		if !within(p.ImportPath, module) {
			continue
		}
		r, ok := ruleFor(p.ImportPath, rules)
		if !ok {
			continue
		}
		reported := map[string]bool{}
		for _, dep := range p.Deps {
			why, target := forbidden(r, dep)
			if why == "" || reported[target] {
				continue
			}
			reported[target] = true
			chain := importChain(byPath, p.ImportPath, dep)
			for i := range chain {
				chain[i] = short(chain[i])
			}
			problems = append(problems, fmt.Sprintf("forbidden import %s → %s (via %s): %s; %s",
				short(p.ImportPath), short(target), strings.Join(chain, " → "), why, r.why))
		}
		tests := append(slices.Clone(p.TestImports), p.XTestImports...)
		for _, dep := range tests {
			if dep == p.ImportPath {
				continue // an external test package imports the package it tests
			}
			if why, target := forbidden(r, dep); why != "" {
				problems = append(problems, fmt.Sprintf("forbidden import %s → %s (in its tests): %s; %s",
					short(p.ImportPath), short(target), why, r.why))
			}
		}
	}
	sort.Strings(problems)
	return slices.Compact(problems)
}

// listPackages runs `go list -deps -json` on patterns.
func listPackages(t *testing.T, patterns ...string) []goPackage {
	t.Helper()
	c := exec.Command("go", append([]string{"list", "-deps", "-json"}, patterns...)...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestArchitecture(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	pkgs := listPackages(t, "./...")
	seen := map[string]bool{}
	for _, p := range pkgs {
		if within(p.ImportPath, module) {
			seen[p.ImportPath] = true
		}
	}
	// A rule that matches nothing protects nothing (a layer was renamed).
	for _, r := range layerRules {
		if !seen[module+"/"+r.layer] {
			t.Errorf("architecture rule for %s matches no package: update layerRules", r.layer)
		}
	}
	// Every internal package belongs to a layer with a rule.
	for path := range seen {
		if within(path, module+"/internal") {
			if _, ok := ruleFor(path, layerRules); !ok {
				t.Errorf("%s has no architecture rule: add its layer to layerRules in architecture_test.go", short(path))
			}
		}
	}
	for _, p := range checkLayers(pkgs, layerRules) {
		t.Error(p)
	}
}

// TestArchitectureCheckerCatchesForbiddenEdges feeds the checker fake
// dependency lists, one forbidden edge each, so a checker that lets
// everything pass fails here.
func TestArchitectureCheckerCatchesForbiddenEdges(t *testing.T) {
	m := func(p string) string { return module + "/" + p }
	const cobra = "github.com/spf13/cobra"
	cases := []struct {
		name string
		pkgs []goPackage
		want string // "" = no problem
	}{
		{"today's edges", []goPackage{
			{ImportPath: m("cmd"), Imports: []string{m("internal/provision"), m("internal/output"), cobra}, Deps: []string{m("internal/graph"), m("internal/output"), m("internal/provision"), cobra}},
			{ImportPath: m("internal/provision"), Imports: []string{m("internal/graph"), "context"}, Deps: []string{"context", m("internal/graph")}, TestImports: []string{m("internal/graph")}},
			{ImportPath: m("internal/graph"), Imports: []string{"net/http"}, Deps: []string{"net/http"}},
			{ImportPath: m("internal/emulator"), Imports: []string{m("internal/emulator/odata")}, Deps: []string{m("internal/emulator/odata")}},
			{ImportPath: m("internal/emulator/odata")},
		}, ""},
		{"emulator imports graph", []goPackage{
			{ImportPath: m("internal/emulator"), Imports: []string{m("internal/graph")}, Deps: []string{m("internal/graph")}},
			{ImportPath: m("internal/graph")},
		}, "forbidden import internal/emulator → internal/graph"},
		{"emulator sub-package imports output", []goPackage{
			{ImportPath: m("internal/emulator/odata"), Imports: []string{m("internal/output")}, Deps: []string{m("internal/output")}},
			{ImportPath: m("internal/output")},
		}, "forbidden import internal/emulator/odata → internal/output"},
		{"provision imports cobra through graph", []goPackage{
			{ImportPath: m("internal/provision"), Imports: []string{m("internal/graph")}, Deps: []string{m("internal/graph"), cobra}},
			{ImportPath: m("internal/graph"), Imports: []string{cobra}, Deps: []string{cobra}},
			{ImportPath: cobra},
		}, "forbidden import internal/provision → github.com/spf13/cobra (via internal/provision → internal/graph → github.com/spf13/cobra)"},
		{"provision imports viper", []goPackage{
			{ImportPath: m("internal/provision"), Imports: []string{"github.com/spf13/viper"}, Deps: []string{"github.com/spf13/viper"}},
		}, "forbidden import internal/provision → github.com/spf13/viper"},
		{"provision imports output", []goPackage{
			{ImportPath: m("internal/provision"), Imports: []string{m("internal/output")}, Deps: []string{m("internal/output")}},
		}, "forbidden import internal/provision → internal/output"},
		{"graph imports auth", []goPackage{
			{ImportPath: m("internal/graph"), Imports: []string{m("internal/auth")}, Deps: []string{m("internal/auth")}},
		}, "forbidden import internal/graph → internal/auth"},
		{"auth imports graph", []goPackage{
			{ImportPath: m("internal/auth"), Imports: []string{m("internal/graph")}, Deps: []string{m("internal/graph")}},
		}, "forbidden import internal/auth → internal/graph"},
		{"output imports cmd", []goPackage{
			{ImportPath: m("internal/output"), Imports: []string{m("cmd")}, Deps: []string{m("cmd")}},
		}, "forbidden import internal/output → cmd"},
		{"graph test imports emulator", []goPackage{
			{ImportPath: m("internal/graph"), XTestImports: []string{m("internal/graph"), m("internal/emulator")}},
		}, "forbidden import internal/graph → internal/emulator (in its tests)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := checkLayers(c.pkgs, layerRules)
			if c.want == "" {
				if len(got) > 0 {
					t.Fatalf("want no problems, got %q", got)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], c.want) {
				t.Fatalf("want one problem starting %q, got %q", c.want, got)
			}
		})
	}
}
