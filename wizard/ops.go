package wizard

import (
	"context"
	"fmt"
	"time"

	"onboard/store"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// The wizard's writes, shared by the full-screen and the accessible modes
// so that each is written once.

// createService applies the rules to what was typed (tenant.ServiceInput,
// the same as the CLI), folds in the validation report and saves the new
// customer (if any) and the service. A service without a known App
// registration is saved pending authentication. If the service cannot be
// saved, a customer created for it is removed again: a failed Create leaves
// no trace.
func createService(st serviceStore, now time.Time, in tenant.ServiceInput, newCustomer bool, m365Domain string, report *tenant.ValidationReport) (tenant.Service, error) {
	svc, _, err := in.Parse(now)
	if err != nil {
		return tenant.Service{}, err
	}
	if in.UseKnownApp {
		svc.M365Domain = m365Domain
		if err := svc.Activate(report); err != nil {
			return tenant.Service{}, err
		}
	}
	if newCustomer {
		if _, err := st.CreateCustomer(svc.Customer); err != nil {
			return tenant.Service{}, fmt.Errorf("create customer %q: %w", svc.Customer, err)
		}
	}
	if err := st.CreateService(svc); err != nil {
		if newCustomer {
			_ = st.DeleteCustomer(svc.Customer)
		}
		return tenant.Service{}, fmt.Errorf("create service: %w", err)
	}
	return svc, nil
}

// saveNewSecret stores a secret that passed validation, with its report,
// in one store transaction. app, for a service pending authentication,
// carries the Tenant ID, Application ID and admin typed with it (Add
// credentials).
func saveNewSecret(st serviceStore, name string, app *tenant.AppRegistration, secret tenant.Secret, r *tenant.ValidationReport) error {
	if !r.Passed() {
		return tenant.ErrNotValidated
	}
	if app != nil {
		creds := *app
		creds.Secret = secret
		if err := st.AddCredentials(name, creds, *r); err != nil {
			return fmt.Errorf("save the credentials of %s: %w", name, err)
		}
		return nil
	}
	if err := st.ReplaceSecret(name, secret, *r); err != nil {
		return fmt.Errorf("replace the secret of %s: %w", name, err)
	}
	return nil
}

// expiryReadable reports whether Graph told the secret's expiry at the
// last validation; when it did not (no Application.Read.All), the engineer
// may type the date the Entra admin center shows.
func expiryReadable(svc tenant.Service) bool {
	r := svc.LastValidation
	return r != nil && r.SecretExpiresAt != nil
}

// editService saves a service's license and licensed users, and, when
// typedExpiry is not nil, the secret expiry typed from the Entra admin
// center (empty: unknown). It returns what was saved, in words.
func editService(st serviceStore, name, license, users string, typedExpiry *string) (string, error) {
	lic, err := tenant.ParseLicense(license)
	if err != nil {
		return "", err
	}
	n, err := tenant.ParseUsers(users)
	if err != nil {
		return "", err
	}
	var expiry *time.Time
	if typedExpiry != nil {
		if expiry, err = parseExpiryDate(*typedExpiry); err != nil {
			return "", err
		}
	}
	err = st.UpdateService(name, func(s *tenant.Service) error {
		s.License, s.Users = lic, n
		if typedExpiry != nil {
			s.App.ManualExpiry = expiry
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("save service %s: %w", name, err)
	}
	return fmt.Sprintf("Saved: %s, %d users.", lic.Title(), n), nil
}

// validateAllConcurrency bounds the validations in flight: enough to hide
// round trips, few enough not to be throttled by Entra ID.
const validateAllConcurrency = 8

// validateAll re-validates svcs and records the reports as they arrive,
// each write (store.RecordValidations: one transaction, one fsync) taking
// every report that arrived while the previous one was written
// (usecase.ValidateInBatches, shared with the CLI's validate --all).
// recorded is called, never concurrently, after each write with the
// reports it held and its error. A report that arrived before ctx was
// cancelled is still written: validateAll returns once it is.
func validateAll(ctx context.Context, v validator, st serviceStore, svcs []tenant.Service, recorded func(batch []store.Recorded, err error)) {
	usecase.ValidateInBatches(ctx, v, svcs, validateAllConcurrency, func(done []usecase.Validated) {
		batch := make([]store.Recorded, len(done))
		for i, d := range done {
			batch[i] = store.Recorded{Name: d.Service.Name, Report: *d.Report}
		}
		recorded(batch, st.RecordValidations(batch))
	})
}
