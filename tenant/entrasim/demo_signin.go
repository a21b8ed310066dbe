package entrasim

import (
	"time"
)

// The demo's tenants without an App registration, where creating one on
// the spot can be tried: the admin "signs in" by itself a few seconds
// after the code is shown (DeviceSignIn), since nobody can type the code
// into a browser for the simulated directory.

const (
	tailwindTenant  = "6a0b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c72"
	wideWorldTenant = "7b1c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d73"

	// DemoSignInAfter is how long the demo's admin takes to sign in after
	// the code is shown.
	DemoSignInAfter = 5 * time.Second
)

// demoSignInTenants are healthy tenants (Teams Phone licences, a verified
// SBC sub-domain) with no App registration yet: Tailwind Traders' admin is
// a Global Administrator; Wide World Importers' is only an Application
// Administrator, who can create the app but not grant it Microsoft Graph
// application permissions.
func demoSignInTenants() []Tenant {
	admin := func(id, domain, role string) []User {
		return []User{{ID: id, UserPrincipalName: "admin@" + domain, DisplayName: "M365 Admin", AccountEnabled: true, Roles: []string{role}}}
	}
	tenant := func(id, name, prefix, adminID, role string) Tenant {
		return Tenant{
			ID:          id,
			DisplayName: name,
			Domains: []Domain{
				{Name: prefix + ".onmicrosoft.com", IsInitial: true},
				{Name: prefix + ".com", IsDefault: true},
				{Name: prefix + "." + DemoSBCDomain},
			},
			Users:        admin(adminID, prefix+".com", role),
			SKUs:         []SKU{SKUMicrosoft365E5(25, 10)},
			DeviceSignIn: &DeviceSignIn{UPN: "admin@" + prefix + ".com", After: DemoSignInAfter},
		}
	}
	return []Tenant{
		tenant(tailwindTenant, "Tailwind Traders", "tailwindtraders", "c0ffee00-0000-4000-8000-00000000a1a1", RoleGlobalAdministrator),
		tenant(wideWorldTenant, "Wide World Importers", "wideworldimporters", "c0ffee00-0000-4000-8000-00000000b1b1", RoleApplicationAdministrator),
	}
}

// withSignInTenants adds the demo's sign-in tenants to a directory.
func withSignInTenants(d Directory) Directory {
	d.Tenants = append(d.Tenants, demoSignInTenants()...)
	return d
}

// DemoSignIns are the demo's tenants without an App registration, to try
// "Sign in as the customer's admin now" against Demo(now): no Application
// ID or secret, only the tenant and the admin who signs in by itself.
func DemoSignIns(now time.Time) []DemoTenant {
	_ = now
	return []DemoTenant{
		{Label: "Tailwind Traders (no App registration yet)",
			Outcome:  "create it: uncheck Use known App registration, choose Sign in as the customer's admin now; the simulated admin (Global Administrator) signs in by itself about 5 seconds after the code is shown, then onboard creates the App registration and validates it (pass)",
			TenantID: "tailwindtraders.onmicrosoft.com", AdminUPN: "admin@tailwindtraders.com"},
		{Label: "Wide World Importers (admin without the rights)",
			Outcome:  "fail: the simulated admin is only an Application Administrator: the App registration is created, admin consent is refused (Privileged Role Administrator or Global Administrator needed), and what was created can be removed",
			TenantID: "wideworldimporters.onmicrosoft.com", AdminUPN: "admin@wideworldimporters.com"},
	}
}
