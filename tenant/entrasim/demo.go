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
	// RightSecret, for a sample whose Secret is wrong on purpose, is the
	// one that works: "wrong, then corrected" can be tried.
	RightSecret string
}

// DemoSBCDomain is the provider's base domain the demo tenants' SBC
// sub-domains hang under: validate the demo with it (--sbc-domain) for the
// outcomes below to read as written.
const DemoSBCDomain = "sbc.provider.example"

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

	lamnaTenant     = "3e7f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a60"
	lamnaApp        = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f12"
	woodgroveTenant = "4f8a0b1c-2d3e-4f4a-8b5c-6d7e8f9a0b61"
	woodgroveApp    = "8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a13"
	alpineTenant    = "5a9b1c2d-3e4f-4a5b-9c6d-7e8f9a0b1c62"
	alpineApp       = "9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b14"
	bellowsTenant   = "6b0c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d63"
	bellowsApp      = "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c15"
	cohoTenant      = "7c1d3e4f-5a6b-4c7d-9e8f-9a0b1c2d3e64"
	cohoApp         = "1b2c3d4e-5f6a-4b7c-8d8e-9f0a1b2c3d16"
	datumTenant     = "8d2e4f5a-6b7c-4d8e-8f9a-0b1c2d3e4f65"
	datumApp        = "2c3d4e5f-6a7b-4c8d-9e9f-0a1b2c3d4e17"
	graphicTenant   = "9e3f5a6b-7c8d-4e9f-9a0b-1c2d3e4f5a66"
	graphicApp      = "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f18"
	humongousTenant = "0f4a6b7c-8d9e-4f0a-8b1c-2d3e4f5a6b67"
	humongousApp    = "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a19"
	lucerneTenant   = "1a5b7c8d-9e0f-4a1b-9c2d-3e4f5a6b7c68"
	lucerneApp      = "5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b20"
	margieTenant    = "2b6c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d69"
	margieApp       = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c21"
	nodTenant       = "3c7d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e70"
	nodApp          = "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d22"
	treyTenant      = "4d8e0f1a-2b3c-4d4e-8f5a-6b7c8d9e0f71"
	treyApp         = "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e23"
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

	lamnaSecret      = "Lh38Q~U8JZpDE0iGXlD6gNCFba.EPFjbD0kH8Ooo"
	woodgroveSecret  = "Wb58Q~klZDOCj2ISaJiHkTj0rL_GlkoMXGjtEkDn"
	alpineSecret     = "As78Q~fribxUdl7dXTPyLsxPFk_Thf4VucSmEHga"
	bellowsSecret    = "Bc18Q~wVJ7faC9qEwjky40UVsW.mflzdE1F8Resq"
	cohoSecret       = "Cw68Q~DusTpkr0cStY4qWB8dWK-nHfDNxSIvPZZ6"
	datumSecret      = "Dt28Q~FKcZjR4I0b3jRtaWr4Y9~OJFLJOqOAf1lL"
	graphicSecret    = "Gd48Q~SAJaiXnkU8Is2g8nprvD.d53x83rzjZZZZ"
	humongousSecret  = "Hi98Q~eoZDMENcKHVmDGAkJiG8~XnBE3NnYJoQ9W"
	lucerneSecret    = "Lp48Q~eHH2fdeeTFJGvVvQe1sK~hBN88hXJsi6Bw"
	lucerneExpired   = "Lp48Q~Zq0Wn3Rt6Yu9Kd2Fh5Jl8Xc1Vb4Nm7.PsA"
	margieSecret     = "Mt88Q~p3Fs2QhX6KWxOiixgVoO_nzyw2MzP0ZvzO"
	nodSecret        = "Np68Q~hfWuBByReQMsm9Wcz7uW.9XFOGOeMVNen5"
	treySecret       = "Tr38Q~e6pWzpF1qH6YytwMe4Lb_yoVFz8uZdZv8F"
	defaultAppName   = "Teams Direct Routing (hosted)"
	hostileEscapes   = "\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\\nFAKE: ✓ Token: all good\u202e"
	hostileTextShort = "\x1b[2J\u202e\x1b]8;;https://evil.example/\x1b\\"
)

// demoTenant is a healthy tenant: the app with the given secrets,
// permissions and roles, Teams Phone licences to spare (Microsoft 365 E5,
// 10 of 25 assigned) and a verified sub-domain of DemoSBCDomain.
func demoTenant(id, name, prefix, appID string, secrets []Secret, perms, roles []string, users []User) Tenant {
	return Tenant{
		ID:          id,
		DisplayName: name,
		Domains: []Domain{
			{Name: prefix + ".onmicrosoft.com", IsInitial: true},
			{Name: prefix + ".com", IsDefault: true},
			{Name: prefix + "." + DemoSBCDomain},
		},
		Apps: []App{{
			AppID:              appID,
			ObjectID:           "a0" + appID[2:],
			ServicePrincipalID: "b0" + appID[2:],
			DisplayName:        defaultAppName,
			Secrets:            secrets,
			Permissions:        perms,
			Roles:              roles,
		}},
		Users: users,
		SKUs:  []SKU{SKUMicrosoft365E5(25, 10)},
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

// keyID is a stable passwordCredential keyId for a demo secret.
func keyID(n int) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", n, n, n, n, n)
}

// Demo is the ready-made demo directory; DemoTenants lists credentials for it.
// Expiry dates are relative to now, so "expiring in 9 days" stays true.
func Demo(now time.Time) Directory {
	now = now.UTC()
	admin := func(domain string, enabled bool) []User {
		return []User{{ID: fmt.Sprintf("c0ffee00-0000-4000-8000-%012x", crc32.ChecksumIEEE([]byte(domain))), UserPrincipalName: "admin@" + domain, DisplayName: "M365 Admin", AccountEnabled: enabled}}
	}
	teams := []string{RoleTeamsAdministrator}
	healthy := func(id, name, prefix, appID, value string, n int) Tenant {
		return demoTenant(id, name, prefix, appID, []Secret{secret(value, keyID(n), now, 300)}, allPermissions, teams, nil)
	}
	return withSignInTenants(Directory{Tenants: []Tenant{
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

		with(healthy(lamnaTenant, "Lamna Healthcare", "lamna", lamnaApp, lamnaSecret, 101), func(t *Tenant) {
			t.BlockedResources = []string{ResourceTeamsAdminAPI}
		}),
		with(healthy(woodgroveTenant, "Woodgrove Bank", "woodgrove", woodgroveApp, woodgroveSecret, 102), func(t *Tenant) {
			t.Apps[0].ServicePrincipalID = ""
		}),
		with(healthy(alpineTenant, "Alpine Ski House", "alpineskihouse", alpineApp, alpineSecret, 103), func(t *Tenant) {
			t.Apps[0].Roles = []string{RoleSkypeForBusinessAdministrator, RoleTeamsCommunicationsAdministrator, RoleTeamsTelephonyAdministrator}
		}),
		with(healthy(bellowsTenant, "Bellows College", "bellowscollege", bellowsApp, bellowsSecret, 104), func(t *Tenant) {
			t.Apps[0].Roles = []string{RoleGlobalAdministrator}
		}),
		with(healthy(cohoTenant, "Coho Winery", "cohowinery", cohoApp, cohoSecret, 105), func(t *Tenant) {
			t.Apps[0].Roles = []string{RoleTeamsTelephonyAdministrator}
		}),
		with(healthy(datumTenant, "A. Datum", "adatumcorp", datumApp, datumSecret, 106), func(t *Tenant) {
			t.SKUs = []SKU{SKUOffice365E3(40, 31), SKUTeamsPhoneResourceAccount(5, 2)}
		}),
		with(healthy(graphicTenant, "Graphic Design Institute", "graphicdesigninstitute", graphicApp, graphicSecret, 107), func(t *Tenant) {
			t.SKUs = []SKU{SKUMicrosoft365E5(50, 50), SKUOffice365E3(10, 4)}
		}),
		with(healthy(humongousTenant, "Humongous Insurance", "humongousinsurance", humongousApp, humongousSecret, 108), func(t *Tenant) {
			t.Domains[2].Unverified = true
		}),
		with(healthy(lucerneTenant, "Lucerne Publishing", "lucernepublishing", lucerneApp, lucerneSecret, 109), func(t *Tenant) {
			t.Apps[0].Secrets = append(t.Apps[0].Secrets, secret(lucerneExpired, keyID(110), now, -20))
		}),
		with(healthy(margieTenant, "Margie's Travel"+hostileEscapes, "margiestravel", margieApp, margieSecret, 111), func(t *Tenant) {
			t.Domains[0].Name += hostileTextShort
			t.Domains[1].Name += hostileTextShort
			t.Domains = append(t.Domains, Domain{Name: "evil\x1b[2J.example"})
			t.Apps[0].DisplayName += hostileEscapes
			t.Apps[0].Secrets[0].DisplayName += hostileEscapes
			t.Users = []User{{ID: "c0ffee00-0000-4000-8000-00000000bad1", UserPrincipalName: "admin@margiestravel.com",
				DisplayName: "M365 Admin" + hostileEscapes, AccountEnabled: true}}
			t.SKUs[0].SkuPartNumber += hostileEscapes
		}),
		with(healthy(nodTenant, "Nod Publishers", "nodpublishers", nodApp, nodSecret, 112), func(t *Tenant) {
			t.MissingResources = []string{ResourceTeamsAdminAPI}
		}),
		with(healthy(treyTenant, "Trey Research", "treyresearch", treyApp, treySecret, 113), func(t *Tenant) {
			t.OpaqueTokens = true
			t.Apps[0].Permissions = append(append([]string{}, allPermissions...), "RoleManagement.Read.Directory")
		}),
	}})
}

func withBlock(t Tenant, b Block) Tenant { t.Block = b; return t }

func withDisabled(t Tenant) Tenant { t.Apps[0].Disabled = true; return t }

func with(t Tenant, change func(*Tenant)) Tenant { change(&t); return t }

// DemoTenants are the credentials to type against Demo(now), one per
// outcome; the outcomes read as written when the validator is given
// DemoSBCDomain as the provider's base domain.
func DemoTenants(now time.Time) []DemoTenant {
	_ = now // the credentials do not depend on the date; the outcomes do (via Demo)
	return []DemoTenant{
		{Label: "Contoso (healthy)", Outcome: "pass: Teams Administrator, all permissions, 15 Teams Phone licences free, SBC sub-domain verified, secret valid for 400 days",
			TenantID: contosoTenant, ClientID: contosoApp, Secret: contosoSecret, AdminUPN: "admin@contoso.com"},
		{Label: "Fabrikam (healthy, two roles)", Outcome: "pass: Skype for Business + Teams Communications Administrator instead of Teams Administrator",
			TenantID: "fabrikam.onmicrosoft.com", ClientID: fabrikamApp, Secret: fabrikamSecret, AdminUPN: "admin@fabrikam.com"},
		{Label: "Northwind (secret expiring soon)", Outcome: "warn: the client secret expires in 9 days",
			TenantID: northwindTenant, ClientID: northwindApp, Secret: northwindSecret},
		{Label: "Tailspin (expired secret)", Outcome: "fail: AADSTS7000222, the client secret has expired",
			TenantID: tailspinTenant, ClientID: tailspinApp, Secret: tailspinSecret},
		{Label: "Wingtip (wrong secret)", Outcome: "fail: AADSTS7000215, wrong secret value; Edit credentials and type the right secret (on the demo card, and shown after the failure) to see it pass",
			RightSecret: wingtipSecret,
			TenantID:    "wingtip.onmicrosoft.com", ClientID: wingtipApp, Secret: wingtipWrong},
		{Label: "Adatum (missing permission)", Outcome: "warn: no Application.Read.All, so the secret expiry is unknown (type it from the Entra admin center)",
			TenantID: adatumTenant, ClientID: adatumApp, Secret: adatumSecret},
		{Label: "Litware (missing role)", Outcome: "fail: no Entra role on the app (Direct Routing needs Teams Administrator); admin nobody@litware.com not found",
			TenantID: litwareTenant, ClientID: litwareApp, Secret: litwareSecret, AdminUPN: "nobody@litware.com"},
		{Label: "Proseware (Conditional Access)", Outcome: "fail: AADSTS53003, Conditional Access blocks every token of the app",
			TenantID: proseTenant, ClientID: proseApp, Secret: proseSecret},
		{Label: "Relecloud (app disabled)", Outcome: "fail: AADSTS7000112, the application is disabled",
			TenantID: relecloudTenant, ClientID: relecloudApp, Secret: relecloudSecret},
		{Label: "Fourth Coffee (unknown tenant)", Outcome: "fail: AADSTS90002, tenant not found (wrong Tenant ID or cloud)",
			TenantID: unknownTenant, ClientID: unknownClientApp, Secret: unknownSecret},
		{Label: "Lamna (Teams admin API blocked)", Outcome: "fail: Graph works, but Conditional Access blocks the Teams admin API token (AADSTS53003)",
			TenantID: lamnaTenant, ClientID: lamnaApp, Secret: lamnaSecret},
		{Label: "Woodgrove (no service principal)", Outcome: "fail: AADSTS7000229, the App registration has no service principal (admin consent never granted)",
			TenantID: woodgroveTenant, ClientID: woodgroveApp, Secret: woodgroveSecret},
		{Label: "Alpine Ski House (roles from the token)", Outcome: "pass: three roles named from the token, which Graph would return blanked without RoleManagement.Read.Directory",
			TenantID: alpineTenant, ClientID: alpineApp, Secret: alpineSecret},
		{Label: "Bellows College (Global Administrator)", Outcome: "warn: Global Administrator works but is far more than Direct Routing needs",
			TenantID: bellowsTenant, ClientID: bellowsApp, Secret: bellowsSecret},
		{Label: "Coho Winery (Teams Telephony Administrator)", Outcome: "fail: Teams Telephony Administrator only, which cannot register the SBC",
			TenantID: cohoTenant, ClientID: cohoApp, Secret: cohoSecret},
		{Label: "A. Datum (no Teams Phone licence)", Outcome: "fail: no Teams Phone licence (Office 365 E3 and resource-account licences only)",
			TenantID: datumTenant, ClientID: datumApp, Secret: datumSecret},
		{Label: "Graphic Design Institute (licences used up)", Outcome: "warn: all 50 Teams Phone licences are assigned",
			TenantID: graphicTenant, ClientID: graphicApp, Secret: graphicSecret},
		{Label: "Humongous (SBC sub-domain not verified)", Outcome: "fail: humongousinsurance.sbc.provider.example was added but never verified",
			TenantID: humongousTenant, ClientID: humongousApp, Secret: humongousSecret},
		{Label: "Lucerne (renewed secret)", Outcome: "pass: the renewed secret (300 days left) is told apart from an expired one with the same first characters",
			TenantID: lucerneTenant, ClientID: lucerneApp, Secret: lucerneSecret},
		{Label: "Margie's Travel (hostile names)", Outcome: "warn: names carry terminal escapes and a fake report line; shown cleaned, the non-domains dropped",
			TenantID: margieTenant, ClientID: margieApp, Secret: margieSecret, AdminUPN: "admin@margiestravel.com"},
		{Label: "Nod Publishers (no Teams admin API)", Outcome: "fail: AADSTS500011, the tenant has no Skype and Teams Tenant Admin API service principal",
			TenantID: nodTenant, ClientID: nodApp, Secret: nodSecret},
		{Label: "Trey Research (opaque token)", Outcome: "warn: the token is not a JWT; tenant, roles and permissions read from Graph instead",
			TenantID: treyTenant, ClientID: treyApp, Secret: treySecret},
	}
}
