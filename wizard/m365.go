package wizard

import (
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant/present"
)

// The portal's step 10 (docs/onboarding.md): Microsoft 365 settings. The
// M365 domain starts as the tenant's initial *.onmicrosoft.com domain read
// from Graph; the Tenant ID is the GUID from the token and cannot be
// edited.

func (f *addFlow) prepareM365() {
	domain := ""
	if f.m365 != nil {
		domain = f.m365.value()
	}
	if domain == "" {
		domain = f.report.InitialDomain
	}
	f.m365 = textField("M365 domain", "the customer's Microsoft 365 domain", domain, 253, checkDomain)
	f.m365Form = newForm(f.c, f.m365, readOnlyField("Tenant ID", present.Or(f.report.TenantID), "read from the token"))
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
