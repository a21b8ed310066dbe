package tenant

import (
	"strings"
	"time"
)

// Summary is what a list shows of a service: enough for the Services
// screen, the expiry watch and the tables, without the checks' wording. The
// store keeps one beside every service record, written in the same
// transaction, so listing 100,000 services decodes little.
type Summary struct {
	Name     string       `json:"name"`
	FullName string       `json:"fullName,omitempty"`
	Customer string       `json:"customer"`
	License  License      `json:"license"`
	Users    int          `json:"users"`
	State    ServiceState `json:"state"`
	TenantID string       `json:"tenantId,omitempty"`
	ClientID string       `json:"clientId,omitempty"`
	// AdminUser is the customer admin, offered again when the customer's
	// App registration is reused for another service.
	AdminUser string `json:"adminUser,omitempty"`
	// HasSecret: the service has credentials to validate.
	HasSecret  bool   `json:"hasSecret,omitempty"`
	SecretHint string `json:"secretHint,omitempty"`
	TenantName string `json:"tenantName,omitempty"`
	AppName    string `json:"appName,omitempty"`
	// InitialDomain and M365Domain name the tenant too: a tenant typed as
	// a domain is recognised by them.
	InitialDomain string `json:"initialDomain,omitempty"`
	M365Domain    string `json:"m365Domain,omitempty"`
	// LastStatus and LastAt are the last validation's ("" and nil: never).
	LastStatus Status     `json:"lastStatus,omitempty"`
	LastAt     *time.Time `json:"lastAt,omitempty"`
	// SecretExpiresAt is Service.SecretExpiry; ExpiryTyped says the
	// engineer typed it (Graph could not read it).
	SecretExpiresAt *time.Time `json:"secretExpiresAt,omitempty"`
	ExpiryTyped     bool       `json:"expiryTyped,omitempty"`
	Version         int64      `json:"version"`
}

// SummaryOf is the summary of a service.
func SummaryOf(s Service) Summary {
	sum := Summary{
		Name: s.Name, FullName: s.FullName, Customer: s.Customer, License: s.License, Users: s.Users,
		State: s.State, TenantID: s.App.TenantID, ClientID: s.App.ClientID, AdminUser: s.App.AdminUser,
		HasSecret: s.HasCredentials(), Version: s.Version, M365Domain: s.M365Domain,
	}
	if !s.App.Secret.IsZero() {
		sum.SecretHint = s.App.Secret.Masked()
	}
	if r := s.LastValidation; r != nil {
		at := r.At
		sum.LastStatus, sum.LastAt, sum.TenantName, sum.AppName, sum.InitialDomain = r.Status, &at, r.TenantName, r.AppName, r.InitialDomain
	}
	if at, ok := s.SecretExpiry(); ok {
		sum.SecretExpiresAt = &at
		sum.ExpiryTyped = s.LastValidation == nil || s.LastValidation.SecretExpiresAt == nil
	}
	return sum
}

// Expiry judges the summary's secret expiry at now (expiry.go).
func (s Summary) Expiry(now time.Time) Expiry { return ExpiryAt(now, s.SecretExpiresAt) }

// IsTenant reports whether the summary's service uses the tenant typed as
// id: its GUID, or one of the domains it is known by (ignoring case).
func (s Summary) IsTenant(id string) bool {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return false
	}
	for _, t := range []string{s.TenantID, s.InitialDomain, s.M365Domain} {
		if t != "" && strings.ToLower(t) == id {
			return true
		}
	}
	return false
}
