package cmd

import (
	"fmt"
	"sort"
	"strings"

	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// stepsSection shows the steps as blocks on a terminal — number, type,
// status and name, then the whole description wrapped, then the details
// that have a value, one per line — with the failing step marked; and as a
// table in a pipe, one line per step for grep and cut, nothing cut.
func stepsSection(steps []provision.Step) output.Section {
	sec := output.Section{Title: "Steps", Columns: []string{"#", "TYPE", "STATUS", "STEP", "DESCRIPTION", "DETAILS"}}
	for i, s := range steps {
		sec.Rows = append(sec.Rows, []output.Cell{
			{Text: fmt.Sprint(i + 1)},
			{Text: s.Type},
			stateCell(s.Status),
			{Text: s.Name, Style: output.Muted},
			{Text: s.Description},
			{Text: detailsText(s.Details), Style: output.Muted},
		})
		blk := output.Block{
			Heading: []output.Cell{{Text: fmt.Sprint(i + 1), Style: output.Bold}, {Text: s.Type}, stateCell(s.Status), {Text: s.Name, Style: output.Muted}},
			Text:    output.Cell{Text: s.Description},
		}
		switch strings.ToLower(s.Status) {
		case "failure", "failed":
			blk.Mark = output.Cell{Text: "✗", Style: output.Failure}
			blk.Text.Style = output.Failure
		case "warning":
			blk.Mark = output.Cell{Text: "!", Style: output.Warning}
		}
		for _, k := range detailKeys(s.Details) {
			blk.Fields = append(blk.Fields, output.Field{Name: k, Value: output.Cell{Text: s.Details[k]}})
		}
		sec.Blocks = append(sec.Blocks, blk)
	}
	return sec
}

// propertiesTitle says what the modified properties are: in a skipped
// outcome nothing was written, so they are not shown as changes made.
// RedundantExport means the target already holds these values.
func propertiesTitle(o *provision.Outcome) string {
	switch {
	case o.State == provision.StateFailure:
		return "Properties: would change (not applied: the provisioning failed)"
	case o.State != provision.StateSkipped:
		return "Modified properties"
	case alreadyInTarget(o):
		return "Properties: already as in the target (nothing applied)"
	}
	return "Properties: would change (not applied)"
}

// alreadyInTarget reports a skip because the target already holds every
// value: there is no old value to show beside the new one.
func alreadyInTarget(o *provision.Outcome) bool {
	return o.State == provision.StateSkipped && o.Reason != nil && strings.EqualFold(o.Reason.Code.String(), "RedundantExport")
}

// detailsText shows step details as key=value pairs in a stable order;
// empty values (cloud sync sends a hundred of them) are left out.
func detailsText(d map[string]string) string {
	keys := detailKeys(d)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+d[k])
	}
	return strings.Join(parts, " ")
}

// detailKeys are the keys of the details that have a value, sorted.
func detailKeys(d map[string]string) []string {
	keys := make([]string, 0, len(d))
	for k, v := range d {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
