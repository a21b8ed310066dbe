package wizard

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
)

// Seed step 3: Add New Tenant, or reuse an App registration this customer
// already has (the provider's advice: one App registration per customer,
// a new secret per service).

const newTenantValue = "\x00new"

func (f *addFlow) loadTenants() {
	f.reusable = map[string]tenant.AppRegistration{}
	opts := []option{}
	if !f.newCustomer {
		svcs, err := f.c.store.ServicesOf(f.in.Customer)
		if err != nil {
			f.loadErr = fmt.Sprintf("could not read the customer's services: %v", err)
		}
		users := map[string][]string{}
		order := []string{}
		labels := map[string]string{}
		for _, s := range svcs {
			if s.App.ClientID == "" {
				continue // pending authentication: nothing to reuse
			}
			k := s.App.TenantID + "/" + s.App.ClientID
			if _, seen := f.reusable[k]; !seen {
				app := s.App
				app.Secret = tenant.Secret{} // a new secret per service
				app.ManualExpiry = nil
				f.reusable[k] = app
				order = append(order, k)
				name := s.M365Domain
				if r := s.LastValidation; r != nil && r.TenantName != "" {
					name = r.TenantName
				}
				labels[k] = fmt.Sprintf("Reuse %s (App %s…)", orDash(name), s.App.ClientID[:min(8, len(s.App.ClientID))])
			}
			users[k] = append(users[k], s.Name)
		}
		for _, k := range order {
			opts = append(opts, option{label: labels[k], desc: "used by " + strings.Join(users[k], ", "), value: k})
		}
	}
	opts = append(opts, option{label: "Add new tenant", desc: "the admin hands over new App registration credentials", value: newTenantValue})
	f.tenants = newPicker(f.c, false, opts...)
}

// usePrefill fills the credentials from a reused App registration, or
// clears what an earlier reuse filled in (typed values are kept).
func (f *addFlow) usePrefill(app *tenant.AppRegistration) {
	fs := f.credForm.fields
	if app == nil {
		if f.prefilled {
			fs[0].setValue("")
			fs[1].setValue("")
			fs[3].setValue("")
		}
		f.prefilled = false
		return
	}
	fs[0].setValue(app.TenantID)
	fs[1].setValue(app.ClientID)
	fs[3].setValue(app.AdminUser)
	f.prefilled = true
	f.in.UseKnownApp = true
	f.knownForm.fields[0].checked = true
}

func (f *addFlow) updateTenant(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyEnter {
		f.tenants.update(msg)
		return nil
	}
	o, ok := f.tenants.selected()
	if !ok {
		return nil
	}
	if app, ok := f.reusable[o.value]; ok {
		f.usePrefill(&app)
	} else {
		f.usePrefill(nil)
	}
	return f.goTo(stepName)
}

func (f *addFlow) viewTenant() string {
	return wrap(fmt.Sprintf("%s already has an App registration. Reuse it (the admin creates a new secret for this service) or add a new tenant.", f.in.Customer), f.c.width) + "\n\n" +
		f.tenants.view(f.c.bodyHeight()-3)
}
