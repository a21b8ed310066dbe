package entra_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
)

// rig is one simulated directory and a validator pointed at it.
type rig struct {
	t   testing.TB
	now time.Time
	srv *entrasim.Server
	cfg entra.Config
	v   *entra.Validator
	log *entratest.Buffer
}

func newRig(t testing.TB, dir entrasim.Directory, now time.Time) *rig {
	t.Helper()
	r := &rig{t: t, now: now, srv: entratest.Directory(t, dir), log: &entratest.Buffer{}}
	r.cfg = entratest.Config(r.srv)
	r.cfg.Timeout, r.cfg.Now = 10*time.Second, func() time.Time { return now }
	r.cfg.Log = slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return r
}

// validator builds (once) the validator from the rig's config.
func (r *rig) validator() *entra.Validator {
	r.t.Helper()
	if r.v == nil {
		v, err := entra.NewValidator(r.cfg)
		if err != nil {
			r.t.Fatal(err)
		}
		r.v = v
	}
	return r.v
}

func (r *rig) validate(ctx context.Context, c tenant.Credentials) *tenant.ValidationReport {
	r.t.Helper()
	rep := r.validator().Validate(ctx, c, nil)
	if rep == nil {
		r.t.Fatal("Validate returned nil")
	}
	return rep
}

// demoCreds returns the demo credentials whose label starts with prefix.
func demoCreds(t testing.TB, now time.Time, prefix string) tenant.Credentials {
	t.Helper()
	for _, d := range entrasim.DemoTenants(now) {
		if strings.HasPrefix(d.Label, prefix) {
			return tenant.Credentials{TenantID: d.TenantID, ClientID: d.ClientID, Secret: tenant.NewSecret(d.Secret), AdminUPN: d.AdminUPN}
		}
	}
	t.Fatalf("no demo tenant %q", prefix)
	return tenant.Credentials{}
}

func check(rep *tenant.ValidationReport, name string) (tenant.Check, bool) {
	for _, c := range rep.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return tenant.Check{}, false
}

func dump(rep *tenant.ValidationReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "status=%s aadsts=%s corr=%s\n", rep.Status, rep.AADSTS, rep.CorrelationID)
	for _, c := range rep.Checks {
		fmt.Fprintf(&b, "  %s %s: %s | fix: %s\n", c.Status.Symbol(), c.Name, c.Detail, c.Fix)
	}
	return b.String()
}

// tenantOf finds a tenant of a directory by display-name prefix.
func tenantOf(d *entrasim.Directory, prefix string) *entrasim.Tenant {
	for i := range d.Tenants {
		if strings.HasPrefix(d.Tenants[i].DisplayName, prefix) {
			return &d.Tenants[i]
		}
	}
	panic("no tenant " + prefix)
}

// closedPort is a loopback port nothing listens on.
func closedPort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// scenario is one way a validation can go, with what the report must say.
type scenario struct {
	name   string
	creds  string                      // demo label prefix
	edit   func(c *tenant.Credentials) // change what is typed
	dir    func(d *entrasim.Directory) // change the directory before start
	setup  func(t testing.TB, r *rig)  // faults, config
	ctx    func() (context.Context, context.CancelFunc)
	status tenant.Status // verdict
	aadsts string
	check  string        // the check that carries the outcome
	cs     tenant.Status // its status
	want   []string      // substrings of its detail (or fix)
	after  func(t testing.TB, r *rig, rep *tenant.ValidationReport)
}

func counts(t testing.TB, r *rig, meta, token, graph int) {
	t.Helper()
	countsRange(t, r, meta, token, token, graph)
}

// countsRange is counts when the Teams admin API token request, sent
// beside a Graph token request that fails, may or may not have reached
// the server before it was cancelled.
func countsRange(t testing.TB, r *rig, meta, tokenMin, tokenMax, graph int) {
	t.Helper()
	c := r.srv.Counts()
	if c[entrasim.KindMetadata] != meta || c[entrasim.KindToken] < tokenMin || c[entrasim.KindToken] > tokenMax || c[entrasim.KindGraph] != graph {
		t.Errorf("round trips: metadata %d token %d graph %d, want %d %d–%d %d",
			c[entrasim.KindMetadata], c[entrasim.KindToken], c[entrasim.KindGraph], meta, tokenMin, tokenMax, graph)
	}
}

// otherGUID is a tenant or app nobody typed.
const otherGUID = "0d0d0d0d-1111-4222-8333-444455556666"

func scenarios() []scenario {
	return append([]scenario{
		{name: "healthy", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckToken, cs: tenant.StatusPass, want: []string{"secret works"}},
		{name: "healthy by domain, two roles", creds: "Fabrikam", status: tenant.StatusPass, check: tenant.CheckRole, cs: tenant.StatusPass, want: []string{"Skype for Business Administrator and Teams Communications Administrator"}},

		// docs/validation.md's error table, row by row.
		{name: "90002 unknown tenant at metadata", creds: "Fourth Coffee", status: tenant.StatusFail, aadsts: "AADSTS90002", check: tenant.CheckToken, cs: tenant.StatusFail,
			want: []string{"not found", "wrong", "--cloud"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				counts(t, r, 1, 0, 0) // failed at the metadata, before any token request
				if rep.CorrelationID == "" || rep.TraceID == "" {
					t.Errorf("trace/correlation IDs not kept: %+v", rep)
				}
			}},
		{name: "900023 invalid tenant identifier", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS900023", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindMetadata, AADSTS: 900023})
			},
			want: []string{"not a valid tenant identifier"}},
		{name: "700016 unknown application", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS700016", check: tenant.CheckToken, cs: tenant.StatusFail,
			edit: func(c *tenant.Credentials) { c.ClientID = otherGUID },
			want: []string{"No application with ID " + otherGUID, "another tenant"}},
		{name: "7000215 wrong secret", creds: "Wingtip", status: tenant.StatusFail, aadsts: "AADSTS7000215", check: tenant.CheckToken, cs: tenant.StatusFail,
			want: []string{"rejected the client secret", "ID was copied instead of its Value"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.Roles != nil || rep.Permissions != nil {
					t.Errorf("roles %#v and permissions %#v of a failed validation: want nil (unknown), not none", rep.Roles, rep.Permissions)
				}
			}},
		{name: "a three-character secret is never shown as a hint", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS7000215", check: tenant.CheckToken, cs: tenant.StatusFail,
			edit: func(c *tenant.Credentials) { c.Secret = tenant.NewSecret("Q~z") },
			want: []string{"rejected the client secret"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.SecretHint != "" {
					t.Errorf("SecretHint %q for a 3-character secret", rep.SecretHint)
				}
			}},
		{name: "7000222 expired secret", creds: "Tailspin", status: tenant.StatusFail, aadsts: "AADSTS7000222", check: tenant.CheckToken, cs: tenant.StatusFail,
			want: []string{"expired", "New client secret"}},
		{name: "7000112 disabled application", creds: "Relecloud", status: tenant.StatusFail, aadsts: "AADSTS7000112", check: tenant.CheckToken, cs: tenant.StatusFail,
			want: []string{"disabled", "Enabled for users to sign-in"}},
		{name: "53003 conditional access", creds: "Proseware", status: tenant.StatusFail, aadsts: "AADSTS53003", check: tenant.CheckToken, cs: tenant.StatusFail,
			want: []string{"Conditional Access"}},
		{name: "530035 security defaults", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS530035", check: tenant.CheckToken, cs: tenant.StatusFail,
			dir:  func(d *entrasim.Directory) { tenantOf(d, "Contoso").Block = entrasim.BlockSecurityDefaults },
			want: []string{"security defaults"}},
		// Entra ID throttles a client-credentials request with a bare 429,
		// no JSON and no AADSTS code (entrasim's entraStatus).
		{name: "429 throttled on every try", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail, aadsts: "",
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Resource: entrasim.GraphResourceURI, Status: 429, RetryAfter: "0"})
			},
			want:  []string{"throttling", "retried 2 times"},
			after: func(t testing.TB, r *rig, _ *tenant.ValidationReport) { countsRange(t, r, 1, 3, 4, 0) }},
		{name: "429 once, Retry-After seconds honoured", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckToken, cs: tenant.StatusPass,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Resource: entrasim.GraphResourceURI, Status: 429, RetryAfter: "1", Times: 1})
			},
			want:  []string{"Throttled 1 time(s); waited 1s"},
			after: func(t testing.TB, r *rig, _ *tenant.ValidationReport) { counts(t, r, 1, 3, 4) }},
		// Entra ID's replicas catch up with a new app one by one: the Graph
		// token can be issued while the Teams admin API's is still refused.
		// The replication code then comes from that token, so the creation
		// validates again (entrasim's lag refuses both at once).
		{name: "new app not replicated for the Teams admin API yet", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS700016", check: tenant.CheckTeamsToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Resource: entrasim.ResourceTeamsAdminAPI, AADSTS: 700016})
			},
			want: []string{"Skype and Teams Tenant Admin API", "No application with ID"}},
		{name: "Teams admin API token throttled on every try: unknown, not refused", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckTeamsToken, cs: tenant.StatusWarn,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Resource: entrasim.ResourceTeamsAdminAPI, Status: 429, RetryAfter: "0"})
			},
			want: []string{"is unknown", "throttling"}},
		{name: "503 on Graph, Retry-After HTTP date honoured", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckTenant, cs: tenant.StatusPass,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/organization", Status: 503,
					RetryAfter: time.Now().Add(-time.Second).UTC().Format(http.TimeFormat), Times: 2})
			},
			want:  []string{"Contoso Ltd"},
			after: func(t testing.TB, r *rig, _ *tenant.ValidationReport) { counts(t, r, 1, 2, 6) }},
		{name: "503 on token, Retry-After beyond the budget is not waited for", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail, aadsts: "AADSTS90033",
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Status: 503, RetryAfter: "30"})
			},
			want:  []string{"temporarily unavailable"},
			after: func(t testing.TB, r *rig, _ *tenant.ValidationReport) { countsRange(t, r, 1, 1, 2, 0) }},
		{name: "500 is not retried", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail, aadsts: "AADSTS50000",
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Status: 500, RetryAfter: "0"})
			},
			want:  []string{"temporarily unavailable (HTTP 500"},
			after: func(t testing.TB, r *rig, _ *tenant.ValidationReport) { countsRange(t, r, 1, 1, 2, 0) }},

		// Answers that are not what Entra ID or Graph send.
		{name: "metadata answer not JSON", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindMetadata, Body: "<html><body>Welcome to the hotel Wi-Fi</body></html>"})
			},
			want: []string{"OpenID metadata", "could not be used"}},
		{name: "token error page not JSON", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Status: 403, Body: "<html>Blocked by proxy</html>"})
			},
			want: []string{"HTTP 403", "not Entra ID's JSON"}},
		{name: "token answer cut short", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Truncate: true}) },
			want:  []string{"token endpoint", "not JSON or was cut short"}},
		{name: "Graph answer cut short", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckTenant, cs: tenant.StatusWarn,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/organization", Truncate: true})
			},
			want: []string{"not JSON or was cut short"}},

		{name: "a proxy echoing the request back in Entra's error shape", creds: "Contoso", status: tenant.StatusFail, aadsts: "AADSTS90099", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				echo := "client_secret=" + demoCreds(t, r.now, "Contoso").Secret.Reveal()
				body, _ := json.Marshal(map[string]any{
					"error": "invalid_request", "error_description": "AADSTS90099: Bad request " + echo,
					"error_codes": []int{90099}, "trace_id": echo, "correlation_id": echo,
				})
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Status: 400, Body: string(body)})
			},
			want: []string{"refused the token request", "client_secret="},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if !strings.HasPrefix(rep.CorrelationID, "client_secret=") || !strings.HasPrefix(rep.TraceID, "client_secret=") {
					t.Errorf("the IDs Entra's shape carried should be kept, masked: trace %q correlation %q", rep.TraceID, rep.CorrelationID)
				}
			}},
		{name: "token request dropped without an answer", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Hangup: true}) },
			want:  []string{"connection", "was cut"}},
		{name: "Graph request dropped without an answer", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckLicence, cs: tenant.StatusWarn,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/subscribedSkus", Hangup: true})
			},
			want: []string{"was cut"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.TeamsPhone != nil {
					t.Errorf("licences read from a cut answer: %+v", rep.TeamsPhone)
				}
			}},

		// A token for something other than what was typed.
		{name: "tid mismatch", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"tid": otherGUID}})
			},
			want: []string{"token is for tenant " + otherGUID}},
		{name: "appid mismatch", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"appid": otherGUID}})
			},
			want: []string{"issued to application \"" + otherGUID}},
		{name: "v2 token with azp", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckToken, cs: tenant.StatusPass,
			setup: func(t testing.TB, r *rig) {
				r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"appid": nil, "azp": "3f6b2c1d-8e4a-4b7c-9d2e-5a6b7c8d9e01", "ver": "2.0"}})
			},
			want: []string{"secret works"}},

		// Below HTTP.
		{name: "DNS failure", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.cfg.AuthorityHost = "https://login.onboard-test.invalid" },
			want:  []string{"could not be resolved", "login.onboard-test.invalid"}},
		{name: "Graph host not found: token works, facts unknown", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckTenant, cs: tenant.StatusWarn,
			setup: func(t testing.TB, r *rig) { r.cfg.GraphURL = "https://graph.onboard-test.invalid" },
			want:  []string{"could not be resolved", "Microsoft Graph cannot be reached"}},
		{name: "connection refused", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.cfg.AuthorityHost = "https://" + closedPort(t) },
			want:  []string{"refused the connection"}},
		{name: "TLS unknown authority", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.cfg.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
			},
			want: []string{"does not trust", "SSL_CERT_FILE"}},
		{name: "TLS certificate for another name", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				r.cfg.AuthorityHost = strings.Replace(r.srv.AuthorityHost(), "127.0.0.1", "localhost", 1)
			},
			want: []string{"for another name"}},
		{name: "timeout", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.srv.SetLatency(5 * time.Second); r.cfg.Timeout = 200 * time.Millisecond },
			want:  []string{"did not answer within 200ms"}},
		{name: "cancellation", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.srv.SetLatency(5 * time.Second) },
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: []string{"cancelled"}},
		{name: "bad input never leaves the process", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckInput, cs: tenant.StatusFail,
			edit:  func(c *tenant.Credentials) { c.TenantID = "not a tenant" },
			want:  []string{"Tenant ID must be a GUID"},
			after: func(t testing.TB, r *rig, _ *tenant.ValidationReport) { counts(t, r, 0, 0, 0) }},

		// Warnings.
		{name: "missing Application.Read.All: expiry unknown", creds: "Adatum", status: tenant.StatusWarn, check: tenant.CheckSecret, cs: tenant.StatusWarn,
			want: []string{"Secret expiry unknown", "Application.Read.All", "You may type the expiry date"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.SecretExpiresAt != nil || rep.DaysUntilExpire != nil {
					t.Errorf("expiry should be unknown: %v %v", rep.SecretExpiresAt, rep.DaysUntilExpire)
				}
				if c, _ := check(rep, tenant.CheckPermissions); c.Status != tenant.StatusWarn || !strings.Contains(c.Fix, "Grant admin consent") {
					t.Errorf("permission check: %+v", c)
				}
			}},
		{name: "no role: a failure, not a warning", creds: "Litware", status: tenant.StatusFail, check: tenant.CheckRole, cs: tenant.StatusFail,
			want: []string{"No Entra role is assigned", "Teams Administrator > Add assignments"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.Roles == nil || len(rep.Roles) != 0 {
					t.Errorf("Roles = %#v, want none (empty, not unknown)", rep.Roles)
				}
			}},
		{name: "only one of the two roles", creds: "Fabrikam", status: tenant.StatusFail, check: tenant.CheckRole, cs: tenant.StatusFail,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Fabrikam").Apps[0].Roles = []string{entrasim.RoleSkypeForBusinessAdministrator}
			},
			want: []string{"The app has Skype for Business Administrator", "alone it cannot manage", "Teams Communications Administrator > Add assignments"}},
		{name: "secret expiring within 30 days", creds: "Northwind", status: tenant.StatusWarn, check: tenant.CheckSecret, cs: tenant.StatusWarn,
			want: []string{"in 9 days"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.DaysUntilExpire == nil || *rep.DaysUntilExpire != 9 {
					t.Errorf("DaysUntilExpire = %v, want 9", rep.DaysUntilExpire)
				}
			}},
		{name: "secret past its end date by this computer's clock", creds: "Contoso", status: tenant.StatusFail, check: tenant.CheckSecret, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) {
				later := r.now.AddDate(0, 0, 402)
				r.cfg.Now = func() time.Time { return later }
			},
			want: []string{"expired on"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.DaysUntilExpire == nil || *rep.DaysUntilExpire >= 0 {
					t.Errorf("DaysUntilExpire = %v, want negative", rep.DaysUntilExpire)
				}
			}},
		{name: "tenant not found names the cloud", creds: "Fourth Coffee", status: tenant.StatusFail, aadsts: "AADSTS90002", check: tenant.CheckToken, cs: tenant.StatusFail,
			setup: func(t testing.TB, r *rig) { r.cfg.Cloud = tenant.CloudUSGov },
			want:  []string{"in the usgov cloud"},
			after: func(t testing.TB, r *rig, rep *tenant.ValidationReport) {
				if rep.Cloud != "usgov" {
					t.Errorf("Cloud = %q", rep.Cloud)
				}
			}},
		{name: "two secrets with the same hint", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckSecret, cs: tenant.StatusWarn,
			dir: func(d *entrasim.Directory) {
				a := &tenantOf(d, "Contoso").Apps[0]
				s := a.Secrets[0]
				s.Value = "Xq8" + strings.Repeat("z", 37)
				s.KeyID = "12121212-1212-4121-8121-121212121212"
				s.EndDateTime = time.Date(2026, 12, 15, 13, 0, 0, 0, time.UTC) // 20 days after the test's now
				a.Secrets = append(a.Secrets, s)
			},
			want: []string{"in 20 days", "2 secrets of the app share the hint \"Xq8\"", "expiring first"}},
		{name: "no secret with the typed hint", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckSecret, cs: tenant.StatusWarn,
			dir:  func(d *entrasim.Directory) { tenantOf(d, "Contoso").Apps[0].Secrets[0].Hint = "zzz" },
			want: []string{"Secret expiry unknown", "starts with the characters typed", "You may type the expiry date"}},
		{name: "admin UPN not found", creds: "Litware", status: tenant.StatusFail, check: tenant.CheckAdmin, cs: tenant.StatusWarn,
			want: []string{"Admin not found", "nobody@litware.com"}},
		{name: "admin disabled", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckAdmin, cs: tenant.StatusWarn,
			dir:  func(d *entrasim.Directory) { tenantOf(d, "Contoso").Users[0].AccountEnabled = false },
			want: []string{"disabled"}},
		{name: "organization call forbidden", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckTenant, cs: tenant.StatusWarn,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Permissions = []string{"Application.Read.All", "User.Read.All"}
			},
			want: []string{"Organization.Read.All", "403 Authorization_RequestDenied"}},
		{name: "users call forbidden", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckAdmin, cs: tenant.StatusWarn,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Permissions = []string{"Application.Read.All", "Organization.Read.All"}
			},
			want: []string{"User.Read.All"}},
		{name: "no permissions at all: roles claim absent", creds: "Contoso", status: tenant.StatusWarn, check: tenant.CheckPermissions, cs: tenant.StatusWarn,
			dir:  func(d *entrasim.Directory) { tenantOf(d, "Contoso").Apps[0].Permissions = nil },
			want: []string{"Organization.Read.All, Application.Read.All, User.Read.All", "Granted: none"}},
		{name: "Directory.Read.All covers all three", creds: "Contoso", status: tenant.StatusPass, check: tenant.CheckPermissions, cs: tenant.StatusPass,
			dir: func(d *entrasim.Directory) {
				tenantOf(d, "Contoso").Apps[0].Permissions = []string{"Directory.Read.All"}
			},
			want: []string{"Directory.Read.All"}},
	}, issue9Scenarios()...)
}

// runScenario runs one scenario on a fresh directory and returns the rig
// and the report.
func runScenario(t testing.TB, sc scenario) (*rig, *tenant.ValidationReport) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	dir := entrasim.Demo(now)
	dir.Now = func() time.Time { return now }
	if sc.dir != nil {
		sc.dir(&dir)
	}
	r := newRig(t, dir, now)
	if sc.setup != nil {
		sc.setup(t, r)
	}
	c := demoCreds(t, now, sc.creds)
	if sc.edit != nil {
		sc.edit(&c)
	}
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if sc.ctx != nil {
		ctx, cancel = sc.ctx()
	}
	defer cancel()
	return r, r.validate(ctx, c)
}

func TestValidateScenarios(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			r, rep := runScenario(t, sc)
			if rep.Status != sc.status {
				t.Errorf("verdict %s, want %s\n%s", rep.Status, sc.status, dump(rep))
			}
			if rep.AADSTS != sc.aadsts {
				t.Errorf("AADSTS %q, want %q", rep.AADSTS, sc.aadsts)
			}
			c, ok := check(rep, sc.check)
			if !ok {
				t.Fatalf("no %q check\n%s", sc.check, dump(rep))
			}
			if c.Status != sc.cs {
				t.Errorf("%s: %s, want %s\n%s", sc.check, c.Status, sc.cs, dump(rep))
			}
			for _, w := range sc.want {
				if !strings.Contains(c.Detail+" "+c.Fix, w) {
					t.Errorf("%s check lacks %q\n%s", sc.check, w, dump(rep))
				}
			}
			for _, ch := range rep.Checks {
				if ch.Status != tenant.StatusPass && (ch.Detail == "" || ch.Fix == "") {
					t.Errorf("check %q is %s without detail and fix: %+v", ch.Name, ch.Status, ch)
				}
			}
			if rep.Elapsed <= 0 || rep.At.IsZero() || rep.ClientID == "" || (rep.SecretHint == "" && sc.edit == nil) {
				t.Errorf("report bookkeeping missing: %+v", rep)
			}
			if sc.after != nil {
				sc.after(t, r, rep)
			}
		})
	}
}

// TestSecretNeverAppears runs every scenario and looks for the secret in
// everything produced: reports (JSON, %v, %+v, %#v), check lines, logs.
func TestSecretNeverAppears(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			r, rep := runScenario(t, sc)
			c := demoCreds(t, r.now, sc.creds)
			if sc.edit != nil {
				sc.edit(&c)
			}
			secret := c.Secret.Reveal()
			js, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			outs := map[string]string{
				"json": string(js), "%v": fmt.Sprintf("%v", rep), "%+v": fmt.Sprintf("%+v", rep),
				"%#v": fmt.Sprintf("%#v", rep), "log": r.log.String(), "dump": dump(rep),
			}
			for kind, s := range outs {
				if strings.Contains(s, secret) {
					t.Errorf("the secret appears in the %s output:\n%s", kind, s)
				}
			}
			if r.log.String() == "" {
				t.Error("no log lines were produced; the test would prove nothing")
			}
		})
	}
}
