package wizard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant/present"
)

// demoScreen is --demo's first screen: the simulated directory's sample
// tenants with their credentials, so a newcomer can try every outcome. It
// is the one place a secret is shown, because these are sample values.
type demoScreen struct {
	c    *common
	list *picker
}

func newDemoScreen(c *common) *demoScreen {
	opts := make([]option, len(c.demo))
	for i, d := range c.demo {
		opts[i] = option{label: d.Label, value: d.Label}
	}
	return &demoScreen{c: c, list: newPicker(c, false, opts...)}
}

func (d *demoScreen) title() string { return "Demo tenants" }
func (d *demoScreen) busy() bool    { return false }
func (d *demoScreen) stop()         {}
func (d *demoScreen) typing() bool  { return false }

func (d *demoScreen) bindings() []key.Binding {
	k := d.c.keys
	return []key.Binding{k.Move, withHelp(k.Enter, "main menu"),
		withHelp(k.Add, "add a service with these"), k.Quit}
}

func (d *demoScreen) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := d.c.keys
	switch {
	case key.Matches(km, k.Quit):
		return quit
	case key.Matches(km, k.Enter), key.Matches(km, k.Back):
		return navigate(stateMenu)
	case key.Matches(km, k.Add):
		i := d.list.cursor
		return func() tea.Msg { return navMsg{to: stateAdd, demo: i} }
	}
	d.list.update(km)
	return nil
}

func (d *demoScreen) view() string {
	s := d.c.styles
	head := wrap(s.Warning.Render("Sample data from the built-in simulated directory (offline). These demo secrets are shown because they are not real; a secret you type is never shown again."), d.c.width)
	if n := withoutApp(d.c.demo); n > 0 {
		head += "\n" + wrap(s.Warning.Render(fmt.Sprintf("The last %d have no App registration yet: try Sign in as the customer's admin now (their simulated admin signs in by itself).", n)), d.c.width)
	}
	if len(d.c.demo) == 0 {
		return head
	}
	t := d.c.demo[d.list.cursor]
	rows := []present.Row{
		row("Outcome", t.Outcome),
		row("Tenant ID", t.TenantID),
		row("Application ID", present.Or(t.ClientID)),
		{Label: "Client secret", Value: present.Or(t.Secret), Note: demoNote(t.Secret)},
	}
	if t.RightSecret != "" {
		rows = append(rows, present.Row{Label: "Right secret", Value: t.RightSecret, Note: "type it after the failure"})
	}
	facts := rowsView(s, append(rows, row("Admin (UPN)", present.Or(t.AdminUPN))), d.c.width)
	// The tenant's facts always show whole; the list takes what is left
	// (it scrolls with the cursor), at least three lines.
	listH := min(len(d.c.demo), max(d.c.bodyHeight()-lines(head)-lines(facts)-2, 3))
	return head + "\n\n" + d.list.view(listH) + "\n\n" + facts
}

// lines is how many lines text takes.
func lines(text string) int { return strings.Count(text, "\n") + 1 }

// demoNote marks a demo secret shown (a sign-in sample has none).
func demoNote(secret string) string {
	if secret == "" {
		return ""
	}
	return "demo value"
}

// withoutApp counts the demo tenants that have no App registration yet.
func withoutApp(demo []DemoTenant) int {
	n := 0
	for _, t := range demo {
		if t.ClientID == "" {
			n++
		}
	}
	return n
}
