package wizard

import (
	"strings"
	"testing"
)

func TestFieldChecks(t *testing.T) {
	taken := map[string]bool{"ctso-dr1": true}
	tests := []struct {
		name    string
		check   func(string) (string, bool)
		in      string
		bad     bool
		message string // a part of the message
	}{
		{"short name ok", shortNameCheck(taken), "nw-1", false, "available"},
		{"short name taken, other case", shortNameCheck(taken), "CTSO-DR1", true, "already exists"},
		{"short name dot", shortNameCheck(taken), "a.bc", true, "dot"},
		{"short name reserved", shortNameCheck(taken), "Audit", true, "reserved"},
		{"customer taken", customerNameCheck([]string{"Contoso Ltd"}, ""), " contoso LTD ", true, `"Contoso Ltd" already exists`},
		{"customer rename to other case", customerNameCheck([]string{"Contoso Ltd"}, "Contoso Ltd"), "CONTOSO LTD", false, ""},
		{"customer empty", customerNameCheck(nil, ""), "  ", true, "required"},
		{"tenant domain", checkTenantID, "contoso.onmicrosoft.com", false, ""},
		{"tenant zero", checkTenantID, "00000000-0000-0000-0000-000000000000", true, "all-zero"},
		{"client not a guid", checkClientID, "contoso", true, "must be a GUID"},
		{"secret GUID-shaped", checkSecret, "11111111-1111-4111-8111-111111111111", false, "secret's ID, not its Value"},
		{"secret padded", checkSecret, " abc ", false, "Removed spaces"},
		{"secret empty", checkSecret, "", true, "required"},
		{"admin", checkAdmin, "admin", true, "user principal name"},
		{"admin empty", checkAdmin, "", false, ""},
		{"users", checkUsers, "0", true, "between 1 and 500"},
		{"domain GUID", checkDomain, "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60", true, "domain name"},
		{"domain", checkDomain, "contoso.com", false, ""},
		{"full name long", checkFullName, strings.Repeat("x", 201), true, "at most 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, bad := tt.check(tt.in)
			if bad != tt.bad || !strings.Contains(msg, tt.message) {
				t.Errorf("check(%q) = %q, %v; want bad=%v and a message with %q", tt.in, msg, bad, tt.bad, tt.message)
			}
		})
	}
	// A rule message never repeats a secret.
	if msg, _ := checkSecret("Xq8\x01secret"); strings.Contains(msg, "secret\x01") || strings.Contains(msg, "Xq8") {
		t.Errorf("the secret check's message shows the secret: %q", msg)
	}
}
