package tenant

import (
	"testing"
	"time"
)

// TestCustomerSide: a failure the customer's admin fixes in the tenant —
// credentials that work but a readiness check that failed, or a token
// refused for a customer-side reason — may be parked; a wrong secret may not.
func TestCustomerSide(t *testing.T) {
	report := func(aadsts string, checks ...Check) *ValidationReport {
		r := &ValidationReport{AADSTS: aadsts}
		for _, c := range checks {
			r.Add(c)
		}
		return r
	}
	pass := func(name string) Check { return Check{Name: name, Status: StatusPass} }
	fail := func(name string) Check { return Check{Name: name, Status: StatusFail} }
	tests := []struct {
		name string
		r    *ValidationReport
		want bool
	}{
		{"no report", nil, false},
		{"passed", report("", pass(CheckToken), pass(CheckRole)), false},
		{"warned", report("", pass(CheckToken), Check{Name: CheckSecret, Status: StatusWarn}), false},
		{"credentials work, no role", report("", pass(CheckToken), pass(CheckTenant), fail(CheckRole)), true},
		{"credentials work, Teams token blocked", report("AADSTS53003", pass(CheckToken), fail(CheckTeamsToken)), true},
		{"Conditional Access", report("AADSTS53003", fail(CheckToken)), true},
		{"security defaults", report("AADSTS530035", fail(CheckToken)), true},
		{"app disabled", report("AADSTS7000112", fail(CheckToken)), true},
		{"no service principal", report("AADSTS7000229", fail(CheckToken)), true},
		{"no consent", report("AADSTS65001", fail(CheckToken)), true},
		{"wrong secret", report("AADSTS7000215", fail(CheckToken)), false},
		{"expired secret", report("AADSTS7000222", fail(CheckToken)), false},
		{"app not in tenant", report("AADSTS700016", fail(CheckToken)), false},
	}
	for _, tt := range tests {
		if got := tt.r.CustomerSide(); got != tt.want {
			t.Errorf("%s: CustomerSide = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCarryFacts: facts an earlier report of the same secret read, and this
// one could not, are kept with when they were read — never across a secret
// replacement, and never over what this report read itself.
func TestCarryFacts(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(24 * time.Hour)
	exp := time.Date(2027, 6, 18, 23, 59, 59, 0, time.UTC)
	prev := func() *ValidationReport {
		r := &ValidationReport{At: t0, ClientID: "c", SecretHint: "Xq8", SecretExpiresAt: &exp,
			TenantName: "Contoso Ltd", InitialDomain: "contoso.onmicrosoft.com", DefaultDomain: "contoso.com", AppName: "Teams DR"}
		r.Add(Check{Name: CheckToken, Status: StatusPass})
		return r
	}
	blip := func(clientID, hint string) *ValidationReport {
		r := &ValidationReport{At: t1, ClientID: clientID, SecretHint: hint}
		r.Add(Check{Name: CheckToken, Status: StatusPass})
		r.Add(Check{Name: CheckSecret, Status: StatusWarn, Detail: "Graph could not be read."})
		return r
	}

	cur := blip("c", "Xq8")
	CarryFacts(prev(), cur)
	if cur.SecretExpiresAt == nil || !cur.SecretExpiresAt.Equal(exp) || cur.ExpiryReadAt == nil || !cur.ExpiryReadAt.Equal(t0) {
		t.Fatalf("expiry not carried with its read time: %v read %v", cur.SecretExpiresAt, cur.ExpiryReadAt)
	}
	if cur.DaysUntilExpire == nil || *cur.DaysUntilExpire != DaysUntil(t1, exp) {
		t.Errorf("days until expire %v, want them counted at this report's time", cur.DaysUntilExpire)
	}
	if cur.TenantName != "Contoso Ltd" || cur.InitialDomain != "contoso.onmicrosoft.com" || cur.DefaultDomain != "contoso.com" || cur.AppName != "Teams DR" {
		t.Errorf("names not carried: %+v", cur)
	}
	if cur.Status != StatusWarn || len(cur.Checks) != 2 || cur.Checks[1].Status != StatusWarn {
		t.Errorf("the verdict and checks must say what happened this time: %s %+v", cur.Status, cur.Checks)
	}

	// A second blip keeps when the date was first read, not the time of
	// the report it was carried through.
	next := blip("c", "Xq8")
	next.At = t1.Add(24 * time.Hour)
	CarryFacts(cur, next)
	if next.ExpiryReadAt == nil || !next.ExpiryReadAt.Equal(t0) {
		t.Errorf("read time after two blips %v, want %v", next.ExpiryReadAt, t0)
	}

	// What this report read itself stays.
	own := blip("c", "Xq8")
	ownExp := exp.AddDate(1, 0, 0)
	own.SecretExpiresAt, own.TenantName = &ownExp, "Contoso Renamed"
	CarryFacts(prev(), own)
	if !own.SecretExpiresAt.Equal(ownExp) || own.ExpiryReadAt != nil || own.TenantName != "Contoso Renamed" {
		t.Errorf("a fact read this time was replaced: %v read %v, %q", own.SecretExpiresAt, own.ExpiryReadAt, own.TenantName)
	}

	// Another secret, another app, or no hint to compare: nothing carried.
	for _, other := range []*ValidationReport{blip("c", "Yz7"), blip("d", "Xq8"), blip("c", "")} {
		CarryFacts(prev(), other)
		if other.SecretExpiresAt != nil || other.ExpiryReadAt != nil || other.TenantName != "" || other.AppName != "" {
			t.Errorf("carried across secrets (client %q, hint %q): %+v", other.ClientID, other.SecretHint, other)
		}
	}
	noHint := prev()
	noHint.SecretHint = ""
	short := blip("c", "")
	CarryFacts(noHint, short)
	if short.SecretExpiresAt != nil {
		t.Error("carried between two secrets without a hint: they may be different secrets")
	}
	CarryFacts(nil, cur)
	CarryFacts(prev(), nil)
}

// TestChecksWithoutAGroup: a check written before reports had groups
// counts in the group its name belongs to, for the verdict's halves too.
func TestChecksWithoutAGroup(t *testing.T) {
	r := &ValidationReport{Status: StatusFail, AADSTS: "", Checks: []Check{
		{Name: CheckToken, Status: StatusPass}, {Name: CheckSecret, Status: StatusWarn}, {Name: CheckRole, Status: StatusFail}}}
	if r.GroupStatus(GroupCredentials) != StatusWarn || r.GroupStatus(GroupReadiness) != StatusFail {
		t.Errorf("groups %s / %s, want warn / fail", r.GroupStatus(GroupCredentials), r.GroupStatus(GroupReadiness))
	}
	if !r.CredentialsWork() || !r.CustomerSide() {
		t.Error("credentials that worked before groups existed no longer count as working")
	}
	if (Check{Name: CheckLicence}).InGroup() != GroupReadiness || (Check{Name: CheckLicence, Group: GroupCredentials}).InGroup() != GroupCredentials {
		t.Error("InGroup ignores the group a check has, or the name of one without")
	}
}
