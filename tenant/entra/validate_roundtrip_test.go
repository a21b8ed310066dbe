package entra_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// TestRoundTrips counts requests at the simulated directory: a first
// validation costs three serial waves — the tenant's OpenID metadata; the
// Graph and Teams admin API tokens together; one parallel Graph wave — and
// a repeat of the same tenant in the same process costs the last two (the
// metadata is reused, the tokens are not).
func TestRoundTrips(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	// Requests are held until all of their wave are in flight: a validator
	// that sent them one by one would stall for 10 s and hit its 5 s
	// timeout.
	r.srv.SetBarrier(entrasim.KindToken, 2)
	r.srv.SetGraphBarrier(4)
	r.cfg.Timeout = 5 * time.Second
	c := demoCreds(t, now, "Contoso")

	rep := r.validate(context.Background(), c)
	if rep.Status != tenant.StatusPass {
		t.Fatalf("first validation: %s", dump(rep))
	}
	// organization, applications, subscribedSkus, users: the roles come
	// from the token's wids, so memberOf is not asked.
	counts(t, r, 1, 2, 4)
	if got := r.srv.Count(entrasim.KindOther); got != 0 {
		t.Errorf("%d other requests (instance discovery?), want none", got)
	}
	if got := r.srv.MaxInFlight(entrasim.KindToken); got != 2 {
		t.Errorf("token requests in flight together: %d, want 2", got)
	}
	if got := r.srv.MaxInFlight(entrasim.KindGraph); got != 4 {
		t.Errorf("Graph calls in flight together: %d, want 4", got)
	}

	r.srv.ResetCounts()
	rep = r.validate(context.Background(), c)
	if rep.Status != tenant.StatusPass {
		t.Fatalf("repeat validation: %s", dump(rep))
	}
	counts(t, r, 0, 2, 4)

	// Without an admin UPN the wave is three calls.
	r.srv.SetGraphBarrier(3)
	r.srv.ResetCounts()
	c.AdminUPN = ""
	if rep = r.validate(context.Background(), c); rep.Status != tenant.StatusPass {
		t.Fatalf("validation without admin: %s", dump(rep))
	}
	counts(t, r, 0, 2, 3)

	// A token without wids: memberOf joins the same wave.
	r.srv.SetGraphBarrier(4)
	r.srv.ResetCounts()
	r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Claims: map[string]any{"wids": nil}})
	if rep = r.validate(context.Background(), c); rep.Status != tenant.StatusWarn || rep.Roles != nil {
		t.Fatalf("validation without wids: roles %v\n%s", rep.Roles, dump(rep))
	}
	counts(t, r, 0, 2, 4)
	if got := r.srv.MaxInFlight(entrasim.KindGraph); got != 4 {
		t.Errorf("Graph calls in flight together without wids: %d, want 4", got)
	}
}

// TestThreeWaves: a first validation takes three round trips one after
// another — metadata, the Graph token, then the Graph reads beside the
// Teams admin API token — not four or more. The simulator counts the
// waves, so a loaded machine slows the test without failing it; the
// latency only keeps a wave's requests from finishing before its last one
// is sent.
func TestThreeWaves(t *testing.T) {
	const lat = 150 * time.Millisecond
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	r.srv.SetLatency(lat)
	start := time.Now()
	if rep := r.validate(context.Background(), demoCreds(t, now, "Contoso")); rep.Status != tenant.StatusPass {
		t.Fatal(dump(rep))
	}
	if got := r.srv.Waves(); got != 3 {
		t.Errorf("first validation took %d round trips one after another, want 3", got)
	}
	if took := time.Since(start); took < 3*lat {
		t.Errorf("first validation took %s, less than three round trips of %s: the latency was not applied", took, lat)
	}
	// A repeat of a known tenant skips the metadata.
	r.srv.ResetCounts()
	if rep := r.validate(context.Background(), demoCreds(t, now, "Contoso")); rep.Status != tenant.StatusPass {
		t.Fatal(dump(rep))
	}
	if got := r.srv.Waves(); got != 2 {
		t.Errorf("repeat validation took %d round trips one after another, want 2", got)
	}
}

// TestOneConnection: one validator keeps one HTTP/2 connection for all its
// validations (keep-alive, no TLS handshake per request).
func TestOneConnection(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	v := r.validator()
	for _, label := range []string{"Contoso", "Fabrikam", "Northwind", "Contoso"} {
		if rep := v.Validate(context.Background(), demoCreds(t, now, label), nil); rep.Status == tenant.StatusFail {
			t.Fatal(dump(rep))
		}
	}
	c := r.srv.Counts()
	total := c[entrasim.KindMetadata] + c[entrasim.KindToken] + c[entrasim.KindGraph]
	if got := r.srv.HTTP2Requests(); got != total {
		t.Errorf("%d of %d requests over HTTP/2", got, total)
	}
	if got := r.srv.Connections(); got != 1 {
		t.Errorf("%d connections for %d requests, want 1", got, total)
	}
}

// TestTokenCacheNeverAnswers: after a successful validation the secret is
// removed from the app; the next validation must go to Entra ID and fail,
// not pass on the token MSAL got a moment ago.
func TestTokenCacheNeverAnswers(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	c := demoCreds(t, now, "Contoso")
	if rep := r.validate(context.Background(), c); rep.Status != tenant.StatusPass {
		t.Fatalf("first validation: %s", dump(rep))
	}
	r.srv.Update(func(d *entrasim.Directory) { tenantOf(d, "Contoso").Apps[0].Secrets = nil })
	rep := r.validate(context.Background(), c)
	if rep.Status != tenant.StatusFail || rep.AADSTS != "AADSTS7000215" {
		t.Fatalf("validation after the secret was deleted: %s", dump(rep))
	}
	// 2 for the first validation; the second's Graph token fails, and its
	// Teams admin API token may be cancelled before it is sent.
	if got := r.srv.Count(entrasim.KindToken); got < 3 || got > 4 {
		t.Errorf("token requests: %d, want 3 or 4", got)
	}
	if got := r.srv.Count(entrasim.KindMetadata); got != 1 {
		t.Errorf("metadata requests: %d, want 1 (reused)", got)
	}
}

// TestConcurrentSameTenant: concurrent validations of the same credentials
// each get their own token (none is answered by another's).
func TestConcurrentSameTenant(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	c := demoCreds(t, now, "Contoso")
	v := r.validator()
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rep := v.Validate(context.Background(), c, nil); rep.Status != tenant.StatusPass {
				t.Errorf("concurrent validation: %s", dump(rep))
			}
		}()
	}
	wg.Wait()
	if got := r.srv.Count(entrasim.KindToken); got != 12 {
		t.Errorf("token requests: %d, want 12 (a Graph and a Teams admin API token each)", got)
	}
	if got := r.srv.Count(entrasim.KindMetadata); got < 1 || got > 6 {
		t.Errorf("metadata requests: %d", got)
	}
}

// TestReportFields: a healthy validation fills every field of the report.
func TestReportFields(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	r := newRig(t, entrasim.Demo(now), now)
	c := demoCreds(t, now, "Contoso")
	rep := r.validate(context.Background(), c)
	if rep.Status != tenant.StatusPass {
		t.Fatal(dump(rep))
	}
	want := map[string][2]string{
		"TenantID":      {rep.TenantID, "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60"},
		"TenantName":    {rep.TenantName, "Contoso Ltd"},
		"InitialDomain": {rep.InitialDomain, "contoso.onmicrosoft.com"},
		"DefaultDomain": {rep.DefaultDomain, "contoso.com"},
		"AppName":       {rep.AppName, "Teams Direct Routing (hosted)"},
		"Cloud":         {rep.Cloud, "global"},
		"ClientID":      {rep.ClientID, "3f6b2c1d-8e4a-4b7c-9d2e-5a6b7c8d9e01"},
		"SecretHint":    {rep.SecretHint, "Xq8"},
	}
	for k, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	if rep.SecretExpiresAt == nil || rep.DaysUntilExpire == nil || *rep.DaysUntilExpire != 400 ||
		*rep.DaysUntilExpire != tenant.DaysUntil(now, *rep.SecretExpiresAt) {
		t.Errorf("expiry: %v %v", rep.SecretExpiresAt, rep.DaysUntilExpire)
	}
	if len(rep.Roles) != 1 || rep.Roles[0] != "Teams Administrator" {
		t.Errorf("Roles = %v", rep.Roles)
	}
	if len(rep.Permissions) != 3 {
		t.Errorf("Permissions = %v", rep.Permissions)
	}
	if rep.Admin == nil || rep.Admin.UserPrincipalName != "admin@contoso.com" || !rep.Admin.AccountEnabled {
		t.Errorf("Admin = %+v", rep.Admin)
	}
	if !rep.At.Equal(now) || rep.Elapsed <= 0 {
		t.Errorf("At %v Elapsed %v", rep.At, rep.Elapsed)
	}
	if len(rep.Checks) != 8 {
		t.Errorf("%d checks, want 8 (no SBC domain configured)", len(rep.Checks))
	}
	if want := []string{"contoso.onmicrosoft.com", "contoso.com", "contoso.sbc.provider.example"}; fmt.Sprint(rep.VerifiedDomains) != fmt.Sprint(want) {
		t.Errorf("VerifiedDomains = %v, want %v", rep.VerifiedDomains, want)
	}
	if p := rep.TeamsPhone; p == nil || p.Enabled != 25 || p.Consumed != 10 || p.Free() != 15 || fmt.Sprint(p.SKUs) != "[SPE_E5]" {
		t.Errorf("TeamsPhone = %+v", p)
	}
	if rep.SBCDomain != "" {
		t.Errorf("SBCDomain = %q without a base domain configured", rep.SBCDomain)
	}
	for _, ch := range rep.Checks {
		if ch.Group != tenant.GroupOf(ch.Name) {
			t.Errorf("check %q in group %q", ch.Name, ch.Group)
		}
	}
	if rep.GroupStatus(tenant.GroupCredentials) != tenant.StatusPass || rep.GroupStatus(tenant.GroupReadiness) != tenant.StatusPass {
		t.Errorf("groups: credentials %s, readiness %s", rep.GroupStatus(tenant.GroupCredentials), rep.GroupStatus(tenant.GroupReadiness))
	}
	// The service takes the report: GUID from the token, initial domain.
	svc := tenant.Service{App: tenant.AppRegistration{TenantID: "contoso.onmicrosoft.com"}}
	svc.Apply(rep)
	if svc.App.TenantID != rep.TenantID || svc.M365Domain != "contoso.onmicrosoft.com" || svc.State != tenant.StateActive {
		t.Errorf("Apply: %+v", svc)
	}
}

// TestProgress: every check reaches progress, in report order, never
// concurrently.
func TestProgress(t *testing.T) {
	now := time.Now()
	r := newRig(t, entrasim.Demo(now), now)
	var (
		got    []tenant.Check
		inside atomic.Int32
	)
	rep := r.validator().Validate(context.Background(), demoCreds(t, now, "Adatum"), func(c tenant.Check) {
		if inside.Add(1) != 1 {
			t.Error("progress called concurrently")
		}
		got = append(got, c)
		time.Sleep(time.Millisecond)
		inside.Add(-1)
	})
	if len(got) != len(rep.Checks) {
		t.Fatalf("progress saw %d checks, report has %d", len(got), len(rep.Checks))
	}
	for i := range got {
		if got[i] != rep.Checks[i] {
			t.Errorf("check %d: progress %+v, report %+v", i, got[i], rep.Checks[i])
		}
	}
}

func TestNewValidatorRejectsBadConfig(t *testing.T) {
	for _, cfg := range []entra.Config{
		{Cloud: "mars"},
		{AuthorityHost: "http://login.example.com"},
		{AuthorityHost: "https://login.example.com/tenant"},
		{GraphURL: "ftp://graph.example.com"},
		{Timeout: -time.Second},
	} {
		if _, err := entra.NewValidator(cfg); err == nil || !tenant.IsRuleError(err) {
			t.Errorf("NewValidator(%+v) = %v, want a rule error", cfg, err)
		}
	}
	for _, c := range tenant.Clouds {
		if _, err := entra.NewValidator(entra.Config{Cloud: c}); err != nil {
			t.Errorf("cloud %s: %v", c, err)
		}
	}
}
