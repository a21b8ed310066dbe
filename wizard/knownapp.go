package wizard

import (
	tea "github.com/charmbracelet/bubbletea"
)

// The portal's step 7 (docs/onboarding.md): Use known App registration.
// Unchecked, the customer's admin signs in now and onboard creates the App
// registration (signin.go), or the service is saved pending authentication
// and the admin gets instructions.

func newKnownAppForm(f *addFlow) *form {
	f.knownApp = checkField("Use known App registration", "the customer's admin has handed over Tenant ID, Application ID and a client secret", true)
	return newForm(f.c, f.knownApp)
}

func (f *addFlow) updateKnownApp(msg tea.KeyMsg) tea.Cmd {
	if f.offerSignIn() && f.withoutApp().update(msg) {
		return nil
	}
	if !f.knownForm.update(msg) {
		return nil
	}
	f.in.UseKnownApp = f.knownApp.checked
	if !f.in.UseKnownApp && f.offerSignIn() && f.signInChosen() {
		return f.openSignIn()
	}
	if !f.in.UseKnownApp {
		f.createErr = ""
		return f.goTo(stepSummary)
	}
	return f.goTo(stepCredentials)
}

func (f *addFlow) viewKnownApp() string {
	if f.c.cases.CanCreateApps() {
		return wrap("Does the customer already have an App registration for the service? Uncheck to have the customer's admin sign in now and let onboard create it, or to save the service as pending authentication with the instructions for the admin.", f.c.width) +
			"\n\n" + f.knownForm.view() + f.viewWithoutApp()
	}
	return wrap("Does the customer already have an App registration for the service? Uncheck to save the service as pending authentication and get the instructions for the customer's admin.", f.c.width) +
		"\n\n" + f.knownForm.view()
}
