package wizard

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant/present"
)

// After a service is saved pending authentication: the instructions for
// the customer's admin (how to create the App registration, or what to fix
// in the tenant when the service was parked after a validation), ready to
// copy to the clipboard or save to a file.

// pendingText is what the customer's admin gets for the service saved.
func (f *addFlow) pendingText() string {
	if f.in.UseKnownApp {
		return present.Instructions(f.created, f.report)
	}
	return present.Instructions(f.created, nil)
}

func (f *addFlow) updatePending(msg tea.KeyMsg) tea.Cmd {
	k := f.c.keys
	switch {
	case key.Matches(msg, k.Copy):
		f.note, f.noteBad = f.c.copyText("the instructions", f.pendingText())
	case key.Matches(msg, k.SaveText):
		f.note, f.noteBad = saveText("the instructions", fileName(f.created, "instructions", "txt"), f.pendingText())
	case msg.Type == tea.KeyEnter, key.Matches(msg, k.Back):
		return openService(f.created, stateMenu)
	}
	return nil
}

func (f *addFlow) viewPending() string {
	s := f.c.styles
	head := fmt.Sprintf("✓ Service %s saved, pending authentication.", f.created)
	if f.in.UseKnownApp {
		head = fmt.Sprintf("✓ Service %s saved, pending authentication, with the credentials typed: validate it again once the customer's admin has fixed the tenant.", f.created)
	}
	out := wrap(s.Success.Render(head), f.c.width) + "\n" +
		s.Faint.Render("Send this to the customer's admin (c copies it, w saves it to a file):") + "\n\n" +
		f.pendingText()
	if f.note != "" {
		out = outcome(s, f.note, f.noteBad, f.c.width) + "\n\n" + out
	}
	return out
}
