package cmd

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// Dynamic completion: `--sp <TAB>`, `--job <TAB>`, `--user <TAB>` … offer
// names from the directory, through cobra's __complete command. A shell
// waits for the answer, so it is bounded, silent and never interactive:
// the token comes the way every command gets one (a cached sign-in
// refreshed silently, or an app-only credential from the environment),
// and any failure (not signed in, offline, a 403, the deadline) offers
// nothing rather than file names or an error on stdout.

// completionBudget bounds one completion, sign-in included.
const completionBudget = 2 * time.Second

// completionLimit is how many values one completion offers at most.
const completionLimit = 20

// completion is one value offered, with a note shells may show beside it.
type completion struct{ value, note string }

// completer finds the values for one flag.
type completer func(ctx context.Context, r *completionRun, toComplete string) []completion

// dynamicCompleters are the flags completed from Graph, by name: every
// command that has one of them gets its completion (registerDynamicCompletion).
var dynamicCompleters = map[string]completer{
	"sp":         completeServicePrincipals,
	"job":        completeJobs,
	"rule":       completeRules,
	"user":       completeUsers,
	"member":     completeMembers,
	"group":      completeGroups,
	"members-of": completeGroups,
	"subject":    completeSubjects,
}

// registerDynamicCompletion walks the built command tree, so a command
// added later with one of these flags completes it too. A completion a
// command registered itself is kept.
func registerDynamicCompletion(root *cobra.Command, f *Factory) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, complete := range dynamicCompleters {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); ok {
				continue
			}
			_ = c.RegisterFlagCompletionFunc(name, f.dynamicCompletion(complete))
		}
		// No provctl command takes a file as an argument: without this the
		// shell would offer file names after `sp list `.
		if !c.HasSubCommands() && c.ValidArgsFunction == nil && len(c.ValidArgs) == 0 && c.Name() != "help" {
			c.ValidArgsFunction = cobra.NoFileCompletions
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// dynamicCompletion adapts a completer to cobra: never file names.
func (f *Factory) dynamicCompletion(complete completer) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completionLines(f.boundedCompletions(cmd, complete, toComplete), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// boundedCompletions runs complete within completionBudget. It returns at
// the deadline even if something below does not heed its context (a lock,
// a proxy that never answers): the process ends right after.
func (f *Factory) boundedCompletions(cmd *cobra.Command, complete completer, toComplete string) []completion {
	ctx, cancel := context.WithTimeout(runContext(cmd), completionBudget)
	defer cancel()
	done := make(chan []completion, 1)
	go func() {
		r, ok := f.completionRun(cmd)
		if !ok {
			done <- nil
			return
		}
		done <- complete(ctx, r, toComplete)
	}()
	select {
	case found := <-done:
		return found
	case <-ctx.Done():
		return nil
	}
}

// completionRun builds the service a completion asks Graph with: read
// scopes only, and one attempt per request (a throttled or failing Graph
// gets no retry within the budget; the completion offers nothing).
func (f *Factory) completionRun(cmd *cobra.Command) (*completionRun, bool) {
	svc, err := f.Service(cmd, scopeSyncRead, scopeDirectory)
	if err != nil || svc == nil || svc.Graph == nil {
		return nil, false
	}
	if c, ok := svc.Graph.(*graph.Client); ok {
		once := *c
		once.Retry = graph.RetryPolicy{MaxAttempts: 1}
		svc.Graph = &once
	}
	return &completionRun{cmd: cmd, svc: svc}, true
}

// completionLines turns what was found into cobra's lines ("value\tnote"):
// values that start with what was typed (case aside: Graph's startswith
// ignores case), each once. A value with a control, hidden or surrounding
// blank character is dropped: the shell would insert something else than
// what Graph holds. Notes are sanitized to one line.
func completionLines(found []completion, toComplete string) []cobra.Completion {
	seen := map[string]bool{}
	var lines []cobra.Completion
	for _, c := range found {
		if !completable(c.value) || seen[c.value] || !hasPrefixFold(c.value, toComplete) {
			continue
		}
		seen[c.value] = true
		note := strings.TrimSpace(output.Sanitize(graph.Clip(c.note)))
		if note == "" {
			lines = append(lines, c.value)
			continue
		}
		lines = append(lines, cobra.CompletionWithDesc(c.value, note))
	}
	return lines
}

// completable reports whether v can be offered to a shell as it is.
func completable(v string) bool {
	return v != "" && v == strings.TrimSpace(v) && output.Sanitize(v) == v
}

func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

// completionRun is what a completer works with: the command whose flags
// were parsed so far, and the service.
type completionRun struct {
	cmd *cobra.Command
	svc *provision.Service
}

// flag is the value of a flag already on the command line ("" when absent).
func (r *completionRun) flag(name string) string {
	if fl := r.cmd.Flags().Lookup(name); fl != nil && fl.Changed {
		return strings.TrimSpace(fl.Value.String())
	}
	return ""
}
