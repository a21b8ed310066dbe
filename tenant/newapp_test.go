package tenant

import (
	"strings"
	"testing"
	"time"
)

func TestParseSecretMonths(t *testing.T) {
	tests := []struct {
		in   string
		want int
		rule string
	}{
		{"", DefaultSecretMonths, ""},
		{"6", 6, ""},
		{" 12 ", 12, ""},
		{"24", 24, ""},
		{"24 months", 24, ""},
		{"18", 0, "6, 12 or 24 months"},
		{"0", 0, "6, 12 or 24 months"},
		{"-6", 0, "6, 12 or 24 months"},
		{"twelve", 0, "6, 12 or 24 months"},
	}
	for _, tc := range tests {
		got, err := ParseSecretMonths(tc.in)
		wantRule(t, tc.in, err, tc.rule)
		if got != tc.want {
			t.Errorf("%q: %d months, want %d", tc.in, got, tc.want)
		}
	}
}

func TestCreatedAppObjectsInTheOrderCreated(t *testing.T) {
	var a CreatedApp
	if a.Any() || a.Objects() != nil {
		t.Fatalf("nothing created, yet %v", a.Objects())
	}
	end := time.Date(2027, 11, 25, 12, 0, 0, 0, time.UTC)
	a = CreatedApp{DisplayName: AppDisplayName(" ctso-dr1 "), ObjectID: "o", AppID: "a", ServicePrincipalID: "sp",
		Permissions: []string{"Organization.Read.All", "User.Read.All"}, Role: "Teams Administrator", SecretKeyID: "k", SecretExpiresAt: &end}
	got := strings.Join(a.Objects(), "\n")
	want := []string{`App registration "onboard – ctso-dr1" (Application ID a)`, "service principal", "Organization.Read.All, User.Read.All",
		"Teams Administrator role", "client secret (ID k, expires 2027-11-25)"}
	last := -1
	for _, w := range want {
		i := strings.Index(got, w)
		if i <= last {
			t.Fatalf("objects out of order or missing %q:\n%s", w, got)
		}
		last = i
	}
}
