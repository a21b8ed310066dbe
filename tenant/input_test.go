package tenant

import (
	"testing"
	"time"
)

func TestServiceInputParse(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	in := ServiceInput{
		Customer: " Contoso ", Name: "sbc-01", FullName: " Contoso Teams ", License: "PRO", Users: "25",
		TenantID: "Contoso.onmicrosoft.com", ClientID: "1B730954-1685-4B74-9BFD-DAC224A7B894",
		Secret: " Xq8~secretvalue\n", AdminUser: "admin@contoso.onmicrosoft.com", UseKnownApp: true,
	}
	svc, notes, err := in.Parse(now)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Customer != "Contoso" || svc.Name != "sbc-01" || svc.FullName != "Contoso Teams" || svc.License != LicensePro ||
		svc.Users != 25 || svc.State != StatePendingAuth || !svc.CreatedAt.Equal(now) {
		t.Errorf("service = %+v", svc)
	}
	if svc.App.TenantID != "contoso.onmicrosoft.com" || svc.App.ClientID != "1b730954-1685-4b74-9bfd-dac224a7b894" ||
		svc.App.Secret.Reveal() != "Xq8~secretvalue" || svc.App.AdminUser != "admin@contoso.onmicrosoft.com" {
		t.Errorf("app = %+v", svc.App)
	}
	if len(notes) != 1 {
		t.Errorf("want the trimmed-secret note, got %q", notes)
	}

	// Without a known App registration the credentials are not needed.
	pending := ServiceInput{Customer: "Contoso", Name: "sbc-02", License: "pro", Users: "1"}
	if svc, _, err := pending.Parse(now); err != nil || svc.App.ClientID != "" || svc.State != StatePendingAuth {
		t.Errorf("pending: %+v %v", svc, err)
	}

	// Each broken rule is reported, first one first.
	for _, bad := range []struct {
		mutate func(*ServiceInput)
		want   string
	}{
		{func(i *ServiceInput) { i.Customer = "" }, "customer name is required"},
		{func(i *ServiceInput) { i.Name = "a.b" }, "dot"},
		{func(i *ServiceInput) { i.License = "gold" }, "license must be"},
		{func(i *ServiceInput) { i.Users = "501" }, "between 1 and 500"},
		{func(i *ServiceInput) { i.TenantID = ZeroGUID }, "all-zero"},
		{func(i *ServiceInput) { i.ClientID = "x" }, "Application (Client) ID must be a GUID"},
		{func(i *ServiceInput) { i.Secret = "" }, "client secret is required"},
		{func(i *ServiceInput) { i.AdminUser = "root" }, "user principal name"},
	} {
		c := in
		bad.mutate(&c)
		_, _, err := c.Parse(now)
		wantRule(t, bad.want, err, bad.want)
	}
}

func TestServiceApply(t *testing.T) {
	exp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	manual := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	svc := Service{State: StatePendingAuth, App: AppRegistration{TenantID: "contoso.onmicrosoft.com", ManualExpiry: &manual}}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if d := svc.DaysUntilExpire(now); d == nil || *d != 6 {
		t.Fatalf("manual expiry days = %v", d)
	}

	failed := &ValidationReport{}
	failed.Add(Check{Name: "Token", Status: StatusFail})
	svc.Apply(failed)
	if svc.State != StatePendingAuth || svc.LastValidation != failed {
		t.Fatalf("a failed report must not activate the service: %+v", svc)
	}

	r := &ValidationReport{TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", InitialDomain: "contoso.onmicrosoft.com", SecretExpiresAt: &exp}
	r.Add(Check{Name: "Token", Status: StatusPass})
	r.Add(Check{Name: "Role", Status: StatusWarn})
	if r.Status != StatusWarn || !r.Passed() {
		t.Fatalf("verdict = %s", r.Status)
	}
	svc.Apply(r)
	if svc.State != StateActive || svc.App.TenantID != r.TenantID || svc.M365Domain != "contoso.onmicrosoft.com" || svc.App.ManualExpiry != nil {
		t.Fatalf("after apply: %+v", svc)
	}
	if d := svc.DaysUntilExpire(now); d == nil || *d != 37 {
		t.Fatalf("days = %v", d)
	}
	svc.M365Domain = "contoso.com"
	svc.Apply(r)
	if svc.M365Domain != "contoso.com" {
		t.Error("an M365 domain the engineer chose was overwritten")
	}
}

func TestDaysUntil(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want int
	}{
		{now.Add(2 * time.Hour), 0},
		{now.Add(24 * time.Hour), 1},
		{now.Add(-time.Hour), 0}, // expired an hour ago, still today
		{now.Add(-13 * time.Hour), -1},
		{now.Add(30*24*time.Hour - time.Minute), 30},
	} {
		if got := DaysUntil(now, tt.at); got != tt.want {
			t.Errorf("DaysUntil(%v) = %d, want %d", tt.at.Sub(now), got, tt.want)
		}
	}
	// The example: calendar days, not 24-hour periods.
	if got := DaysUntil(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), time.Date(2027, 6, 18, 0, 30, 0, 0, time.UTC)); got != 200 {
		t.Errorf("2026-11-30 → 2027-06-18 = %d days, want 200", got)
	}
	// Counted in the engineer's time zone: at 23:30 UTC it is already
	// 1 December in Berlin, so a secret expiring at 22:30 UTC on 1 December
	// has 1 day left in UTC but 0 in Berlin.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database")
	}
	utcNow := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	at := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	if d := DaysUntil(utcNow, at); d != 1 {
		t.Errorf("UTC: %d, want 1", d)
	}
	if d := DaysUntil(utcNow.In(berlin), at); d != 0 {
		t.Errorf("Berlin: %d, want 0", d)
	}
	late := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC) // 00:30 on 2 Dec in Berlin
	if d := DaysUntil(utcNow, late); d != 1 {
		t.Errorf("UTC late: %d, want 1", d)
	}
	if d := DaysUntil(utcNow.In(berlin), late); d != 1 {
		t.Errorf("Berlin late: %d, want 1", d)
	}
}

func TestExpiryAt(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { t := now.AddDate(0, 0, days); return &t }
	for _, tt := range []struct {
		at     *time.Time
		want   Urgency
		status Status
	}{
		{nil, UrgencyUnknown, StatusWarn},
		{at(400), UrgencyOK, StatusPass},
		{at(31), UrgencyOK, StatusPass},
		{at(30), UrgencySoon, StatusWarn}, // 30 days left is a warning everywhere
		{at(15), UrgencySoon, StatusWarn},
		{at(14), UrgencyUrgent, StatusWarn},
		{at(0), UrgencyExpired, StatusFail},
		{at(-3), UrgencyExpired, StatusFail},
	} {
		e := ExpiryAt(now, tt.at)
		if e.Urgency != tt.want || e.Urgency.Status() != tt.status {
			t.Errorf("ExpiryAt(%v) = %v/%s, want %v/%s", tt.at, e.Urgency, e.Urgency.Status(), tt.want, tt.status)
		}
		if (e.Days == nil) != (tt.at == nil) {
			t.Errorf("days %v for %v", e.Days, tt.at)
		}
	}
}

func TestActivateRefusesWhatDidNotPass(t *testing.T) {
	for _, r := range []*ValidationReport{nil, {}, {Status: StatusFail}} {
		svc := Service{State: StatePendingAuth, App: AppRegistration{TenantID: "contoso.com"}}
		if err := svc.Activate(r); err != ErrNotValidated {
			t.Fatalf("Activate(%+v) = %v", r, err)
		}
		if svc.State != StatePendingAuth || svc.LastValidation != nil || svc.App.TenantID != "contoso.com" {
			t.Fatalf("a refused report changed the service: %+v", svc)
		}
	}
	svc := Service{State: StatePendingAuth}
	if err := svc.Activate(&ValidationReport{Status: StatusWarn, TenantID: "t"}); err != nil || svc.State != StateActive || svc.App.TenantID != "t" {
		t.Fatalf("a passing report: %v %+v", err, svc)
	}
}

func TestParseBeforeSecretChecksAllButTheSecret(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	in := ServiceInput{Customer: "Contoso", Name: "sbc-01", License: "pro", Users: "5",
		TenantID: "contoso.com", ClientID: "1b730954-1685-4b74-9bfd-dac224a7b894", UseKnownApp: true}
	svc, err := in.ParseBeforeSecret(now)
	if err != nil || svc.App.ClientID == "" || !svc.App.Secret.IsZero() || svc.HasCredentials() {
		t.Fatalf("%+v %v", svc, err)
	}
	in.Users = "0"
	wantRule(t, "users", func() error { _, err := in.ParseBeforeSecret(now); return err }(), "between 1 and 500")
	in.Users, in.Secret = "5", "Xq8~value"
	if svc, _, err := in.Parse(now); err != nil || !svc.HasCredentials() {
		t.Fatalf("%+v %v", svc, err)
	}
}
