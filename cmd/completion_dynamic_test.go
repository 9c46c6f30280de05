package cmd

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/graph/graphtest"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// completeOut is what __complete printed: the lines before the directive,
// and the directive line.
func completeOut(t *testing.T, stdout string) (lines []string, directive string) {
	t.Helper()
	all := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(all) == 0 || !strings.HasPrefix(all[len(all)-1], ":") {
		t.Fatalf("no directive line last:\n%q", stdout)
	}
	return all[:len(all)-1], all[len(all)-1]
}

func wantCompletions(t *testing.T, r cliResult, want ...string) {
	t.Helper()
	checkCLI(t, r, ExitOK)
	lines, directive := completeOut(t, r.stdout)
	if directive != ":4" { // ShellCompDirectiveNoFileComp: never file names
		t.Errorf("directive %s, want :4", directive)
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("completions:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestEveryDirectoryFlagCompletes(t *testing.T) {
	root := NewCmdRoot(NewFactory(output.System(), func(string) string { return "" }))
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name := range dynamicCompleters {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			seen[name] = true
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				t.Errorf("%s --%s completes nothing", c.CommandPath(), name)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for name := range dynamicCompleters {
		if !seen[name] {
			t.Errorf("no command has --%s: drop it from dynamicCompleters", name)
		}
	}
	// a command added later gets it too; its own completion is kept
	later := &cobra.Command{Use: "later"}
	later.Flags().String("sp", "", "")
	later.Flags().String("job", "", "")
	_ = later.RegisterFlagCompletionFunc("job", fixedCompletion("mine"))
	root.AddCommand(later)
	registerDynamicCompletion(root, NewFactory(output.System(), func(string) string { return "" }))
	if _, ok := later.GetFlagCompletionFunc("sp"); !ok {
		t.Error("a new command's --sp does not complete")
	}
	job, _ := later.GetFlagCompletionFunc("job")
	if got, _ := job(later, nil, ""); len(got) != 1 || got[0] != "mine" {
		t.Errorf("the command's own --job completion was replaced: %v", got)
	}
}

func TestCompleteServicePrincipals(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[
		{"id":"`+rtSPID+`","appId":"22222222-2222-2222-2222-222222222222","displayName":"Box"},
		{"id":"`+rtSP2ID+`","appId":"33333333-3333-3333-3333-333333333333","displayName":"Box Sandbox"},
		{"id":"c0ffee00-0000-4abc-8def-000000000001","appId":"44444444-4444-4444-4444-444444444444","displayName":"Box\nrm -rf ~"},
		{"id":"c0ffee00-0000-4abc-8def-000000000002","appId":"55555555-5555-5555-5555-555555555555","displayName":"Box\u001b[31m"},
		{"id":"c0ffee00-0000-4abc-8def-000000000003","appId":"66666666-6666-6666-6666-666666666666","displayName":"Box\u200b"},
		{"id":"c0ffee00-0000-4abc-8def-000000000004","appId":"77777777-7777-7777-7777-777777777777","displayName":"Box "},
		{"id":"c0ffee00-0000-4abc-8def-000000000005","appId":"88888888-8888-8888-8888-888888888888","displayName":"Box Tools","notes":"x"}]}`)).
		Query(func(q url.Values) bool {
			return q.Get("$filter") == "startswith(displayName,'B')" && strings.Contains(q.Get("$select"), "displayName")
		}).Once()
	r := runCLI(t, false, reg, nil, "__complete", "provision", "poll", "--sp", "B")
	wantCompletions(t, r, "Box\t"+rtSPID, "Box Sandbox\t"+rtSP2ID, "Box Tools\tc0ffee00-0000-4abc-8def-000000000005")
}

func TestCompleteServicePrincipalQuotesAndNames(t *testing.T) {
	t.Run("quote", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[{"id":"`+rtSPID+`","appId":"22222222-2222-2222-2222-222222222222","displayName":"Contoso's Expenses"}]}`)).
			Query(graphtest.QueryHas("$filter", "startswith(displayName,'Contoso''')")).Once()
		r := runCLI(t, false, reg, nil, "__complete", "job", "list", "--sp", "Contoso'")
		wantCompletions(t, r, "Contoso's Expenses\t"+rtSPID)
	})
	t.Run("same name twice", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[
			{"id":"`+rtSPID+`","appId":"22222222-2222-2222-2222-222222222222","displayName":"Box"},
			{"id":"`+rtSP2ID+`","appId":"33333333-3333-3333-3333-333333333333","displayName":"Box"}]}`)).Once()
		r := runCLI(t, false, reg, nil, "__complete", "job", "list", "--sp", "Bo")
		wantCompletions(t, r, "Box\t2 service principals have this name: pass an object id")
	})
	t.Run("whole id", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP)).Once()
		r := runCLI(t, false, reg, nil, "__complete", "job", "list", "--sp", rtSPID)
		wantCompletions(t, r, rtSPID+"\tBox")
	})
	t.Run("no descriptions", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath, graphtest.JSON(200, rtSP)).Once()
		r := runCLI(t, false, reg, nil, "__completeNoDesc", "job", "list", "--sp", rtSPID)
		wantCompletions(t, r, rtSPID)
	})
}

const completeJobs2 = `{"value":[
	{"id":"` + rtJobID + `","templateId":"BoxOutDelta"},
	{"id":"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.1","templateId":"scimOutDelta"},
	{"id":"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.2","templateId":"scimOutDelta"}]}`

func TestCompleteJobs(t *testing.T) {
	t.Run("of the --sp", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, completeJobs2)).Once()
		r := runCLI(t, false, reg, nil, "__complete", "provision", "poll", "--sp", rtSPID, "--job", "")
		// a template id two jobs share names neither: only their ids
		wantCompletions(t, r,
			"BoxOutDelta\ttemplate of "+rtJobID, rtJobID+"\ttemplate BoxOutDelta",
			"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.1\ttemplate scimOutDelta",
			"scimOutDelta.6a2de5866d0e4e39a06f39c6893e0873.2\ttemplate scimOutDelta")
	})
	t.Run("prefix", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, completeJobs2)).Once()
		r := runCLI(t, false, reg, nil, "__complete", "job", "show", "--sp", rtSPID, "--job", "box")
		wantCompletions(t, r, "BoxOutDelta\ttemplate of "+rtJobID, rtJobID+"\ttemplate BoxOutDelta")
	})
	t.Run("no --sp: nothing sent", func(t *testing.T) {
		reg, _ := graphtest.New(t) // Verify fails on any request
		r := runCLI(t, false, reg, nil, "__complete", "provision", "poll", "--job", "")
		wantCompletions(t, r)
	})
	t.Run("an appId as --sp", func(t *testing.T) {
		const appID = "22222222-2222-2222-2222-222222222222"
		reg, _ := graphtest.New(t)
		reg.Register("GET", "servicePrincipals/"+appID+"/synchronization/jobs", graphtest.Error(404, "Request_ResourceNotFound", "not found")).Once()
		reg.Register("GET", "servicePrincipals/"+appID, graphtest.Error(404, "Request_ResourceNotFound", "not found")).Once()
		reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[`+rtSP+`]}`)).Query(graphtest.QueryHas("$filter", "appId eq '"+appID+"'")).Once()
		reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, `{"value":[{"id":"`+rtJobID+`","templateId":"BoxOutDelta"}]}`)).Once()
		r := runCLI(t, false, reg, nil, "__complete", "provision", "poll", "--sp", appID, "--job", "Box")
		wantCompletions(t, r, "BoxOutDelta\ttemplate of "+rtJobID, rtJobID+"\ttemplate BoxOutDelta")
	})
}

func TestCompleteRules(t *testing.T) {
	reg, _ := graphtest.New(t)
	reg.Register("GET", rtJobPath+"/schema", graphtest.JSON(200, `{"synchronizationRules":[
		{"id":"`+rtRuleID+`","name":"USER_TO_USER","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"Box"},
		{"name":"no id: cannot be sent","sourceDirectoryName":"a","targetDirectoryName":"b"}]}`)).Once()
	r := runCLI(t, false, reg, nil, "__complete", "provision", "run", "--sp", rtSPID, "--job", rtJobID, "--rule", "")
	wantCompletions(t, r, rtRuleID+"\tUSER_TO_USER (Azure Active Directory → Box)")
}

func TestCompleteUsersAndGroups(t *testing.T) {
	users := graphtest.JSON(200, `{"value":[{"id":"`+rtUserID+`","displayName":"Adele Vance","userPrincipalName":"adele@contoso.com"},
		{"id":"c0ffee00-0000-4abc-8def-000000000009","displayName":"Tab","userPrincipalName":"ad\tmin@contoso.com"}]}`)
	groups := graphtest.JSON(200, `{"value":[{"id":"0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e","displayName":"Admins"}]}`)
	usersQuery := func(q url.Values) bool {
		return q.Get("$filter") == "startswith(userPrincipalName,'ad')" && q.Get("$top") == "20"
	}
	groupsQuery := graphtest.QueryHas("$filter", "startswith(displayName,'ad')")
	t.Run("user", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "users", users).Query(usersQuery).Once()
		r := runCLI(t, false, reg, nil, "__complete", "provision", "run", "--sp", "Box", "--user", "ad")
		wantCompletions(t, r, "adele@contoso.com\tAdele Vance")
	})
	t.Run("member without --group", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "users", users).Query(usersQuery).Once()
		r := runCLI(t, false, reg, nil, "__complete", "provision", "run", "--sp", "Box", "--member", "ad")
		wantCompletions(t, r, "adele@contoso.com\tAdele Vance")
	})
	t.Run("member of --group", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "groups", graphtest.JSON(200, `{"value":[{"id":"0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e","displayName":"Sales"}]}`)).
			Query(graphtest.QueryHas("$filter", "displayName eq 'Sales'")).Once()
		reg.Register("GET", "groups/0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e/members", graphtest.JSON(200, `{"value":[
			{"@odata.type":"#microsoft.graph.user","id":"11111111-1111-4111-8111-111111111111","userPrincipalName":"adele@contoso.com","displayName":"Adele Vance"},
			{"@odata.type":"#microsoft.graph.user","id":"22222222-2222-4222-8222-222222222222","userPrincipalName":"adam@contoso.com","displayName":"Adam"},
			{"@odata.type":"#microsoft.graph.user","id":"33333333-3333-4333-8333-333333333333","userPrincipalName":"megan@contoso.com","displayName":"Megan"},
			{"@odata.type":"#microsoft.graph.group","id":"44444444-4444-4444-8444-444444444444","displayName":"admins nested"}]}`)).Once()
		// adam is on the line already; megan does not start with "ad"
		r := runCLI(t, false, reg, nil, "__complete", "provision", "run", "--sp", "Box", "--group", "Sales", "--member", "ADAM@contoso.com", "--member", "ad")
		wantCompletions(t, r, "adele@contoso.com\tAdele Vance")
	})
	t.Run("group", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "groups", groups).Query(groupsQuery).Once()
		r := runCLI(t, false, reg, nil, "__complete", "provision", "run", "--sp", "Box", "--group", "ad")
		wantCompletions(t, r, "Admins\tgroup 0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e")
	})
	t.Run("subject", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		reg.Register("GET", "users", users).Query(usersQuery).Once()
		reg.Register("GET", "groups", groups).Query(groupsQuery).Once()
		r := runCLI(t, false, reg, nil, "__complete", "provision", "logs", "--subject", "ad")
		wantCompletions(t, r, "adele@contoso.com\tAdele Vance", "Admins\tgroup 0b9f8e7d-6c5a-4b3c-9d2e-1f0a9b8c7d6e")
	})
	t.Run("an object id is not searched", func(t *testing.T) {
		reg, _ := graphtest.New(t)
		r := runCLI(t, false, reg, nil, "__complete", "provision", "run", "--sp", "Box", "--user", rtUserID)
		wantCompletions(t, r)
	})
}

// Any failure offers nothing, and nothing but the directive reaches stdout.
func TestCompletionFailuresOfferNothing(t *testing.T) {
	for name, answer := range map[string]graphtest.Responder{
		"forbidden": graphtest.JSON(403, rtDenied),
		"throttled": graphtest.WithHeader(429, `{"error":{"code":"TooManyRequests","message":"slow down"}}`, "Retry-After", "1"),
		"not json":  graphtest.JSON(200, `<html>proxy</html>`),
	} {
		t.Run(name, func(t *testing.T) {
			reg, _ := graphtest.New(t)
			reg.Register("GET", "servicePrincipals", answer).Once() // one attempt: no retry
			r := runCLI(t, false, reg, nil, "__complete", "provision", "poll", "--sp", "B")
			wantCompletions(t, r)
		})
	}
}

// blockingTransport never answers, and ignores the request's context: the
// completion must still return at its deadline.
type blockingTransport struct{ release chan struct{} }

func (b blockingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	<-b.release
	return nil, context.Canceled
}

func TestCompletionReturnsWhenGraphHangs(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s, out, _ := output.Test()
	f := NewFactory(s, func(k string) string { return map[string]string{"PROVCTL_CONFIG_DIR": t.TempDir()}[k] })
	f.ServiceFunc = func(*cobra.Command, ...string) (*provision.Service, error) {
		return &provision.Service{Graph: &graph.Client{BaseURL: graphtest.BaseURL, APIVersion: "beta", HTTP: &http.Client{Transport: blockingTransport{release}}}}, nil
	}
	root := NewCmdRoot(f)
	root.SetArgs([]string{"__complete", "provision", "poll", "--sp", "B"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.String() != ":4\n" {
		t.Errorf("stdout %q", out.String())
	}
}

// Without any sign-in, completion asks nobody (no prompt, no device code,
// no browser): nothing offered, exit 0, only the directive on stdout and
// cobra's note on stderr, and no request to the authority or Graph.
func TestCompletionWithoutSignIn(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"PROVCTL_CONFIG_DIR":     filepath.Join(dir, "config"),
		"PROVCTL_CA_FILE":        caFile,
		"PROVCTL_GRAPH_URL":      srv.URL,
		"PROVCTL_AUTHORITY_HOST": srv.URL,
		"PROVCTL_TENANT":         "contoso.test",
		"BROWSER":                "false",
	}
	for _, args := range [][]string{
		{"__complete", "provision", "poll", "--sp", "B"},
		{"__complete", "provision", "run", "--sp", "Box", "--user", "ad"},
		{"__complete", "provision", "poll", "--sp", "Box", "--job", ""},
	} {
		s, out, errOut := output.Test()
		f := NewFactory(s, func(k string) string { return vars[k] })
		root := NewCmdRoot(f)
		root.SetArgs(args)
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if out.String() != ":4\n" {
			t.Errorf("%v: stdout %q", args, out.String())
		}
		if errOut.String() != "Completion ended with directive: ShellCompDirectiveNoFileComp\n" {
			t.Errorf("%v: stderr %q", args, errOut.String())
		}
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("%d requests sent without a sign-in", n)
	}
	// the control: with a token, the same settings reach the server
	vars["PROVCTL_ACCESS_TOKEN"] = "not-a-real-token"
	s, out, _ := output.Test()
	root := NewCmdRoot(NewFactory(s, func(k string) string { return vars[k] }))
	root.SetArgs([]string{"__complete", "provision", "poll", "--sp", "B"})
	if err := root.ExecuteContext(context.Background()); err != nil || out.String() != ":4\n" {
		t.Errorf("with a token: %v, stdout %q", err, out.String())
	}
	if asked.Load() == 0 {
		t.Error("the test server is not reached even with a token: the test proves nothing")
	}
}

// The resolution cache turns a --sp name into an id without a request,
// and a name resolved for a completion is remembered.
func TestCompletionUsesTheResolutionCache(t *testing.T) {
	cache := &memResolveCache{sps: map[string]graph.ServicePrincipal{}}
	reg, _ := graphtest.New(t)
	resolve := reg.Register("GET", "servicePrincipals", graphtest.JSON(200, `{"value":[`+rtSP+`]}`)).Query(graphtest.QueryHas("$filter", "displayName eq 'Box'")).Once()
	jobs := reg.Register("GET", rtSPPath+"/synchronization/jobs", graphtest.JSON(200, `{"value":[{"id":"`+rtJobID+`","templateId":"BoxOutDelta"}]}`)).Times(2)
	s, out, _ := output.Test()
	f := NewFactory(s, func(k string) string { return map[string]string{"PROVCTL_CONFIG_DIR": t.TempDir()}[k] })
	f.ServiceFunc = func(*cobra.Command, ...string) (*provision.Service, error) {
		return &provision.Service{Graph: reg.Client(), Cache: cache}, nil
	}
	for i := 0; i < 2; i++ {
		out.Reset()
		root := NewCmdRoot(f)
		root.SetArgs([]string{"__complete", "provision", "poll", "--sp", "Box", "--job", ""})
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "BoxOutDelta\t") {
			t.Errorf("run %d: %q", i, out.String())
		}
	}
	if reg.Count(resolve) != 1 || reg.Count(jobs) != 2 {
		t.Errorf("name resolved %d times, jobs listed %d times; want 1 and 2", reg.Count(resolve), reg.Count(jobs))
	}
}

// memResolveCache is a resolution cache in memory.
type memResolveCache struct {
	mu  sync.Mutex
	sps map[string]graph.ServicePrincipal
}

func (m *memResolveCache) ServicePrincipal(ref string) (graph.ServicePrincipal, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sp, ok := m.sps[strings.ToLower(ref)]
	return sp, ok
}

func (m *memResolveCache) PutServicePrincipal(ref string, sp graph.ServicePrincipal) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sps[strings.ToLower(ref)] = sp
}

func (m *memResolveCache) Job(string, string) (string, bool) { return "", false }
func (m *memResolveCache) PutJob(string, string, string)     {}
func (m *memResolveCache) ApplyAbsent() bool                 { return false }
func (m *memResolveCache) MarkApplyAbsent()                  {}
func (m *memResolveCache) ForgetServicePrincipal(string)     {}
func (m *memResolveCache) ForgetJob(string, string)          {}

// No command's arguments complete to file names: none takes a file.
func TestNoCommandOffersFileNames(t *testing.T) {
	root := NewCmdRoot(NewFactory(output.System(), func(string) string { return "" }))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() && c.Name() != "help" && c.ValidArgsFunction == nil && len(c.ValidArgs) == 0 {
			t.Errorf("%s: its arguments would complete to file names", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
