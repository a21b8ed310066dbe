package wizard

import (
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// menuScreen is the main menu (the portal's step 1 starts here).
type menuScreen struct {
	c    *common
	list *picker
}

func newMenuScreen(c *common) *menuScreen {
	var opts []option
	for _, d := range menuEntries() {
		opts = append(opts, option{label: d.label, desc: d.desc, value: strconv.Itoa(int(d.state))})
	}
	opts = append(opts, option{label: "Quit", value: "quit"})
	m := &menuScreen{c: c, list: newPicker(c, false, opts...)}
	// Coming back, the cursor is where the engineer left it.
	m.list.cursor = c.menuCursor
	return m
}

func (m *menuScreen) title() string { return "Main menu" }
func (m *menuScreen) busy() bool    { return false }
func (m *menuScreen) stop()         {}
func (m *menuScreen) typing() bool  { return false }

func (m *menuScreen) bindings() []key.Binding {
	k := m.c.keys
	b := []key.Binding{k.Move, k.Enter}
	if len(m.c.demo) > 0 {
		b = append(b, withHelp(k.Back, "demo tenants"))
	}
	return append(b, k.Quit)
}

func (m *menuScreen) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := m.c.keys
	switch {
	case key.Matches(km, k.Quit):
		return quit
	case key.Matches(km, k.Back):
		if len(m.c.demo) > 0 {
			return navigate(stateDemo)
		}
		return nil
	case key.Matches(km, k.Enter):
		o, _ := m.list.selected()
		m.c.menuCursor = m.list.cursor
		if o.value == "quit" {
			return quit
		}
		to, _ := strconv.Atoi(o.value)
		return navigate(state(to))
	}
	m.list.update(km)
	return nil
}

func (m *menuScreen) view() string {
	return m.list.view(m.c.bodyHeight())
}
