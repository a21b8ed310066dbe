package usecase

import (
	"fmt"
	"strings"
	"time"

	"onboard/tenant"
)

// The audit trail's details, worded here once so that every backend says
// the same thing about the same write. None of them ever holds a secret:
// a secret is named by its hint.

// DescribeService is the detail of a service added.
func DescribeService(s tenant.Service) string {
	d := fmt.Sprintf("%s, %d users, %s", s.License.Title(), s.Users, s.State.Title())
	if s.App.TenantID != "" {
		d += ", tenant " + s.App.TenantID
	}
	if s.App.ClientID != "" {
		d += ", app " + s.App.ClientID
	}
	if !s.App.Secret.IsZero() {
		d += ", secret " + s.App.Secret.Masked()
	}
	return d
}

// DescribeEdit says what changed between two versions of a service.
func DescribeEdit(before, after tenant.Service) string {
	var parts []string
	change := func(what, from, to string) {
		if from != to {
			parts = append(parts, fmt.Sprintf("%s %s → %s", what, orNone(from), orNone(to)))
		}
	}
	change("full name", before.FullName, after.FullName)
	change("customer", before.Customer, after.Customer)
	change("license", before.License.Title(), after.License.Title())
	change("users", fmt.Sprint(before.Users), fmt.Sprint(after.Users))
	change("M365 domain", before.M365Domain, after.M365Domain)
	change("admin", before.App.AdminUser, after.App.AdminUser)
	change("typed expiry", dateOf(before.App.ManualExpiry), dateOf(after.App.ManualExpiry))
	change("name", before.Name, after.Name)
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

// DescribeCredentials is the detail of new credentials saved. replaced is
// the masked form of the secret they replace, as the store keeps it
// beside the sealed value ("" when there was none): describing it needs
// no unsealing.
func DescribeCredentials(before, after tenant.AppRegistration, replaced string) string {
	var parts []string
	if before.TenantID != after.TenantID {
		parts = append(parts, "tenant "+orNone(after.TenantID))
	}
	if before.ClientID != after.ClientID {
		parts = append(parts, "app "+orNone(after.ClientID))
	}
	if replaced == "" {
		parts = append(parts, "secret "+after.Secret.Masked()+" added")
	} else {
		parts = append(parts, "secret "+replaced+" replaced by "+after.Secret.Masked())
	}
	return strings.Join(parts, ", ")
}

// DescribeValidation is the detail of a validation recorded.
func DescribeValidation(r tenant.ValidationReport) string {
	d := string(r.Status)
	if r.Trigger != "" {
		d += " (" + string(r.Trigger) + ")"
	}
	if r.AADSTS != "" {
		d += " " + r.AADSTS
	}
	if r.SecretHint != "" {
		d += ", secret " + tenant.MaskedHint(r.SecretHint)
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func dateOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}
