package wizard

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// The portal's step 4 (docs/onboarding.md): the service's unique short
// name, checked on every keystroke, and an optional full name.

func newNameForm(f *addFlow) *form {
	f.shortName = textField("Short name", "3–15 characters, unique", "", 64, shortNameCheck(f.takenNames))
	f.fullName = textField("Full name", "optional, up to 200 characters", "", tenant.FullNameMax+20, checkFullName)
	return newForm(f.c, f.shortName, f.fullName)
}

func (f *addFlow) updateName(msg tea.KeyMsg) tea.Cmd {
	if !f.nameForm.update(msg) {
		return nil
	}
	f.in.Name = f.shortName.value()
	f.in.FullName = f.fullName.value()
	return f.goTo(stepLicense)
}

func (f *addFlow) viewName() string {
	return wrap(fmt.Sprintf("Name the Direct Routing service for %s.", f.in.Customer), f.c.width) + "\n\n" + f.nameForm.view()
}
