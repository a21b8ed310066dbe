package wizard

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant"
	"onboard/tenant/present"
)

// The portal's step 3 (docs/onboarding.md): Add New Tenant, or reuse an App
// registration this customer already has (the provider's advice: one App
// registration per customer, a new secret per service).

const newTenantValue = "\x00new"

func (f *addFlow) loadTenants() {
	f.reusable = map[string]tenant.AppRegistration{}
	opts := []option{}
	if !f.newCustomer {
		users := map[string][]string{}
		order := []string{}
		labels := map[string]string{}
		for _, s := range f.services {
			if tenant.NameKey(s.Customer) != tenant.NameKey(f.in.Customer) || s.ClientID == "" {
				continue // another customer's, or pending authentication: nothing to reuse
			}
			k := s.TenantID + "/" + s.ClientID
			if _, seen := f.reusable[k]; !seen {
				f.reusable[k] = tenant.AppRegistration{TenantID: s.TenantID, ClientID: s.ClientID, AdminUser: s.AdminUser}
				order = append(order, k)
				app := s.AppName
				if app == "" {
					app = "App " + s.ClientID
				}
				labels[k] = fmt.Sprintf("Reuse %s: %s", present.Or(s.TenantName), app)
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
	if app == nil {
		if f.prefilled {
			f.cred.tenantID.setValue("")
			f.cred.clientID.setValue("")
			f.cred.admin.setValue("")
		}
		f.prefilled = false
		return
	}
	f.cred.tenantID.setValue(app.TenantID)
	f.cred.clientID.setValue(app.ClientID)
	f.cred.admin.setValue(app.AdminUser)
	f.prefilled = true
	f.in.UseKnownApp = true
	f.knownApp.checked = true
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
		// The next thing typed in the credentials is the new secret: the
		// cursor waits there, not in the prefilled Tenant ID.
		f.credForm.focusFirstEmpty()
	} else {
		f.usePrefill(nil)
	}
	return f.goTo(stepName)
}

func (f *addFlow) viewTenant() string {
	return wrap(fmt.Sprintf("%s already has an App registration. Reuse it (the admin creates a new secret for this service) or add a new tenant.", f.in.Customer), f.c.width) + "\n\n" +
		f.tenants.view(f.c.bodyHeight()-3)
}
