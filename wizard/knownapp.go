package wizard

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Seed step 7: Use known App registration. Unchecked, the service is saved
// pending authentication and the customer's admin gets instructions.

func newKnownAppForm(f *addFlow) *form {
	f.knownApp = checkField("Use known App registration", "the customer's admin has handed over Tenant ID, Application ID and a client secret", true)
	return newForm(f.c, f.knownApp)
}

func (f *addFlow) updateKnownApp(msg tea.KeyMsg) tea.Cmd {
	if !f.knownForm.update(msg) {
		return nil
	}
	f.in.UseKnownApp = f.knownApp.checked
	if !f.in.UseKnownApp {
		f.createErr = ""
		return f.goTo(stepSummary)
	}
	return f.goTo(stepCredentials)
}

func (f *addFlow) viewKnownApp() string {
	return wrap("Does the customer already have an App registration for the service? Uncheck to save the service as pending authentication and get the instructions for the customer's admin.", f.c.width) +
		"\n\n" + f.knownForm.view()
}
