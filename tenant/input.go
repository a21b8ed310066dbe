package tenant

import (
	"errors"
	"fmt"
	"time"
)

// ServiceInput is everything an engineer types for a new service, exactly
// as typed. The wizard and `onboard services add` both fill one in and call
// Parse, so a rule is applied the same way wherever the input comes from.
type ServiceInput struct {
	Customer  string
	Name      string
	FullName  string
	License   string
	Users     string
	TenantID  string
	ClientID  string
	Secret    string
	AdminUser string
	// UseKnownApp is the wizard's "Use known App registration" checkbox.
	// Without it the service is saved pending authentication and the
	// credentials are not required.
	UseKnownApp bool
}

// Parse applies every input rule (docs/rules.md) (all but the uniqueness ones, which the
// store enforces) and returns the service to validate and save. notes are
// things the engineer should be told but that are not errors (a trimmed or
// GUID-shaped secret). The first broken rule is returned as a *RuleError.
func (in ServiceInput) Parse(now time.Time) (svc Service, notes []string, err error) {
	svc, err = in.ParseBeforeSecret(now)
	if err != nil || !in.UseKnownApp {
		return svc, nil, err
	}
	secret, notes, err := CleanSecret(in.Secret)
	if err != nil {
		return Service{}, nil, err
	}
	svc.App.Secret = secret
	return svc, notes, nil
}

// ParseBeforeSecret applies every rule but the client secret's, so a
// command can refuse bad input before it asks for the secret: an engineer
// should not type a secret only to learn the short name is wrong. Every
// broken rule is reported at once (a Rules error), not only the first.
// The service it returns has no secret yet.
func (in ServiceInput) ParseBeforeSecret(now time.Time) (Service, error) {
	var broken Rules
	keep := func(err error) {
		var re *RuleError
		if errors.As(err, &re) {
			broken = append(broken, re)
		}
	}
	customer, err := CleanCustomerName(in.Customer)
	keep(err)
	keep(CheckShortName(in.Name))
	full, err := CleanFullName(in.FullName)
	keep(err)
	lic, err := ParseLicense(in.License)
	keep(err)
	users, err := ParseUsers(in.Users)
	keep(err)
	svc := Service{
		Name: in.Name, FullName: full, Customer: customer, License: lic, Users: users,
		State: StatePendingAuth, CreatedAt: now, UpdatedAt: now,
	}
	if in.UseKnownApp {
		tid, _, err := ParseTenantID(in.TenantID)
		keep(err)
		cid, err := ParseClientID(in.ClientID)
		keep(err)
		admin, err := CleanAdminUPN(in.AdminUser)
		keep(err)
		svc.App = AppRegistration{TenantID: tid, ClientID: cid, AdminUser: admin}
	}
	if err := broken.Err(); err != nil {
		return Service{}, err
	}
	return svc, nil
}

// ErrNotValidated refuses to save credentials that did not pass
// validation: the onboarding (docs/onboarding.md) lets the wizard go on, and `services add` save, only
// after a passing (warnings allowed) report.
var ErrNotValidated = errors.New("the credentials have not passed validation")

// Activate is the one gate between validating a new service's credentials
// and saving it, shared by the wizard and `onboard services add`: a report
// that did not pass is refused with ErrNotValidated and changes nothing;
// a passing one is applied.
func (s *Service) Activate(r *ValidationReport) error {
	if !r.Passed() {
		return ErrNotValidated
	}
	s.Apply(r)
	return nil
}

// Apply takes a validation report into the service: the tenant ID becomes
// the GUID read from the token, an empty M365 domain is filled with the
// tenant's initial domain, and a passing report makes the service active.
func (s *Service) Apply(r *ValidationReport) {
	if r == nil {
		return
	}
	s.LastValidation = r
	if r.TenantID != "" {
		s.App.TenantID = r.TenantID
	}
	if s.M365Domain == "" {
		s.M365Domain = r.InitialDomain
	}
	if r.Passed() {
		s.State = StateActive
		if r.SecretExpiresAt != nil {
			s.App.ManualExpiry = nil
		}
	}
}

// CleanStored applies the rules a saved service must meet, whichever way
// it is written (created, edited, copied, on either storage backend), and
// normalises what the rules clean (the full name trimmed, the license's
// spelling). The short name is checked by the caller: an edit may keep an
// old name.
func CleanStored(svc *Service) error {
	full, err := CleanFullName(svc.FullName)
	if err != nil {
		return err
	}
	svc.FullName = full
	lic, err := ParseLicense(string(svc.License))
	if err != nil {
		return err
	}
	svc.License = lic
	if err := CheckUsers(svc.Users); err != nil {
		return err
	}
	switch svc.State {
	case StateActive, StatePendingAuth:
	default:
		return fmt.Errorf("service %s: unknown state %q", svc.Name, svc.State)
	}
	return nil
}
