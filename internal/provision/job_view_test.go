package provision

import (
	"bufio"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// The tables of docs/output.md ("Jobs and rules") name exactly the JSON
// fields of the job output types.
func TestJobOutputDocumented(t *testing.T) {
	types := map[string]reflect.Type{
		"JobDetail":     reflect.TypeOf(JobDetail{}),
		"JobSchedule":   reflect.TypeOf(JobSchedule{}),
		"JobExecution":  reflect.TypeOf(JobExecution{}),
		"JobQuarantine": reflect.TypeOf(JobQuarantine{}),
		"JobError":      reflect.TypeOf(JobError{}),
		"RuleRow":       reflect.TypeOf(RuleRow{}),
		"RuleMapping":   reflect.TypeOf(RuleMapping{}),
	}
	documented := documentedTables(t, "../../docs/output.md", "## Jobs and rules")
	for name, typ := range types {
		got, ok := documented[name]
		if !ok {
			t.Errorf("docs/output.md has no table for %s", name)
			continue
		}
		if want := jsonNames(t, typ); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: documented %v, JSON encodes %v", name, got, want)
		}
	}
	for name := range documented {
		if _, ok := types[name]; !ok {
			t.Errorf("docs/output.md documents %s, which is no job output type", name)
		}
	}
}

// documentedTables reads the tables of one section: a line **`Type`**
// names the table after it; each row's first cell lists `field` names.
func documentedTables(t *testing.T, path, section string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	title := regexp.MustCompile("^\\*\\*`(\\w+)`\\*\\*$")
	code := regexp.MustCompile("`([^`]+)`")
	out := map[string][]string{}
	in, current := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			in, current = line == section, ""
		case !in:
		case title.MatchString(line):
			current = title.FindStringSubmatch(line)[1]
			out[current] = []string{}
		case current != "" && strings.HasPrefix(line, "|"):
			cells := strings.Split(line, "|")
			first := strings.TrimSpace(cells[1])
			if first == "field" || strings.HasPrefix(first, "---") {
				continue
			}
			for _, m := range code.FindAllStringSubmatch(first, -1) {
				out[current] = append(out[current], m[1])
			}
		case line == "":
		default:
			current = "" // prose ends a table
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range out {
		sort.Strings(out[name])
	}
	return out
}

// jsonNames are the field names a zero value of typ encodes, sorted.
func jsonNames(t *testing.T, typ reflect.Type) []string {
	t.Helper()
	b, err := json.Marshal(reflect.New(typ).Interface())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// A job that never ran has no last execution; "None" is no error; times
// Graph did not give are null.
func TestNewJobDetail(t *testing.T) {
	var never graph.SynchronizationJob
	if err := json.Unmarshal([]byte(`{"id":"scimOutDelta.1.2","templateId":"scimOutDelta",
	  "schedule":{"expiration":null,"interval":"PT40M","state":"Active"},
	  "status":{"code":"NotRun","lastExecution":{"state":"Failed","timeBegan":"0001-01-01T00:00:00Z","timeEnded":"0001-01-01T00:00:00Z",
	    "error":{"code":"None","message":"","tenantActionable":false}},
	   "quarantine":null,"steadyStateFirstAchievedTime":"0001-01-01T00:00:00Z","troubleshootingUrl":null}}`), &never); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(NewJobDetail(&never))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"id":"scimOutDelta.1.2","templateId":"scimOutDelta","status":"NotRun",` +
		`"schedule":{"state":"Active","interval":"PT40M","expiration":null},"successiveFailures":0,` +
		`"lastExecution":null,"quarantine":null,"steadyStateFirstAchievedAt":null,"steadyStateLastAchievedAt":null,"troubleshootingUrl":null}`
	if string(b) != want {
		t.Errorf("never ran:\n got %s\nwant %s", b, want)
	}

	began := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	ran := graph.SynchronizationJob{ID: "j", Status: &graph.SynchronizationStatus{
		Code: "Quarantine",
		LastExecution: &graph.TaskExecution{State: "Failed", TimeBegan: graph.Time{Time: began}, CountImported: 3,
			Error: &graph.SyncError{Code: "SalesforceInvalidCredentials", Message: "bad password", TenantActionable: true}},
		Quarantine: &graph.Quarantine{Reason: "EncounteredQuarantineException", CurrentBegan: graph.Time{Time: began},
			Error: &graph.SyncError{Code: "None"}},
	}}
	d := NewJobDetail(&ran)
	if d.LastExecution == nil || d.LastExecution.Error == nil || d.LastExecution.Error.Code != "SalesforceInvalidCredentials" ||
		d.LastExecution.Counts.Imported != 3 || d.LastExecution.Ended != nil || !d.LastExecution.Began.Equal(began) {
		t.Errorf("last execution: %+v", d.LastExecution)
	}
	if d.Quarantine == nil || d.Quarantine.Error != nil || d.Quarantine.Reason != "EncounteredQuarantineException" || !d.Quarantine.Since.Equal(began) {
		t.Errorf("quarantine: %+v", d.Quarantine)
	}
	if d.Schedule != nil {
		t.Errorf("schedule: %+v", d.Schedule)
	}
}

// Fields a rule lacks stay null; the list is never null.
func TestNewRuleRows(t *testing.T) {
	if b, _ := json.Marshal(NewRuleRows(nil)); string(b) != "[]" {
		t.Errorf("no rules: %s", b)
	}
	var rules []Rule
	if err := json.Unmarshal([]byte(`[{"name":"GROUP_TO_GROUP","sourceDirectoryName":"Azure Active Directory","targetDirectoryName":"customappsso",
	  "objectMappings":[{"sourceObjectName":"Group","targetObjectName":"Group"}]}]`), &rules); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(NewRuleRows(rules))
	if err != nil {
		t.Fatal(err)
	}
	const want = `[{"id":null,"name":"GROUP_TO_GROUP","sourceDirectory":"Azure Active Directory","targetDirectory":"customappsso",` +
		`"priority":null,"editable":null,"objectMappings":[{"source":"Group","target":"Group","enabled":null}]}]`
	if string(b) != want {
		t.Errorf("rule:\n got %s\nwant %s", b, want)
	}
}
