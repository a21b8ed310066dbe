package wizard

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// The wizard's forms are built on bubbles/textinput rather than huh's
// embedded forms because the onboarding (docs/onboarding.md) wants each rule's message under its field
// on every keystroke, and Esc to step back with every value kept; huh
// validates on submit only and owns Esc. (huh drives the accessible mode.)

type fieldKind int

const (
	kindText fieldKind = iota
	kindSecret
	kindChoice
	kindCheck
	kindReadOnly
)

// field is one input of a form.
type field struct {
	label string
	hint  string // shown faint beside the label
	kind  fieldKind
	input textinput.Model
	// choices for kindChoice; choice is the chosen index.
	choices []option
	choice  int
	checked bool // kindCheck
	// check returns the rule's message for the current value; bad marks it
	// as an error (blocking the form) rather than a note.
	check   func(v string) (msg string, bad bool)
	touched bool
	// entered: Enter was pressed on this field, so its rule is shown even
	// while it is still empty.
	entered bool
	// refuseSecret marks a visible field next to the masked secret (an
	// ID, the admin): what looks like a client secret is taken out of it
	// at once and never drawn; onFocus is its value when it was focused,
	// what it goes back to.
	refuseSecret bool
	onFocus      string
	// swallowing: a secret was taken out of the field; the characters
	// typed after it (the rest of the secret) are dropped too, until the
	// engineer leaves the field or erases.
	swallowing bool
	// warn is a message about the last key, shown until the value changes.
	warn string
}

func textField(label, hint, value string, limit int, check func(string) (string, bool)) *field {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = limit
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.SetValue(value)
	return &field{label: label, hint: hint, kind: kindText, input: ti, check: check}
}

// secretField masks what is typed: the value is never rendered, not even
// in part (the hint is shown only once the secret is stored).
func secretField(label, hint string, check func(string) (string, bool)) *field {
	f := textField(label, hint, "", 1024, check)
	f.kind = kindSecret
	f.input.EchoMode = textinput.EchoPassword
	f.input.EchoCharacter = '•'
	return f
}

func choiceField(label, hint string, choices []option, value string) *field {
	f := &field{label: label, hint: hint, kind: kindChoice, choices: choices}
	for i, c := range choices {
		if c.value == value {
			f.choice = i
		}
	}
	return f
}

func checkField(label, hint string, checked bool) *field {
	return &field{label: label, hint: hint, kind: kindCheck, checked: checked}
}

func readOnlyField(label, value, hint string) *field {
	f := textField(label, hint, value, 0, nil)
	f.kind = kindReadOnly
	return f
}

// value is the field's text, the chosen option's value, or "true"/"false".
func (f *field) value() string {
	switch f.kind {
	case kindChoice:
		if len(f.choices) == 0 {
			return ""
		}
		return f.choices[f.choice].value
	case kindCheck:
		if f.checked {
			return "true"
		}
		return "false"
	}
	return f.input.Value()
}

func (f *field) setValue(v string) {
	f.input.SetValue(v)
	f.input.CursorEnd()
}

func (f *field) focusable() bool { return f.kind != kindReadOnly }

// message is the live rule message and whether it blocks the form.
func (f *field) message(submitted bool) (string, bool) {
	if f.check == nil {
		return "", false
	}
	msg, bad := f.check(f.value())
	if bad && !submitted && !f.entered && (!f.touched || f.value() == "") {
		// Do not scold an empty field before the engineer tried to go on.
		return "", false
	}
	return msg, bad
}

// form is a column of fields with one focused.
type form struct {
	c         *common
	fields    []*field
	focus     int
	submitted bool
}

func newForm(c *common, fields ...*field) *form {
	f := &form{c: c, fields: fields}
	f.focus = -1
	f.move(1)
	return f
}

func (f *form) focused() *field {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return nil
	}
	return f.fields[f.focus]
}

// move focuses the next (d=1) or previous (d=-1) focusable field.
func (f *form) move(d int) bool {
	for i := f.focus + d; i >= 0 && i < len(f.fields); i += d {
		if f.fields[i].focusable() {
			f.setFocus(i)
			return true
		}
	}
	return false
}

// focusOn focuses fl, one of the form's fields.
func (f *form) focusOn(fl *field) {
	for i, x := range f.fields {
		if x == fl {
			f.setFocus(i)
			return
		}
	}
}

func (f *form) setFocus(i int) {
	if cur := f.focused(); cur != nil {
		cur.input.Blur()
		cur.swallowing = false
	}
	f.focus = i
	if cur := f.focused(); cur != nil && (cur.kind == kindText || cur.kind == kindSecret) {
		cur.input.Focus()
		cur.onFocus = cur.input.Value()
	}
}

// focusFirstEmpty focuses the first text field without a value (after a
// prefill the engineer types where something is missing, never into a
// filled field by surprise).
func (f *form) focusFirstEmpty() {
	for i, fl := range f.fields {
		if (fl.kind == kindText || fl.kind == kindSecret) && fl.input.Value() == "" {
			f.setFocus(i)
			return
		}
	}
}

func (f *form) lastFocusable() bool {
	for i := f.focus + 1; i < len(f.fields); i++ {
		if f.fields[i].focusable() {
			return false
		}
	}
	return true
}

// restFilled reports whether every text field after the focused one is
// done: it has a value, or it is optional and was filled in by the wizard
// (a demo tenant without an admin) or already submitted once (an edit after
// a failed validation). An optional field nobody has reached yet is not
// done: Enter goes there, so the customer admin is not skipped while typing.
func (f *form) restFilled() bool {
	for _, fl := range f.fields[f.focus+1:] {
		if fl.kind != kindText && fl.kind != kindSecret || fl.input.Value() != "" {
			continue
		}
		optional := fl.check == nil
		if !optional {
			_, bad := fl.check("")
			optional = !bad
		}
		if !optional || !fl.touched && !f.submitted {
			return false
		}
	}
	return true
}

// valid reports whether no field has a blocking message; it focuses the
// first field that has one.
func (f *form) valid() bool {
	for i, fl := range f.fields {
		if fl.check == nil {
			continue
		}
		if _, bad := fl.check(fl.value()); bad {
			f.setFocus(i)
			return false
		}
	}
	return true
}

// update handles a key; submit is true when Enter was pressed on the last
// field and every field is valid.
func (f *form) update(msg tea.KeyMsg) (submit bool) {
	k := f.c.keys
	cur := f.focused()
	switch {
	case msg.Type == tea.KeyEnter:
		// Enter on a field that breaks its rule stays there and says why:
		// moving on would leave the engineer typing into the next field.
		if cur != nil && cur.check != nil {
			if _, bad := cur.check(cur.value()); bad {
				cur.entered = true
				return false
			}
		}
		// Enter goes to the next field, or submits once every field after
		// this one is filled in (prefilled credentials, an edit after a
		// failed validation): no Enter per field that needs none.
		if f.lastFocusable() || f.restFilled() {
			f.submitted = true
			return f.valid()
		}
		f.move(1)
		return false
	case key.Matches(msg, k.NextFld):
		f.move(1)
		return false
	case key.Matches(msg, k.PrevFld):
		f.move(-1)
		return false
	}
	if cur == nil {
		return false
	}
	switch cur.kind {
	case kindCheck:
		if key.Matches(msg, k.Toggle) {
			cur.checked = !cur.checked
		}
	case kindChoice:
		switch msg.String() {
		case "left":
			cur.choice = (cur.choice + len(cur.choices) - 1) % len(cur.choices)
		case "right", " ":
			cur.choice = (cur.choice + 1) % len(cur.choices)
		}
	case kindText, kindSecret:
		if cur.swallowing {
			if msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace {
				return false
			}
			cur.swallowing = false
		}
		before := cur.input.Value()
		cur.input, _ = cur.input.Update(msg)
		if cur.input.Value() != before {
			cur.touched = true
			cur.warn = ""
		}
		if cur.refuseSecret && looksLikeSecret(cur.input.Value()) {
			cur.setValue(cur.onFocus)
			cur.swallowing = true
			cur.warn = "That looks like a client secret, so it was taken out of this field and is not shown: type it in Client secret, which is masked."
		}
	}
	return false
}

// looksLikeSecret reports whether a visible field holds what is shaped like
// an Entra client secret rather than an ID, a domain or a user name: a
// secret's Value has "Q~" after its fourth character ("Xq88Q~…"), and
// GUIDs and domains never hold ~ + / or =.
func looksLikeSecret(v string) bool {
	if i := strings.Index(v, "Q~"); i >= 3 && v[i-1] >= '0' && v[i-1] <= '9' {
		return true
	}
	return strings.ContainsAny(v, "~+/=") && !strings.Contains(v, "@")
}

// view renders the fields, each with its live message underneath.
func (f *form) view() string {
	s := f.c.styles
	w := max(f.c.width-6, 20)
	var b strings.Builder
	for i, fl := range f.fields {
		focused := i == f.focus
		label := fl.label
		if focused {
			label = s.Selected.Render(label)
		} else {
			label = s.Heading.Render(label)
		}
		if fl.kind != kindCheck {
			// The hint follows the label, or wraps under it when both do
			// not fit on one line: a hint cut off mid-word says nothing.
			line := label
			if fl.hint != "" {
				line += "  " + s.Faint.Render(fl.hint)
			}
			if lipgloss.Width(line) > f.c.width {
				line = label + "\n" + indentWrap(s.Faint.Render(fl.hint), f.c.width, "  ", "  ")
			}
			b.WriteString(line + "\n")
		}
		switch fl.kind {
		case kindText, kindSecret:
			fl.input.Width = w
			// The marker is what shows where typing goes when there is no
			// colour (NO_COLOR): only the focused field has one.
			fl.input.Prompt = "  "
			if focused {
				fl.input.Prompt = "> "
			}
			b.WriteString(fl.input.View())
		case kindReadOnly:
			b.WriteString("  " + fl.input.Value())
		case kindCheck:
			box := "[ ]"
			if fl.checked {
				box = "[x]"
			}
			mark := "  "
			if focused {
				mark = s.Selected.Render("> ")
			}
			b.WriteString(mark + box + " " + label)
			if fl.hint != "" {
				b.WriteString("\n" + indentWrap(s.Faint.Render(fl.hint), f.c.width, "    ", "    "))
			}
		case kindChoice:
			mark := "  "
			if focused {
				mark = s.Selected.Render("> ")
			}
			var parts []string
			for j, c := range fl.choices {
				if j == fl.choice {
					parts = append(parts, s.Selected.Render("("+"•"+") "+c.label))
				} else {
					parts = append(parts, "( ) "+c.label)
				}
			}
			b.WriteString(mark + strings.Join(parts, "   "))
		}
		if fl.warn != "" {
			b.WriteByte('\n')
			b.WriteString(indentWrap(s.Warning.Render("! "+fl.warn), f.c.width, "  ", "    "))
		}
		if msg, bad := fl.message(f.submitted); msg != "" {
			b.WriteByte('\n')
			if bad {
				b.WriteString(indentWrap(s.Error.Render("✗ "+msg), f.c.width, "  ", "    "))
			} else {
				b.WriteString(indentWrap(s.Faint.Render(msg), f.c.width, "  ", "  "))
			}
		}
		if i < len(f.fields)-1 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}
