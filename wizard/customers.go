package wizard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// The Customers screen: list, add, rename and delete. A customer that still
// has services cannot be deleted, and the screen says why.

type customersMode int

const (
	customersList customersMode = iota
	customersAdd
	customersRename
	customersDelete
)

type customersScreen struct {
	c      *common
	list   *picker
	counts map[string]int // services per customer (NameKey)
	names  []string
	mode   customersMode
	form   *form
	name   *field // the form's one field
	target string // the customer being renamed or deleted
	flash  string
	bad    bool
}

func newCustomersScreen(c *common) *customersScreen {
	s := &customersScreen{c: c}
	s.load()
	return s
}

func (s *customersScreen) load() {
	cs, err := s.c.cases.Customers()
	if err != nil {
		s.flash, s.bad = err.Error(), true
	}
	s.counts = map[string]int{}
	s.names = s.names[:0]
	opts := make([]option, len(cs))
	for i, cu := range cs {
		n := cu.Services
		s.counts[tenant.NameKey(cu.Name)] = n
		desc := fmt.Sprintf("%d services", n)
		if n == 1 {
			desc = "1 service"
		}
		opts[i] = option{label: cu.Name, desc: desc, value: cu.Name}
		s.names = append(s.names, cu.Name)
	}
	cur := 0
	if s.list != nil {
		cur = s.list.cursor
	}
	s.list = newPicker(s.c, false, opts...)
	s.list.cursor = min(cur, max(len(opts)-1, 0))
}

func (s *customersScreen) title() string {
	switch s.mode {
	case customersAdd:
		return "Customers › Add"
	case customersRename:
		return "Customers › Rename " + s.target
	}
	return "Customers"
}

func (s *customersScreen) busy() bool { return false }

// typing: a name is being typed.
func (s *customersScreen) typing() bool { return s.mode == customersAdd || s.mode == customersRename }

// dirty: a name is being typed.
func (s *customersScreen) dirty() bool {
	return (s.mode == customersAdd || s.mode == customersRename) && s.name != nil && s.name.touched
}
func (s *customersScreen) stop() {}

func (s *customersScreen) bindings() []key.Binding {
	k := s.c.keys
	switch s.mode {
	case customersAdd, customersRename:
		return []key.Binding{withHelp(k.Enter, "save"), withHelp(k.Back, "cancel")}
	case customersDelete:
		return []key.Binding{withHelp(k.Yes, "delete"), withHelp(k.No, "keep")}
	}
	return []key.Binding{k.Move, withHelp(k.Add, "add"), k.Rename, k.Delete, k.Back}
}

func (s *customersScreen) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(changedMsg); ok && s.mode == customersList {
		s.load()
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch s.mode {
	case customersAdd, customersRename:
		if key.Matches(km, k.Back) {
			s.mode = customersList
			return nil
		}
		if s.form.update(km) {
			s.save()
		}
		return nil
	case customersDelete:
		switch {
		case key.Matches(km, k.Yes):
			s.mode = customersList
			if err := s.c.cases.DeleteCustomer(s.target); err != nil {
				s.flash, s.bad = deleteCustomerError(s.target, s.counts[tenant.NameKey(s.target)], err), true
				return nil
			}
			s.flash, s.bad = fmt.Sprintf("Customer %s deleted.", s.target), false
			s.load()
		case key.Matches(km, k.No, k.Back):
			s.mode = customersList
		}
		return nil
	}
	switch {
	case key.Matches(km, k.Back):
		return navigate(stateMenu)
	case key.Matches(km, k.Add):
		s.mode = customersAdd
		s.flash = ""
		s.name = textField("Customer name", "1–200 characters, unique", "", tenant.CustomerNameMax, customerNameCheck(s.names, ""))
		s.form = newForm(s.c, s.name)
	case key.Matches(km, k.Rename):
		if o, ok := s.list.selected(); ok {
			s.mode, s.target, s.flash = customersRename, o.value, ""
			s.name = textField("New name", "services follow the new name", o.value, tenant.CustomerNameMax, customerNameCheck(s.names, o.value))
			s.form = newForm(s.c, s.name)
		}
	case key.Matches(km, k.Delete):
		if o, ok := s.list.selected(); ok {
			s.target, s.flash = o.value, ""
			if n := s.counts[tenant.NameKey(o.value)]; n > 0 {
				// Say why at once rather than after a y/n that cannot
				// succeed; the store still decides in its transaction.
				s.flash, s.bad = deleteCustomerError(o.value, n, usecase.ErrCustomerHasServices), true
				return nil
			}
			s.mode = customersDelete
		}
	default:
		s.list.update(km)
	}
	return nil
}

// deleteCustomerError explains why a customer was not deleted; services
// is how many it had when the list was read.
func deleteCustomerError(name string, services int, err error) string {
	if errors.Is(err, usecase.ErrCustomerHasServices) {
		what := "its services"
		if services == 1 {
			what = "its service"
		} else if services > 1 {
			what = fmt.Sprintf("its %d services", services)
		}
		return fmt.Sprintf("Customer %s still has services, so it cannot be deleted: delete %s first (Services › the service › d).", name, what)
	}
	return fmt.Sprintf("could not delete customer %s: %v", name, err)
}

func (s *customersScreen) save() {
	name, _ := tenant.CleanCustomerName(s.name.value())
	var err error
	if s.mode == customersAdd {
		_, err = s.c.cases.AddCustomer(name)
	} else {
		err = s.c.cases.RenameCustomer(s.target, name)
	}
	if err != nil {
		s.flash, s.bad = err.Error(), true
		return
	}
	if s.mode == customersAdd {
		s.flash = fmt.Sprintf("Customer %s added.", name)
	} else {
		s.flash = fmt.Sprintf("Customer %s renamed to %s.", s.target, name)
	}
	s.bad = false
	s.mode = customersList
	s.load()
	s.list.selectValue(name)
}

func (s *customersScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	if s.flash != "" {
		b.WriteString(outcome(st, s.flash, s.bad, s.c.width) + "\n\n")
	}
	switch s.mode {
	case customersAdd, customersRename:
		b.WriteString(s.form.view())
		return b.String()
	case customersDelete:
		b.WriteString(st.Warning.Render(fmt.Sprintf("Delete customer %s? (y/n)", s.target)))
		return b.String()
	}
	if len(s.names) == 0 {
		b.WriteString(st.Faint.Render("No customers yet: press a to add one, or add a service."))
		return b.String()
	}
	b.WriteString(s.list.view(s.c.bodyHeight() - strings.Count(b.String(), "\n") - 1))
	return b.String()
}
