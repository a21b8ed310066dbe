package wizard

import tea "github.com/charmbracelet/bubbletea"

// The portal's step 1 (docs/onboarding.md): Services > Add Service > Direct
// Routing.

func (f *addFlow) updateType(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyEnter {
		return f.goTo(stepCustomer)
	}
	f.typeStep.update(msg)
	return nil
}

func (f *addFlow) viewType() string {
	return "Which service does the customer get?\n\n" + f.typeStep.view(3)
}
