package wizard

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Seed step 10: Microsoft 365 settings. The M365 domain starts as the
// tenant's initial *.onmicrosoft.com domain read from Graph; the Tenant ID
// is the GUID from the token and cannot be edited.

func (f *addFlow) prepareM365() {
	domain := ""
	if f.m365Form != nil {
		domain = f.m365Form.fields[0].value()
	}
	if f.m365Form == nil || domain == "" {
		domain = f.report.InitialDomain
	}
	f.m365Form = newForm(f.c,
		textField("M365 domain", "the customer's Microsoft 365 domain", domain, 253, checkDomain),
		readOnlyField("Tenant ID", orDash(f.report.TenantID), "read from the token"),
	)
}

func (f *addFlow) updateM365(msg tea.KeyMsg) tea.Cmd {
	if !f.m365Form.update(msg) {
		return nil
	}
	f.createErr = ""
	return f.goTo(stepSummary)
}

func (f *addFlow) viewM365() string {
	return "Microsoft 365 settings of the new service.\n\n" + f.m365Form.view()
}
