package wizard

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// The portal's step 2 (docs/onboarding.md): choose the relevant customer,
// or create one. A new customer is only remembered here; the store gets it
// at Create service.

const newCustomerValue = "\x00new"

func (f *addFlow) loadCustomers() {
	cs, err := f.c.cases.Store().ListCustomers()
	if err != nil {
		f.loadErr = fmt.Sprintf("could not read the customers: %v", err)
	}
	opts := []option{{label: "New customer…", value: newCustomerValue, always: true}}
	names := make([]string, len(cs))
	for i, c := range cs {
		opts = append(opts, option{label: c.Name, value: c.Name})
		names[i] = c.Name
	}
	f.checkCustomerName = customerNameCheck(names, "")
	f.custStep = newPicker(f.c, true, opts...)
	if len(cs) > 0 {
		f.custStep.cursor = 1
	}
	f.custName = textField("Customer name", "1–200 characters, unique", "", tenant.CustomerNameMax, f.checkCustomerName)
	f.newCust = newForm(f.c, f.custName)
}

func (f *addFlow) updateCustomer(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyEnter {
		f.custStep.update(msg)
		label := "New customer…"
		if q := strings.TrimSpace(f.custStep.filter.Value()); q != "" {
			label = fmt.Sprintf("New customer %q", q)
		}
		f.custStep.options[0].label = label
		return nil
	}
	o, ok := f.custStep.selected()
	if !ok {
		return nil
	}
	if o.value == newCustomerValue {
		// A filter that matches no customer is the new customer's name:
		// take it as is (one key less); the name is shown on the summary
		// with "(new)", and Esc comes back here to change it.
		q := strings.TrimSpace(f.custStep.filter.Value())
		if _, bad := f.checkCustomerName(q); q != "" && !bad {
			f.custName.setValue(q)
			f.in.Customer, _ = tenant.CleanCustomerName(q)
			f.newCustomer = true
			return f.afterCustomer()
		}
		if q != "" {
			f.custName.setValue(q)
			f.custName.touched = true
		}
		return f.goTo(stepNewCustomer)
	}
	f.in.Customer = o.value
	f.newCustomer = false
	return f.afterCustomer()
}

func (f *addFlow) updateNewCustomer(msg tea.KeyMsg) tea.Cmd {
	if !f.newCust.update(msg) {
		return nil
	}
	name, _ := tenant.CleanCustomerName(f.custName.value())
	f.in.Customer = name
	f.newCustomer = true
	return f.afterCustomer()
}

// afterCustomer offers the customer's App registrations for reuse, or goes
// straight to the short name when there is none to reuse.
func (f *addFlow) afterCustomer() tea.Cmd {
	f.loadTenants()
	if len(f.reusable) == 0 {
		f.usePrefill(nil)
		return f.goTo(stepName)
	}
	return f.goTo(stepTenant)
}

func (f *addFlow) viewCustomer() string {
	return wrap("Choose the customer the service is for, or type a new customer's name and press enter.", f.c.width) + "\n\n" + f.custStep.view(f.c.bodyHeight()-3)
}

func (f *addFlow) viewNewCustomer() string {
	return "The customer is created together with the service.\n\n" + f.newCust.view()
}
