package wizard

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// After a service is saved pending authentication: the instructions for the
// customer's admin, as plain text ready to copy (docs/onboarding.md, step 7).

// adminInstructions is the text to send the customer's M365 admin.
func adminInstructions(service string) string {
	return strings.Join([]string{
		fmt.Sprintf("To connect Microsoft Teams Direct Routing service %s, please:", service),
		"1. In the Entra admin center, go to App registrations > New registration;",
		"   name it (e.g. \"Teams Direct Routing\"), single tenant, and register it.",
		"2. API permissions > Add a permission > Microsoft Graph > Application",
		"   permissions: Organization.Read.All, Application.Read.All, User.Read.All;",
		"   then Grant admin consent.",
		"3. Roles & admins: assign the app the Teams Administrator role (or both",
		"   Skype for Business Administrator and Teams Communications Administrator).",
		"4. Certificates & secrets > New client secret; copy its Value (not its",
		"   Secret ID) right away: it is shown only once.",
		"5. Send us the Directory (tenant) ID, the Application (client) ID and the",
		"   secret Value through a secure channel.",
	}, "\n")
}

func (f *addFlow) updatePending(msg tea.KeyMsg) tea.Cmd {
	k := f.c.keys
	if msg.Type == tea.KeyEnter || msg.String() == k.Back.Keys()[0] {
		return openService(f.created, stateMenu)
	}
	return nil
}

func (f *addFlow) viewPending() string {
	s := f.c.styles
	return s.Success.Render(fmt.Sprintf("✓ Service %s saved, pending authentication.", f.created)) + "\n" +
		s.Faint.Render("Send this to the customer's admin (select it with the mouse to copy):") + "\n\n" +
		adminInstructions(f.created)
}
