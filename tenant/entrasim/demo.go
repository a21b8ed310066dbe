package entrasim

import (
	"fmt"
	"hash/crc32"
	"time"
)

// DemoTenant is one ready-made credential set of the demo directory, shown
// on the --demo first screen so the engineer can try every outcome.
type DemoTenant struct {
	Label    string // e.g. "Contoso (healthy)"
	Outcome  string // what validating it shows, one line
	TenantID string // what to type (GUID or domain)
	ClientID string
	Secret   string
	AdminUPN string
}

// Every Graph permission the hosted Direct Routing service needs.
var allPermissions = []string{"Organization.Read.All", "Application.Read.All", "User.Read.All"}

// The demo directory's fixed identifiers: stable across runs, so screens
// and golden files do not change.
const (
	contosoTenant   = "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60"
	contosoApp      = "3f6b2c1d-8e4a-4b7c-9d2e-5a6b7c8d9e01"
	fabrikamTenant  = "2b7e4f9a-1c3d-4e5f-8a9b-0c1d2e3f4a51"
	fabrikamApp     = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c02"
	northwindTenant = "5c9d1e2f-3a4b-4c5d-9e6f-7a8b9c0d1e52"
	northwindApp    = "9b0c1d2e-3f4a-4b5c-8d6e-7f8a9b0c1d03"
	tailspinTenant  = "6d0e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f53"
	tailspinApp     = "0c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e04"
	wingtipTenant   = "7e1f3a4b-5c6d-4e7f-9a8b-9c0d1e2f3a54"
	wingtipApp      = "1d2e3f4a-5b6c-4d7e-8f8a-9b0c1d2e3f05"
	adatumTenant    = "8f2a4b5c-6d7e-4f8a-8b9c-0d1e2f3a4b55"
	adatumApp       = "2e3f4a5b-6c7d-4e8f-9a9b-0c1d2e3f4a06"
	litwareTenant   = "9a3b5c6d-7e8f-4a9b-9c0d-1e2f3a4b5c56"
	litwareApp      = "3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b07"
	proseTenant     = "0b4c6d7e-8f9a-4b0c-8d1e-2f3a4b5c6d57"
	proseApp        = "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c08"
	relecloudTenant = "1c5d7e8f-9a0b-4c1d-9e2f-3a4b5c6d7e58"
	relecloudApp    = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d09"
	unknownTenant   = "fourthcoffee.onmicrosoft.com"
)

// Secret values shaped like the ones Entra ID hands out (40 characters,
// the 4th to 6th being "8Q~").
const (
	contosoSecret    = "Xq88Q~Vb2mKp7Lr4Tz9Wc1Yn6Hd3Jf5Gs0Ae.UkZ"
	fabrikamSecret   = "Fb38Q~Nw5Rt2Yx8Pk1Mz4Lq7Cv0Bs3Dh6Gj9.EaZ"
	northwindSecret  = "Nw18Q~Hk4Jp7Rz2Vm5Xc8Bt1Ls3Qd6Fw9Gy0_UeZ"
	tailspinSecret   = "Ts58Q~Lm9Pq2Wr5Kx8Zc1Vb4Nd7Hf0Js3Gt6~AyZ"
	wingtipSecret    = "Wt78Q~Cz3Xv6Bn9Mq2Lk5Jh8Gf1Ds4Ap7Ow0.IeZ"
	wingtipWrong     = "Wt78Q~Yy1Uu2Ii3Oo4Pp5Aa6Ss7Dd8Ff9Gg0_HhZ"
	adatumSecret     = "Ad48Q~Rt6Yu9Io2Pa5Sd8Fg1Hj4Kl7Zx0Cv3.BnZ"
	litwareSecret    = "Lw28Q~Qa7Ws0Ed3Rf6Tg9Yh2Uj5Ik8Ol1Pz4~XcZ"
	proseSecret      = "Pw68Q~Mn1Bv4Cx7Za0Sd3Fg6Hj9Kl2Qw5Er8.TyZ"
	relecloudSecret  = "Rc98Q~Ui3Op6As9Df2Gh5Jk8Lz1Xc4Vb7Nm0_QwZ"
	unknownSecret    = "Fc08Q~Tr5Ew8Qa1Sd4Fg7Hj0Kl3Zx6Cv9Bn2.MmZ"
	unknownClientApp = "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e10"
)

func demoTenant(id, name, prefix, appID string, secrets []Secret, perms, roles []string, users []User) Tenant {
	return Tenant{
		ID:          id,
		DisplayName: name,
		Domains: []Domain{
			{Name: prefix + ".onmicrosoft.com", IsInitial: true},
			{Name: prefix + ".com", IsDefault: true},
		},
		Apps: []App{{
			AppID:              appID,
			ObjectID:           "a0" + appID[2:],
			ServicePrincipalID: "b0" + appID[2:],
			DisplayName:        "Teams Direct Routing (hosted)",
			Secrets:            secrets,
			Permissions:        perms,
			Roles:              roles,
		}},
		Users: users,
	}
}

func secret(value, keyID string, now time.Time, days int) Secret {
	return Secret{
		Value:         value,
		KeyID:         keyID,
		DisplayName:   "onboard",
		StartDateTime: now.AddDate(0, 0, days-730).Truncate(time.Second),
		EndDateTime:   now.AddDate(0, 0, days).Add(time.Hour).Truncate(time.Second),
	}
}

// Demo is the ready-made demo directory; DemoTenants lists credentials for it.
// Expiry dates are relative to now, so "expiring in 9 days" stays true.
func Demo(now time.Time) Directory {
	now = now.UTC()
	admin := func(domain string, enabled bool) []User {
		return []User{{ID: fmt.Sprintf("c0ffee00-0000-4000-8000-%012x", crc32.ChecksumIEEE([]byte(domain))), UserPrincipalName: "admin@" + domain, DisplayName: "M365 Admin", AccountEnabled: enabled}}
	}
	teams := []string{RoleTeamsAdministrator}
	return Directory{Tenants: []Tenant{
		demoTenant(contosoTenant, "Contoso Ltd", "contoso", contosoApp,
			[]Secret{secret(contosoSecret, "11111111-1111-4111-8111-111111111111", now, 400)},
			allPermissions, teams, admin("contoso.com", true)),
		demoTenant(fabrikamTenant, "Fabrikam, Inc.", "fabrikam", fabrikamApp,
			[]Secret{secret(fabrikamSecret, "22222222-2222-4222-8222-222222222222", now, 200)},
			allPermissions, []string{RoleSkypeForBusinessAdministrator, RoleTeamsCommunicationsAdministrator}, admin("fabrikam.com", true)),
		demoTenant(northwindTenant, "Northwind Traders", "northwind", northwindApp,
			[]Secret{secret(northwindSecret, "33333333-3333-4333-8333-333333333333", now, 9)},
			allPermissions, teams, nil),
		demoTenant(tailspinTenant, "Tailspin Toys", "tailspin", tailspinApp,
			[]Secret{secret(tailspinSecret, "44444444-4444-4444-8444-444444444444", now, -3)},
			allPermissions, teams, nil),
		demoTenant(wingtipTenant, "Wingtip Toys", "wingtip", wingtipApp,
			[]Secret{secret(wingtipSecret, "55555555-5555-4555-8555-555555555555", now, 300)},
			allPermissions, teams, nil),
		demoTenant(adatumTenant, "Adatum Corporation", "adatum", adatumApp,
			[]Secret{secret(adatumSecret, "66666666-6666-4666-8666-666666666666", now, 300)},
			[]string{"Organization.Read.All", "User.Read.All"}, teams, nil),
		demoTenant(litwareTenant, "Litware, Inc.", "litware", litwareApp,
			[]Secret{secret(litwareSecret, "77777777-7777-4777-8777-777777777777", now, 300)},
			allPermissions, nil, nil),
		withBlock(demoTenant(proseTenant, "Proseware, Inc.", "proseware", proseApp,
			[]Secret{secret(proseSecret, "88888888-8888-4888-8888-888888888888", now, 300)},
			allPermissions, teams, nil), BlockConditionalAccess),
		withDisabled(demoTenant(relecloudTenant, "Relecloud", "relecloud", relecloudApp,
			[]Secret{secret(relecloudSecret, "99999999-9999-4999-8999-999999999999", now, 300)},
			allPermissions, teams, nil)),
	}}
}

func withBlock(t Tenant, b Block) Tenant { t.Block = b; return t }

func withDisabled(t Tenant) Tenant { t.Apps[0].Disabled = true; return t }

// DemoTenants are the credentials to type against Demo(now), one per outcome.
func DemoTenants(now time.Time) []DemoTenant {
	_ = now // the credentials do not depend on the date; the outcomes do (via Demo)
	return []DemoTenant{
		{Label: "Contoso (healthy)", Outcome: "pass: all permissions, Teams Administrator, secret valid for 400 days, admin found",
			TenantID: contosoTenant, ClientID: contosoApp, Secret: contosoSecret, AdminUPN: "admin@contoso.com"},
		{Label: "Fabrikam (healthy, two roles)", Outcome: "pass: Skype for Business + Teams Communications Administrator instead of Teams Administrator",
			TenantID: "fabrikam.onmicrosoft.com", ClientID: fabrikamApp, Secret: fabrikamSecret, AdminUPN: "admin@fabrikam.com"},
		{Label: "Northwind (secret expiring soon)", Outcome: "warn: the client secret expires in 9 days",
			TenantID: northwindTenant, ClientID: northwindApp, Secret: northwindSecret},
		{Label: "Tailspin (expired secret)", Outcome: "fail: AADSTS7000222, the client secret has expired",
			TenantID: tailspinTenant, ClientID: tailspinApp, Secret: tailspinSecret},
		{Label: "Wingtip (wrong secret)", Outcome: "fail: AADSTS7000215, wrong secret value",
			TenantID: "wingtip.onmicrosoft.com", ClientID: wingtipApp, Secret: wingtipWrong},
		{Label: "Adatum (missing permission)", Outcome: "warn: no Application.Read.All, so the secret expiry and roles are unknown",
			TenantID: adatumTenant, ClientID: adatumApp, Secret: adatumSecret},
		{Label: "Litware (missing role)", Outcome: "warn: the app has no Teams Administrator role, and the admin nobody@litware.com is not found",
			TenantID: litwareTenant, ClientID: litwareApp, Secret: litwareSecret, AdminUPN: "nobody@litware.com"},
		{Label: "Proseware (Conditional Access)", Outcome: "fail: AADSTS53003, blocked by Conditional Access",
			TenantID: proseTenant, ClientID: proseApp, Secret: proseSecret},
		{Label: "Relecloud (app disabled)", Outcome: "fail: AADSTS7000112, the application is disabled",
			TenantID: relecloudTenant, ClientID: relecloudApp, Secret: relecloudSecret},
		{Label: "Fourth Coffee (unknown tenant)", Outcome: "fail: AADSTS90002, tenant not found (wrong Tenant ID or cloud)",
			TenantID: unknownTenant, ClientID: unknownClientApp, Secret: unknownSecret},
	}
}
