package cmd

import (
	"fmt"
	"strings"

	"github.com/provctl/provctl/internal/doctor"
	"github.com/provctl/provctl/internal/output"
)

// doctorView shows the checklist as "check: status  detail" lines, never
// cut (the detail is the diagnosis), each failed or warning line followed
// by its fix, then the count of each status.
type doctorView []doctor.Result

func (v doctorView) View() []output.Section {
	var lines output.Section
	width := 0
	for _, r := range v {
		width = max(width, len(r.Status))
	}
	for _, r := range v {
		status := string(r.Status) + strings.Repeat(" ", width-len(r.Status))
		lines.Fields = append(lines.Fields, output.Field{Name: r.Check,
			Value: output.Cell{Text: status + "  " + r.Detail, Style: doctorStyle(r.Status)}})
		if r.Fix != "" && r.Status != doctor.OK {
			lines.Fields = append(lines.Fields, output.Field{Name: "  fix",
				Value: output.Cell{Text: strings.Repeat(" ", width+2) + r.Fix, Style: output.Bold}})
		}
	}
	n := doctor.Count(v)
	var parts []string
	for _, s := range []doctor.Status{doctor.Failed, doctor.Warning, doctor.OK, doctor.Skipped} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	style := doctorStyle(worstStatus(n))
	if style == output.Plain {
		style = output.Success
	}
	summary := output.Section{Fields: []output.Field{{Name: "Summary",
		Value: output.Cell{Text: strings.Join(parts, ", "), Style: style}}}}
	return []output.Section{lines, summary}
}

func doctorStyle(s doctor.Status) output.Style {
	switch s {
	case doctor.Failed:
		return output.Failure
	case doctor.Warning:
		return output.Warning
	case doctor.Skipped:
		return output.Muted
	}
	return output.Plain
}

func worstStatus(n map[doctor.Status]int) doctor.Status {
	switch {
	case n[doctor.Failed] > 0:
		return doctor.Failed
	case n[doctor.Warning] > 0:
		return doctor.Warning
	}
	return doctor.OK
}
