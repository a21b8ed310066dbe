package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"onboard/tenant"
	"onboard/tenant/present"
)

// The commands print the presentation model (tenant/present) as aligned
// tables for people and as JSON for scripts; the labels, the order, the
// day count and the time zone are decided there, once for every front end.

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return failedf("write JSON: %w", err)
	}
	return nil
}

// servicesJSON is services as --json shows them.
func servicesJSON(svcs []tenant.Service, c present.Clock) []present.ServiceJSON {
	out := make([]present.ServiceJSON, 0, len(svcs))
	for _, s := range svcs {
		out = append(out, present.JSONOf(s, c))
	}
	return out
}

// table writes aligned columns; the caller writes rows with tabs between
// cells and calls Flush.
func table(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// printServiceTable is `services list`.
func printServiceTable(w io.Writer, sums []tenant.Summary, c present.Clock) error {
	tw := table(w)
	fmt.Fprintln(tw, "NAME\tCUSTOMER\tLICENSE\tUSERS\tSTATE\tLAST VALIDATION\tSECRET EXPIRES\tDAYS LEFT")
	for _, s := range sums {
		r := present.ListRowOf(s, c)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Customer, r.License, r.Users, r.State,
			lastCell(r), r.Expires, r.Days)
	}
	return tw.Flush()
}

func lastCell(r present.ListRow) string {
	if r.LastAt == present.Dash {
		return r.Verdict
	}
	return r.Verdict + " " + r.LastAt
}

// printService is `services show`: the service's page, the portal's
// M365 Configuration (docs/onboarding.md, step 12).
func printService(w io.Writer, s tenant.Service, c present.Clock) error {
	page := present.PageOf(s, c)
	tw := table(w)
	rows := []present.Row{
		{Label: "Service", Value: page.Name},
		{Label: "Full name", Value: present.Or(page.FullName)},
		{Label: "Customer", Value: page.Customer},
		{Label: "State", Value: page.State},
	}
	rows = append(rows, page.Rows...)
	rows = append(rows, present.Row{Label: "Created", Value: c.Time(s.CreatedAt)})
	if s.UpdatedBy != "" {
		rows = append(rows, present.Row{Label: "Changed by", Value: s.UpdatedBy, Note: c.Time(s.UpdatedAt)})
	}
	for _, r := range rows {
		v := r.Value
		if r.Note != "" {
			v += "  (" + r.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\n", r.Label, v)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if page.Last != nil {
		fmt.Fprintln(w)
		printReport(w, *page.Last)
	}
	return nil
}

// printReport writes a report's groups the way the wizard shows them:
// heading, mark, check, cause, and the fix on its own line; then the IDs
// support asks for.
func printReport(w io.Writer, r present.Report) {
	for _, g := range r.Groups {
		fmt.Fprintf(w, "%s: %s\n", g.Title, present.Verdict(g.Status))
		for _, c := range g.Checks {
			fmt.Fprintf(w, "  %s %s: %s\n", c.Mark, c.Name, c.Detail)
			if c.Fix != "" {
				fmt.Fprintf(w, "      fix: %s\n", c.Fix)
			}
		}
	}
	var ids []string
	for _, f := range r.Facts {
		switch f.Label {
		case "AADSTS", "Correlation ID", "Trace ID":
			ids = append(ids, f.Label+": "+f.Value)
		}
	}
	if len(ids) > 0 {
		fmt.Fprint(w, " ")
		for _, id := range ids {
			fmt.Fprint(w, " "+id)
		}
		fmt.Fprintln(w)
	}
}

// printChecks writes a report as printReport does, at clock c.
func printChecks(w io.Writer, r *tenant.ValidationReport, c present.Clock) {
	printReport(w, present.ReportOf(r, c))
}
