package entra_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// withSBC configures the provider's base domain of the demo directory.
func withSBC(t testing.TB, r *rig) { r.cfg.SBCDomain = entrasim.DemoSBCDomain }

// issue9Scenarios are the outcomes of Direct Routing readiness (roles
// from the token, the cloud's resources, the Teams admin API token,
// domain and licences), each through the real MSAL against the simulated
// directory.
func issue9Scenarios() []scenario {
	roles := func(want ...string) func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
		return func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
			t.Helper()
			if want == nil {
				if rep.Roles != nil {
					t.Errorf("Roles = %#v, want nil (unknown)", rep.Roles)
				}
				return
			}
			if fmt.Sprint(rep.Roles) != fmt.Sprint(want) {
				t.Errorf("Roles = %q, want %q", rep.Roles, want)
			}
			for _, name := range rep.Roles {
				if strings.TrimSpace(name) == "" {
					t.Errorf("a blank role name in %q", rep.Roles)
				}
			}
		}
	}
	return []scenario{
		// 1. Roles from wids; Graph only without them.
		{name: "roles named from wids while Graph would blank them", creds: "Alpine", status: tenant.StatusPass, check: tenant.CheckRole, cs: tenant.StatusPass,
			want: []string{"Skype for Business Administrator and Teams Communications Administrator are assigned"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				roles("Skype for Business Administrator", "Teams Communications Administrator", "Teams Telephony Administrator")(t, r, rep)
				counts(t, r, 1, 2, 3) // organization, applications, subscribedSkus: no memberOf
			}},
		{name: "no wids and Graph withholds the roles: unknown, not none", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckRole, cs: tenant.StatusWarn,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": nil}})
			},
			want:  []string{"Entra roles unknown", "without saying which", "RoleManagement.Read.Directory", "Roles and administrators"},
			after: roles()},
		{name: "no wids, Graph names the roles with Directory.Read.All", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckRole, cs: tenant.StatusPass,
			dir: func(d *entrasim.Directory) {
				a := &tenantOf(d, "Contoso").Apps[0]
				a.Permissions = append(a.Permissions, "Directory.Read.All")
			},
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": nil}})
			},
			want:  []string{"Teams Administrator is assigned"},
			after: roles("Teams Administrator")},
		{name: "wids with only the default template: no role", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckRole, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": []string{tenant.RoleDefaultAppToken}}})
			},
			want:  []string{"No Entra role is assigned"},
			after: roles([]string{}...)},
		{name: "a role template onboard does not know is named, never blank", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckRole, cs: tenant.StatusPass,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": []string{tenant.RoleTeamsAdministrator, "11111111-2222-4333-8444-555555555555", tenant.RoleDefaultAppToken}}})
			},
			after: roles("Teams Administrator", "Unknown role 11111111-2222-4333-8444-555555555555")},
		{name: "paging: every list page is read", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckLicence, cs: tenant.StatusPass,
			dir: func(d *entrasim.Directory) {
				d.PageSize = 1
				ten := tenantOf(d, "Contoso")
				ten.SKUs = []entrasim.SKU{entrasim.SKUOffice365E3(9, 9), entrasim.SKUMicrosoft365E5(10, 4), entrasim.SKUTeamsPhoneStandard(5, 5)}
				ten.Apps[0].Roles = []string{entrasim.RoleGlobalReader, entrasim.RoleSkypeForBusinessAdministrator, entrasim.RoleTeamsCommunicationsAdministrator}
				ten.Apps[0].Permissions = append(ten.Apps[0].Permissions, "RoleManagement.Read.Directory")
			},
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": nil}})
			},
			want: []string{"6 of 15 Teams Phone licences free (15 enabled, 9 consumed; MCOEV, SPE_E5)"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				roles("Global Reader", "Skype for Business Administrator", "Teams Communications Administrator")(t, r, rep)
				// 3 pages of SKUs, 3 of roles, 1 organization, 1 application, 1 user.
				counts(t, r, 1, 2, 9)
			}},

		// 2. The cloud's Graph resource, whatever GraphURL says.
		{name: "the scope is the cloud's Graph: a usgov token asked of a global directory", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS500011", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.cfg.Cloud = tenant.CloudUSGov },
			want:  []string{"https://graph.microsoft.us", "--cloud usgov", "--cloud global"}},

		// 3. The Teams admin API token.
		{name: "Teams admin API token blocked by Conditional Access while Graph works", creds: "Lamna", status: tenant.StatusFail, aadsts: "AADSTS53003", check: tenant.CheckTeamsToken, cs: tenant.StatusFail,
			want: []string{"Conditional Access", "Skype and Teams Tenant Admin API", "while Microsoft Graph is allowed", "exclude this app's service principal"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if !rep.CredentialsWork() || rep.GroupStatus(tenant.GroupReadiness) != tenant.StatusFail {
					t.Errorf("credentials %s, readiness %s: want working credentials, failed readiness", rep.GroupStatus(tenant.GroupCredentials), rep.GroupStatus(tenant.GroupReadiness))
				}
				if rep.CorrelationID == "" {
					t.Error("the refusal's correlation ID is not kept")
				}
				counts(t, r, 1, 2, 3)
			}},
		{name: "a page instead of Entra ID's answer for the Teams admin API token: unknown, not refused", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckTeamsToken, cs: tenant.StatusWarn,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Resource: entrasim.ResourceTeamsAdminAPI, Status: 403, Body: "<html>Blocked by proxy</html>"})
			},
			want: []string{"is unknown", "not Entra ID's JSON"}},
		{name: "Teams admin API service principal missing", creds: "Nod", status: tenant.StatusFail, aadsts: "AADSTS500011", check: tenant.CheckTeamsToken, cs: tenant.StatusFail,
			want: []string{"no service principal for the Skype and Teams Tenant Admin API", "New-MgServicePrincipal -AppId 48ac35b8-9aa8-4d74-927d-1f4a14a0b239"}},

		// 4. AADSTS codes with a plain cause.
		{name: "7000229 app registration without a service principal", creds: "Woodgrove", status: tenant.StatusFail, aadsts: "AADSTS7000229", check: tenant.CheckToken, cs: tenant.StatusFail,
			want: []string{"no service principal", "Grant admin consent",
				"az ad sp create --id 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a13", "New-MgServicePrincipal -AppId 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a13"}},
		{name: "900382 cross-cloud request", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS900382", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, AADSTS: 900382})
			},
			want: []string{"another Microsoft national cloud", "usgov (GCC High)"}},
		{name: "90038 national cloud redirection", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS90038", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, AADSTS: 90038})
			},
			want: []string{"another Microsoft national cloud", "china (21Vianet)"}},
		{name: "90055 tenant throttled", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS90055", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, AADSTS: 90055})
			},
			want: []string{"throttling token requests for the customer's tenant", "lower --concurrency"}},
		{name: "the error lookup link follows the cloud", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS90099", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.cfg.Cloud = tenant.CloudChina
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindMetadata, AADSTS: 90099})
			},
			want: []string{"https://login.partner.microsoftonline.cn/error?code=90099"}},

		// 5. Which secret worked.
		{name: "a renewed secret beside an expired twin sharing its hint", creds: "Lucerne", status: tenant.StatusPass, check: tenant.CheckSecret, cs: tenant.StatusPass,
			want: []string{"in 300 days", "1 expired secret(s) of the app start with the same characters (\"Lp4\")"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.DaysUntilExpire == nil || *rep.DaysUntilExpire != 300 {
					t.Errorf("DaysUntilExpire = %v, want 300", rep.DaysUntilExpire)
				}
			}},
		{name: "a secret expiring in exactly 30 days warns", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckSecret, cs: tenant.StatusWarn,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Secrets[0].EndDateTime = time.Date(2026, 12, 25, 13, 0, 0, 0, time.UTC)
			},
			want: []string{"in 30 days"}},

		// 6. Opaque tokens.
		{name: "an opaque token warns and the facts come from Graph", creds: "Trey", status: tenant.StatusWarn, check: tenant.CheckToken, cs: tenant.StatusWarn,
			want: []string{"the secret works", "not a JWT", "read from Microsoft Graph instead"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				roles("Teams Administrator")(t, r, rep)
				if rep.TenantID != "4d8e0f1a-2b3c-4d4e-8f5a-6b7c8d9e0f71" || rep.Permissions != nil {
					t.Errorf("TenantID %q Permissions %#v", rep.TenantID, rep.Permissions)
				}
				for _, name := range []string{tenant.CheckRole, tenant.CheckPermissions, tenant.CheckLicence, tenant.CheckTeamsToken} {
					if c, _ := check(rep, name); c.Status != tenant.StatusPass {
						t.Errorf("%s: %+v", name, c)
					}
				}
				counts(t, r, 1, 2, 4) // memberOf by appId joins the wave
			}},
		{name: "an opaque token, tenant typed as a domain, roles withheld", creds: "Trey", status: tenant.StatusWarn, check: tenant.CheckRole, cs: tenant.StatusWarn,
			edit: func(c *tenant.Credentials) { c.TenantID = "treyresearch.onmicrosoft.com" },
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Trey").Apps[0].Permissions = []string{"Organization.Read.All", "Application.Read.All"}
			},
			want: []string{"without saying which"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				roles()(t, r, rep)
				if rep.TenantID != "4d8e0f1a-2b3c-4d4e-8f5a-6b7c8d9e0f71" {
					t.Errorf("TenantID %q: want the GUID read from Graph", rep.TenantID)
				}
			}},
		{name: "an opaque token without User.Read.All: permissions inferred from Graph's answers", creds: "Trey", status: tenant.StatusWarn, check: tenant.CheckPermissions, cs: tenant.StatusWarn,
			edit: func(c *tenant.Credentials) { c.AdminUPN = "admin@treyresearch.com" },
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Trey").Apps[0].Permissions = []string{"Organization.Read.All", "Application.Read.All", "RoleManagement.Read.Directory"}
			},
			want: []string{"refused reads that need User.Read.All"}},

		// 7. Role verdicts.
		{name: "Global Administrator passes with a least-privilege warning", creds: "Bellows", status: tenant.StatusWarn, check: tenant.CheckRole, cs: tenant.StatusWarn,
			want:  []string{"Global Administrator is assigned", "far more than the service needs", "Teams Administrator > Add assignments", "remove Global Administrator"},
			after: roles("Global Administrator")},
		{name: "Teams Telephony Administrator only: named with what it lacks", creds: "Coho", status: tenant.StatusFail, check: tenant.CheckRole, cs: tenant.StatusFail,
			want:  []string{"The app has Teams Telephony Administrator", "cannot create online PSTN gateways", "Teams Administrator > Add assignments"},
			after: roles("Teams Telephony Administrator")},

		// Readiness: domain and licences.
		{name: "SBC sub-domain verified", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckDomain, cs: tenant.StatusPass, setup: withSBC,
			want: []string{"Verified sub-domain of sbc.provider.example: contoso.sbc.provider.example."},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.SBCDomain != "contoso.sbc.provider.example" {
					t.Errorf("SBCDomain = %q", rep.SBCDomain)
				}
			}},
		{name: "SBC sub-domain added but not verified", creds: "Humongous", status: tenant.StatusFail, check: tenant.CheckDomain, cs: tenant.StatusFail, setup: withSBC,
			want: []string{"no verified sub-domain of sbc.provider.example", "humongousinsurance.onmicrosoft.com", "Settings > Domains > Add domain", "TXT record"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.SBCDomain != "" || !rep.CredentialsWork() {
					t.Errorf("SBCDomain %q, credentials %s", rep.SBCDomain, rep.GroupStatus(tenant.GroupCredentials))
				}
			}},
		{name: "SBC sub-domain unknown without Organization.Read.All", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckDomain, cs: tenant.StatusWarn, setup: withSBC,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Permissions = []string{"Application.Read.All", "User.Read.All"}
			},
			want: []string{"is unknown", "Organization.Read.All"}},
		{name: "no Teams Phone licence at all", creds: "A. Datum", status: tenant.StatusFail, check: tenant.CheckLicence, cs: tenant.StatusFail,
			want: []string{"No Teams Phone licence", "ENTERPRISEPACK, PHONESYSTEM_VIRTUALUSER", "Resource Account licences do not count"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if p := rep.TeamsPhone; p == nil || p.Enabled != 0 || len(p.SKUs) != 0 {
					t.Errorf("TeamsPhone = %+v, want read and empty", p)
				}
			}},
		{name: "no free Teams Phone licence", creds: "Graphic", status: tenant.StatusWarn, check: tenant.CheckLicence, cs: tenant.StatusWarn,
			want: []string{"All 50 Teams Phone licences are assigned (50 enabled, 50 consumed; SPE_E5)", "buy more"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if p := rep.TeamsPhone; p == nil || p.Enabled != 50 || p.Consumed != 50 || p.Free() != 0 {
					t.Errorf("TeamsPhone = %+v", p)
				}
			}},
		{name: "Teams Phone licences unknown without Organization.Read.All", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckLicence, cs: tenant.StatusWarn,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Permissions = []string{"Application.Read.All", "User.Read.All"}
			},
			want: []string{"Teams Phone licences unknown", "Organization.Read.All"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.TeamsPhone != nil {
					t.Errorf("TeamsPhone = %+v, want nil (unknown)", rep.TeamsPhone)
				}
			}},
		{name: "LicenseAssignment.Read.All alone reads the licences", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckLicence, cs: tenant.StatusPass,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Permissions = []string{"LicenseAssignment.Read.All", "Application.Read.All", "User.Read.All"}
			},
			want: []string{"15 of 25 Teams Phone licences free"}},
	}
}

// TestDemoOutcomes validates every demo tenant as `onboard --demo` does and
// checks the verdict its one-line outcome announces.
func TestDemoOutcomes(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	r.cfg.SBCDomain = entrasim.DemoSBCDomain
	v := r.validator()
	for _, d := range entrasim.DemoTenants(now) {
		t.Run(d.Label, func(t *testing.T) {
			rep := v.Validate(context.Background(), tenant.Credentials{TenantID: d.TenantID, ClientID: d.ClientID, Secret: tenant.NewSecret(d.Secret), AdminUPN: d.AdminUPN}, nil)
			want, _, _ := strings.Cut(d.Outcome, ":")
			if string(rep.Status) != want {
				t.Errorf("outcome %q, verdict %s\n%s", d.Outcome, rep.Status, dump(rep))
			}
			if code := rep.AADSTS; code != "" && strings.Contains(d.Outcome, "AADSTS") && !strings.Contains(d.Outcome, code) {
				t.Errorf("outcome %q, report %s", d.Outcome, code)
			}
		})
	}
}

// TestScopeUnchangedWhenGraphURLPointsElsewhere: --graph-url leads to a
// proxy in front of Graph; the token is still asked for Microsoft Graph
// (the simulated Entra ID would answer AADSTS500011 for the proxy's URL)
// and every Graph call goes through the proxy.
func TestScopeUnchangedWhenGraphURLPointsElsewhere(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	target, _ := url.Parse(r.srv.GraphURL())
	var proxied atomic.Int32
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = r.srv.Client().Transport
	proxy := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		proxied.Add(1)
		rp.ServeHTTP(w, req)
	}))
	proxy.EnableHTTP2 = true
	proxy.StartTLS()
	t.Cleanup(proxy.Close)
	roots := r.srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs.Clone()
	roots.AddCert(proxy.Certificate())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	r.cfg.HTTPClient = &http.Client{Transport: tr}
	r.cfg.GraphURL = proxy.URL
	rep := r.validate(context.Background(), demoCreds(t, now, "Contoso"))
	if rep.Status != tenant.StatusPass {
		t.Fatalf("validation through a Graph proxy: %s", dump(rep))
	}
	if got := proxied.Load(); got != 4 {
		t.Errorf("%d Graph requests through the proxy, want 4", got)
	}
	if got := r.srv.Count(entrasim.KindGraph); got != 4 {
		t.Errorf("%d Graph requests reached Graph, want 4", got)
	}
}

// TestNextLinkNeverLeavesGraph: a nextLink on another host is not
// followed, so the token is never sent there.
func TestNextLinkNeverLeavesGraph(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	r := newRig(t, entrasim.Demo(now), now)
	var dialled atomic.Int32
	other := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		t.Errorf("a request reached the other host, Authorization %q", req.Header.Get("Authorization"))
	}))
	other.Config.ConnState = func(net.Conn, http.ConnState) { dialled.Add(1) }
	other.StartTLS()
	t.Cleanup(other.Close)
	for _, link := range []string{other.URL + "/v1.0/subscribedSkus?$skiptoken=x", "http://" + strings.TrimPrefix(r.srv.GraphURL(), "https://") + "/v1.0/subscribedSkus"} {
		r.srv.ClearFaults()
		body := `{"value":[{"skuId":"06ebc4ee-1bb5-47dd-8120-11324bc54e06","skuPartNumber":"SPE_E5","consumedUnits":1,"prepaidUnits":{"enabled":5},"servicePlans":[{"servicePlanId":"4828c8ec-dc2e-4779-b502-87ac9ce28ab7"}]}],"@odata.nextLink":"` + link + `"}`
		r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/subscribedSkus", Body: body})
		rep := r.validate(context.Background(), demoCreds(t, now, "Contoso"))
		c, _ := check(rep, tenant.CheckLicence)
		if c.Status != tenant.StatusWarn || !strings.Contains(c.Detail, "next page is on another host") || rep.TeamsPhone != nil {
			t.Errorf("%s: %+v, TeamsPhone %+v", link, c, rep.TeamsPhone)
		}
	}
	if dialled.Load() != 0 {
		t.Errorf("%d connections to the other host", dialled.Load())
	}
}

// TestNextLinkOnTheCloudsGraphGoesThroughGraphURL: behind a --graph-url
// override, a nextLink naming the cloud's own Graph host (as Graph writes
// it) is followed through the override, never to graph.microsoft.com.
func TestNextLinkOnTheCloudsGraphGoesThroughGraphURL(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	dir := entrasim.Demo(now)
	dir.PageSize = 1
	tenantOf(&dir, "Contoso").SKUs = []entrasim.SKU{entrasim.SKUOffice365E3(9, 9), entrasim.SKUTeamsPhoneStandard(7, 2)}
	r := newRig(t, dir, now)
	// The first page as Graph itself would write it: its nextLink on
	// graph.microsoft.com, with the directory's own skiptoken for page 2.
	body := `{"value":[{"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900","skuPartNumber":"ENTERPRISEPACK","consumedUnits":9,"prepaidUnits":{"enabled":9},"servicePlans":[]}],` +
		`"@odata.nextLink":"https://graph.microsoft.com/v1.0/subscribedSkus?$skiptoken=c2ltOjE"}`
	r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/subscribedSkus", Body: body, Times: 1})
	rep := r.validate(context.Background(), demoCreds(t, now, "Contoso"))
	if p := rep.TeamsPhone; p == nil || p.Enabled != 7 || p.Consumed != 2 || fmt.Sprint(p.SKUs) != "[MCOEV]" {
		t.Errorf("TeamsPhone = %+v, want page 2 read through the simulator\n%s", rep.TeamsPhone, dump(rep))
	}
	counts(t, r, 1, 2, 5)
}

// TestConfigSBCDomain: the base domain must be a domain.
func TestConfigSBCDomain(t *testing.T) {
	for _, bad := range []string{"not a domain", "sbc", "sbc.provider.example/x", "\x1b[2Jsbc.provider.example"} {
		if _, err := entra.NewValidator(entra.Config{SBCDomain: bad}); err == nil || !tenant.IsRuleError(err) {
			t.Errorf("SBCDomain %q: %v, want a rule error", bad, err)
		}
	}
	if _, err := entra.NewValidator(entra.Config{SBCDomain: " SBC.Provider.Example "}); err != nil {
		t.Errorf("a domain in capitals with spaces around: %v", err)
	}
}
