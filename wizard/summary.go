package wizard

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
)

// The portal's step 10 (docs/onboarding.md), last part: the summary and
// Create service, the flow's only write.

func (f *addFlow) updateSummary(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyEnter {
		return f.create()
	}
	return nil
}

func (f *addFlow) viewSummary() string {
	s := f.c.styles
	m365 := ""
	if f.m365 != nil {
		m365 = f.m365.value()
	} else if f.report != nil {
		m365 = f.report.InitialDomain
	}
	// The service as Create will save it: every value cleaned by the
	// rules (each step has checked its own, so this does not fail).
	svc, _, err := f.in.Parse(f.c.now())
	if err != nil {
		return wrap(s.Error.Render("✗ "+err.Error()), f.c.width)
	}
	newNote := ""
	if f.newCustomer {
		newNote = "new"
	}
	rows := []present.Row{
		row("Service type", "Direct Routing"),
		{Label: "Customer", Value: svc.Customer, Note: newNote},
		row("Short name", svc.Name),
		row("Full name", present.Or(svc.FullName)),
		row("License", svc.License.Title()),
		row("Licensed users", strconv.Itoa(svc.Users)),
	}
	if f.parking {
		rows = append(rows, present.Row{Label: "State", Value: "pending authentication", Tone: present.Warn, Note: "the credentials are kept; validate again later"})
	}
	if f.in.UseKnownApp && f.report != nil {
		rep := present.ReportOf(f.report, f.c.clock())
		rows = append(rows,
			row("Tenant ID", present.Or(f.report.TenantID)),
			row("Application ID", svc.App.ClientID),
			row("Client secret", svc.App.Secret.Masked()),
			row("Customer admin", present.Or(svc.App.AdminUser)),
			row("M365 domain", present.Or(m365)),
			present.Row{Label: "Validation", Value: rep.Verdict, Tone: rep.Tone},
		)
		for _, fact := range rep.Facts {
			if fact.Label == "Secret expires" {
				rows = append(rows, fact)
			}
		}
	} else {
		rows = append(rows, present.Row{Label: "State", Value: tenant.StatePendingAuth.Title(), Tone: present.Warn, Note: "no credentials yet"})
	}
	var b strings.Builder
	b.WriteString(rowsView(s, rows, f.c.width))
	b.WriteString("\n\n")
	if f.createErr != "" {
		b.WriteString(wrap(s.Error.Render("✗ "+f.createErr), f.c.width) + "\n\n")
	}
	b.WriteString(s.Selected.Render("> Create service") + s.Faint.Render("  (enter)"))
	return b.String()
}
