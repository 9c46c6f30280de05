package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provctl/provctl/internal/graph"
	"github.com/provctl/provctl/internal/output"
	"github.com/provctl/provctl/internal/provision"
)

// NewCmdSP builds the `sp` command group.
func NewCmdSP(f *Factory) *cobra.Command {
	c := groupCommand(&cobra.Command{Use: "sp", Short: "Find service principals (enterprise apps)",
		Example: "  $ provctl sp list --name Sales"})
	c.AddCommand(NewCmdSPList(f, nil))
	return c
}

// SPListOptions are the inputs of `sp list`.
type SPListOptions struct {
	Name     string
	WithJobs bool
	Limit    int

	Streams *output.Streams
	Printer *output.Printer
	Service *provision.Service
}

// ServicePrincipalRow is one row of `sp list` (its JSON is the output contract).
type ServicePrincipalRow struct {
	ID          string   `json:"id"`
	AppID       string   `json:"appId"`
	DisplayName string   `json:"displayName"`
	Jobs        []string `json:"jobs,omitempty"`
}

// NewCmdSPList builds `sp list`.
func NewCmdSPList(f *Factory, runF func(context.Context, *SPListOptions) error) *cobra.Command {
	opts := &SPListOptions{}
	c := &cobra.Command{
		Use:   "list [--name PREFIX] [--with-jobs]",
		Short: "List service principals: object id, appId and name",
		Long: `List service principals whose display name starts with --name. The object id
is what --sp takes (an appId or the display name work too).

--with-jobs keeps only apps with provisioning jobs, and lists their job ids
(one extra request per app).`,
		Example: `  $ provctl sp list --name Sales
  $ provctl sp list --with-jobs -o json --jq '.[].id'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Limit < 1 || opts.Limit > 999 {
				return usageErr(fmt.Errorf("--limit must be between 1 and 999, got %d", opts.Limit))
			}
			var err error
			opts.Streams = f.Streams
			if opts.Printer, err = f.Printer(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(runContext(cmd), opts)
			}
			if opts.Service, err = f.Service(cmd, scopeDirectory, scopeSyncRead); err != nil {
				return err
			}
			return spListRun(runContext(cmd), opts)
		},
	}
	c.Flags().StringVar(&opts.Name, "name", "", "display-name prefix")
	c.Flags().BoolVar(&opts.WithJobs, "with-jobs", false, "only apps with provisioning jobs, with their job ids")
	c.Flags().IntVar(&opts.Limit, "limit", 100, "how many at most (1-999)")
	return c
}

func spListRun(ctx context.Context, opts *SPListOptions) error {
	sps, err := opts.Service.FindServicePrincipals(ctx, opts.Name, opts.Limit)
	if err != nil {
		return err
	}
	rows := make([]ServicePrincipalRow, 0, len(sps))
	for _, sp := range sps {
		row := ServicePrincipalRow{ID: sp.ID, AppID: sp.AppID, DisplayName: sp.DisplayName}
		if opts.WithJobs {
			jobs, err := opts.Service.ListJobs(ctx, sp.ID)
			if err != nil && !graph.IsStatus(err, 404) {
				return err
			}
			if len(jobs) == 0 {
				continue
			}
			for _, j := range jobs {
				row.Jobs = append(row.Jobs, j.ID)
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && opts.Printer.Format == output.Table {
		opts.Streams.Warnf("no service principals found")
	}
	return opts.Printer.PrintContext(ctx, rows, spListView(rows))
}

type spListView []ServicePrincipalRow

func (v spListView) View() []output.Section {
	// Ids are never cut: the name narrows, then the job count and the name
	// make way (a footnote says so).
	s := output.Section{Columns: []string{"ID", "APP ID", "NAME", "JOBS"}, Shrink: []string{"NAME"}, Drop: []string{"JOBS"}}
	for _, r := range v {
		s.Rows = append(s.Rows, []output.Cell{{Text: r.ID}, {Text: r.AppID, Style: output.Muted}, {Text: r.DisplayName, Style: output.Bold}, {Text: fmt.Sprint(len(r.Jobs))}})
	}
	if len(v) > 0 && v[0].Jobs == nil {
		for i := range s.Rows {
			s.Rows[i] = s.Rows[i][:3]
		}
		s.Columns = s.Columns[:3]
	}
	return []output.Section{s}
}
