package wizard

import "github.com/charmbracelet/bubbles/key"

// keyMap is the one keymap of the wizard. Screens pick the bindings they
// use for their help line, so the help always matches what the keys do.
type keyMap struct {
	Move     key.Binding // up and down together, for the help line
	Scroll   key.Binding // pgup and pgdown together, for the help line
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Enter    key.Binding
	Back     key.Binding
	Quit     key.Binding
	Cancel   key.Binding
	NextFld  key.Binding
	PrevFld  key.Binding
	Toggle   key.Binding
	Choose   key.Binding // left/right through a field's choices
	Sort     key.Binding
	Reverse  key.Binding
	Filter   key.Binding
	DemoFill key.Binding

	// service page
	Validate key.Binding
	Secret   key.Binding
	Edit     key.Binding
	History  key.Binding
	Delete   key.Binding
	Copy     key.Binding // copy the instructions for the customer's admin
	SaveText key.Binding // save them to a file
	Report   key.Binding // save the hand-over report

	// customers
	Add    key.Binding
	Rename key.Binding

	// secret expiry
	ValidateAll key.Binding
	Open        key.Binding

	Yes key.Binding
	No  key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Move:     key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		Scroll:   key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Enter:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Cancel:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel")),
		NextFld:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevFld:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Toggle:   key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "toggle")),
		Choose:   key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "choose")),
		Sort:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "sort")),
		Reverse:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "reverse")),
		Filter:   key.NewBinding(key.WithKeys("type"), key.WithHelp("type", "filter")),
		DemoFill: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "fill from demo tenant")),

		Validate: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "validate")),
		Secret:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "new secret")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		History:  key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
		Delete:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy for the admin")),
		SaveText: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "save to a file")),
		Report:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "report")),

		Add:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Rename: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rename")),

		ValidateAll: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "validate all")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),

		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
	}
}

// withHelp is b with another help text, for a screen where the key means
// something more specific ("enter" → "validate").
func withHelp(b key.Binding, desc string) key.Binding {
	h := b.Help()
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(h.Key, desc))
}
