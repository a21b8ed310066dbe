package tenant

import "time"

// License is the hosted Direct Routing license a service is sold with.
type License string

// The two licenses (docs/rules.md). The string values are what the CLI and JSON use.
const (
	LicenseEssentialsPlus License = "essentials-plus"
	LicensePro            License = "pro"
)

// Licenses lists every license in the order the wizard offers them.
var Licenses = []License{LicenseEssentialsPlus, LicensePro}

// Title is the license's name as the provider's portal shows it.
func (l License) Title() string {
	switch l {
	case LicenseEssentialsPlus:
		return "Hosted Essentials+"
	case LicensePro:
		return "Hosted Pro"
	}
	return string(l)
}

// ServiceState says whether a service's credentials have been proven.
type ServiceState string

const (
	// StateActive: the App registration was validated when it was saved.
	StateActive ServiceState = "active"
	// StatePendingAuth: saved without credentials ("Use known App
	// registration" unchecked); the customer's admin still has to create them.
	StatePendingAuth ServiceState = "pending-authentication"
)

// Title is the state as the screens show it.
func (s ServiceState) Title() string {
	if s == StatePendingAuth {
		return "pending authentication"
	}
	return string(s)
}

// Customer is the provider's customer that owns one or more services.
type Customer struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// AppRegistration is what the customer's M365 admin hands over: the
// credentials of an App registration in the customer's tenant.
type AppRegistration struct {
	// TenantID is the tenant's GUID as read back from the token's tid claim
	// (for a pending service: what was typed, possibly a domain).
	TenantID string `json:"tenantId"`
	ClientID string `json:"clientId"`
	// Secret is sealed by the store and never marshalled with the record
	// (alone, a Secret marshals as its masked form).
	Secret Secret `json:"-"`
	// AdminUser is the customer admin (UPN) who handed the credentials over.
	AdminUser string `json:"adminUser,omitempty"`
	// ManualExpiry is an expiry date typed by the engineer from the Entra
	// admin center when Graph cannot read it (no Application.Read.All).
	ManualExpiry *time.Time `json:"manualExpiry,omitempty"`
}

// Service is one hosted Direct Routing service of a customer.
type Service struct {
	Name       string          `json:"name"`
	FullName   string          `json:"fullName,omitempty"`
	Customer   string          `json:"customer"`
	License    License         `json:"license"`
	Users      int             `json:"users"`
	M365Domain string          `json:"m365Domain,omitempty"`
	State      ServiceState    `json:"state"`
	App        AppRegistration `json:"app"`
	CreatedAt  time.Time       `json:"createdAt"`
	UpdatedAt  time.Time       `json:"updatedAt"`
	// UpdatedBy is the engineer who made the last change.
	UpdatedBy string `json:"updatedBy,omitempty"`
	// Version counts the changes made to the service; the store refuses a
	// change made on a copy older than the stored one, so two engineers
	// cannot overwrite each other's edits.
	Version int64 `json:"version"`
	// LastValidation is the newest report of the service's history
	// (never a failed attempt at a new secret).
	LastValidation *ValidationReport `json:"lastValidation,omitempty"`
}

// HasCredentials reports whether the service has an App registration to
// validate; one saved pending authentication has none yet.
func (s Service) HasCredentials() bool {
	return s.App.ClientID != "" && !s.App.Secret.IsZero()
}

// SecretExpiry is when the service's client secret expires: the date Graph
// reported at the last validation, else the one the engineer typed. ok is
// false when neither is known.
func (s Service) SecretExpiry() (at time.Time, ok bool) {
	if r := s.LastValidation; r != nil && r.SecretExpiresAt != nil {
		return *r.SecretExpiresAt, true
	}
	if s.App.ManualExpiry != nil {
		return *s.App.ManualExpiry, true
	}
	return time.Time{}, false
}

// Expiry judges the service's client secret expiry at now (the expiry
// policy of expiry.go).
func (s Service) Expiry(now time.Time) Expiry {
	at, ok := s.SecretExpiry()
	if !ok {
		return ExpiryAt(now, nil)
	}
	return ExpiryAt(now, &at)
}

// DaysUntilExpire is the number of calendar days from now until the
// secret expires (negative once expired); nil when the expiry is unknown.
func (s Service) DaysUntilExpire(now time.Time) *int { return s.Expiry(now).Days }
