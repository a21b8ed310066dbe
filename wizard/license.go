package wizard

import (
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// The portal's steps 5 and 6 (docs/onboarding.md): the license type and the
// number of licensed users.

// licenseOptions are the license types, for every screen that offers them.
func licenseOptions() []option {
	opts := make([]option, len(tenant.Licenses))
	for i, l := range tenant.Licenses {
		opts[i] = option{label: l.Title(), desc: string(l), value: string(l)}
	}
	return opts
}

func newLicensePicker(c *common) *picker {
	return newPicker(c, false, licenseOptions()...)
}

func (f *addFlow) updateLicense(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyEnter {
		f.licenses.update(msg)
		return nil
	}
	o, _ := f.licenses.selected()
	f.in.License = o.value
	return f.goTo(stepUsers)
}

func (f *addFlow) viewLicense() string {
	return "Which license is the service sold with?\n\n" + f.licenses.view(4)
}

func newUsersForm(f *addFlow) *form {
	f.users = textField("Licensed users", "a whole number, 1–500", "", 6, checkUsers)
	return newForm(f.c, f.users)
}

func (f *addFlow) updateUsers(msg tea.KeyMsg) tea.Cmd {
	if !f.usersForm.update(msg) {
		return nil
	}
	f.in.Users = f.users.value()
	return f.goTo(stepKnownApp)
}

func (f *addFlow) viewUsers() string {
	return "How many users are licensed?\n\n" + f.usersForm.view()
}
