package present

import (
	"time"

	"onboard/tenant"
)

// ServiceJSON is a service as the commands' --json shows it. It is built
// field by field rather than by marshalling tenant.Service, so the contract
// cannot drift when the stored record grows; the secret appears only as its
// hint. Times are RFC 3339 UTC; daysUntilExpire counts calendar days in the
// engineer's time zone. New fields may be added; existing ones keep their
// names and meaning.
type ServiceJSON struct {
	Name           string      `json:"name"`
	Customer       string      `json:"customer"`
	FullName       string      `json:"fullName"`
	License        string      `json:"license"`
	Users          int         `json:"users"`
	TenantID       string      `json:"tenantId"`
	ClientID       string      `json:"clientId"`
	SecretHint     string      `json:"secretHint"`
	AdminUser      string      `json:"adminUser"`
	M365Domain     string      `json:"m365Domain"`
	State          string      `json:"state"`
	CreatedAt      time.Time   `json:"createdAt"`
	UpdatedBy      string      `json:"updatedBy,omitempty"`
	Version        int64       `json:"version"`
	LastValidation *ReportJSON `json:"lastValidation"`
}

// ReportJSON is lastValidation.
type ReportJSON struct {
	Status          string     `json:"status"`
	At              time.Time  `json:"at"`
	Trigger         string     `json:"trigger,omitempty"`
	By              string     `json:"by,omitempty"`
	TenantName      string     `json:"tenantName"`
	SecretExpiresAt *time.Time `json:"secretExpiresAt"`
	DaysUntilExpire *int       `json:"daysUntilExpire"`
	ExpiryReadAt    *time.Time `json:"expiryReadAt"`
	// Roles: null when unknown, [] when none.
	Roles         []string          `json:"roles"`
	Permissions   []string          `json:"permissions"`
	SBCDomain     string            `json:"sbcDomain,omitempty"`
	TeamsPhone    *LicenceJSON      `json:"teamsPhone,omitempty"`
	Checks        []CheckJSON       `json:"checks"`
	Groups        map[string]string `json:"groups"`
	AADSTS        string            `json:"aadsts"`
	CorrelationID string            `json:"correlationId"`
	TraceID       string            `json:"traceId,omitempty"`
}

// LicenceJSON is the Teams Phone licence count.
type LicenceJSON struct {
	Enabled  int `json:"enabled"`
	Consumed int `json:"consumed"`
	Free     int `json:"free"`
}

// CheckJSON is one check.
type CheckJSON struct {
	Name   string `json:"name"`
	Group  string `json:"group"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// JSONOf is a service as --json shows it at clock c.
func JSONOf(s tenant.Service, c Clock) ServiceJSON {
	v := ServiceJSON{
		Name: s.Name, Customer: s.Customer, FullName: s.FullName,
		License: string(s.License), Users: s.Users,
		TenantID: s.App.TenantID, ClientID: s.App.ClientID,
		SecretHint: s.App.Secret.Masked(), AdminUser: s.App.AdminUser,
		M365Domain: s.M365Domain, State: string(s.State), CreatedAt: s.CreatedAt.UTC(),
		UpdatedBy: s.UpdatedBy, Version: s.Version,
	}
	if r := s.LastValidation; r != nil {
		v.LastValidation = ReportJSONOf(r, s, c)
	}
	return v
}

// ReportJSONOf is a report as --json shows it. daysUntilExpire is counted
// at c, not when the report was made, and falls back to the expiry the
// engineer typed when Graph could not read it.
func ReportJSONOf(r *tenant.ValidationReport, s tenant.Service, c Clock) *ReportJSON {
	rv := &ReportJSON{
		Status: string(r.Status), At: r.At.UTC(), Trigger: string(r.Trigger), By: r.By, TenantName: r.TenantName,
		Roles: r.Roles, Permissions: nonNil(r.Permissions), SBCDomain: r.SBCDomain,
		Checks: make([]CheckJSON, 0, len(r.Checks)), Groups: map[string]string{},
		AADSTS: r.AADSTS, CorrelationID: r.CorrelationID, TraceID: r.TraceID,
	}
	e := s.Expiry(c.Now)
	if r.SecretExpiresAt != nil {
		e = tenant.ExpiryAt(c.Now, r.SecretExpiresAt)
		read := r.At
		if r.ExpiryReadAt != nil {
			read = *r.ExpiryReadAt
		}
		read = read.UTC()
		rv.ExpiryReadAt = &read
	}
	if e.At != nil {
		at := e.At.UTC()
		rv.SecretExpiresAt = &at
	}
	rv.DaysUntilExpire = e.Days
	if l := r.TeamsPhone; l != nil {
		rv.TeamsPhone = &LicenceJSON{Enabled: l.Enabled, Consumed: l.Consumed, Free: l.Free()}
	}
	for _, ch := range r.Checks {
		g := ch.InGroup()
		rv.Checks = append(rv.Checks, CheckJSON{Name: ch.Name, Group: string(g), Status: string(ch.Status), Detail: ch.Detail, Fix: ch.Fix})
		rv.Groups[string(g)] = string(worse(tenant.Status(rv.Groups[string(g)]), ch.Status))
	}
	return rv
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AuditJSON is an audit trail entry as --json shows it.
type AuditJSON struct {
	At       time.Time `json:"at"`
	Engineer string    `json:"engineer"`
	Host     string    `json:"host"`
	Action   string    `json:"action"`
	Customer string    `json:"customer"`
	Service  string    `json:"service"`
	Detail   string    `json:"detail"`
}
