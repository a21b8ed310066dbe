package store

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
)

// checkService applies the SPEC §2 rules a stored service must meet, and
// normalises what the rules clean (trimmed full name, license spelling).
// The short name is checked by the caller: an update may keep an old name.
func checkService(svc *tenant.Service) error {
	full, err := tenant.CleanFullName(svc.FullName)
	if err != nil {
		return err
	}
	svc.FullName = full
	lic, err := tenant.ParseLicense(string(svc.License))
	if err != nil {
		return err
	}
	svc.License = lic
	if err := tenant.CheckUsers(svc.Users); err != nil {
		return err
	}
	switch svc.State {
	case tenant.StateActive, tenant.StatePendingAuth:
	default:
		return fmt.Errorf("service %s: unknown state %q", svc.Name, svc.State)
	}
	return nil
}

// customerOf finds the customer a service is to belong to and returns its
// name as stored. A missing customer is bad input as well as ErrNotFound.
func (s *Store) customerOf(tx *bolt.Tx, name string) (string, error) {
	clean, err := tenant.CleanCustomerName(name)
	if err != nil {
		return "", err
	}
	c, err := s.getCustomer(tx, clean)
	if errors.Is(err, ErrNotFound) {
		return "", ruleKind(ErrNotFound, "customer", "there is no customer named %q: add the customer first", clean)
	}
	if err != nil {
		return "", err
	}
	return c.Name, nil
}

// CreateService saves a new service. It checks the SPEC §2 rules
// (tenant.CheckShortName and the rest) and, inside the write transaction,
// that the short name is unused (ignoring case) and that the customer exists
// (the stored spelling of its name is kept). The secret, if any, is sealed.
// A non-nil LastValidation is also the first entry of the service's history.
// Zero CreatedAt/UpdatedAt are set to now. Broken rules, a taken name and a
// missing customer are *tenant.RuleError (tenant.IsRuleError).
func (s *Store) CreateService(svc tenant.Service) error {
	rec, err := s.newServiceRecord(svc)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return s.createService(tx, rec) })
}

// newServiceRecord does the part of CreateService that needs no
// transaction (rules, time stamps, sealing), so the write transaction stays
// short.
func (s *Store) newServiceRecord(svc tenant.Service) (serviceRecord, error) {
	if err := tenant.CheckShortName(svc.Name); err != nil {
		return serviceRecord{}, err
	}
	if err := checkService(&svc); err != nil {
		return serviceRecord{}, err
	}
	now := s.stamp()
	if svc.CreatedAt.IsZero() {
		svc.CreatedAt = now
	}
	if svc.UpdatedAt.IsZero() {
		svc.UpdatedAt = now
	}
	sealed, err := s.sealOrNil(svc)
	if err != nil {
		return serviceRecord{}, err
	}
	return serviceRecord{V: recordVersion, Service: svc, Sealed: sealed}, nil
}

func (s *Store) createService(tx *bolt.Tx, rec serviceRecord) error {
	customer, err := s.customerOf(tx, rec.Customer)
	if err != nil {
		return err
	}
	rec.Customer = customer
	services := tx.Bucket(bucketServices)
	key := nameKey(rec.Name)
	if v := services.Get(key); v != nil {
		if old, err := s.decodeService(v); err == nil {
			return serviceExists(old.Name)
		}
		return serviceExists(rec.Name)
	}
	if err := putPacked(services, key, rec); err != nil {
		return err
	}
	return tx.Bucket(bucketOwners).Put(ownerKey(nameKey(customer), key), nil)
}

// GetService finds a service by short name, ignoring case, with its secret
// unsealed.
func (s *Store) GetService(name string) (tenant.Service, error) {
	rec, err := view(s, func(tx *bolt.Tx) (serviceRecord, error) { return s.getService(tx, name) })
	if err != nil {
		return tenant.Service{}, err
	}
	return s.unsealed(rec)
}

func (s *Store) getService(tx *bolt.Tx, name string) (serviceRecord, error) {
	v := tx.Bucket(bucketServices).Get(nameKey(strings.TrimSpace(name)))
	if v == nil {
		return serviceRecord{}, noService(name)
	}
	return s.decodeService(v)
}

// unsealed returns the service of a record with its secret unsealed.
func (s *Store) unsealed(rec serviceRecord) (tenant.Service, error) {
	svc := rec.Service
	if rec.Sealed != nil {
		secret, err := s.seal.unseal(svc.Name, rec.Sealed)
		if err != nil {
			return tenant.Service{}, err
		}
		svc.App.Secret = secret
	}
	return svc, nil
}

// servicesOf decodes and unseals stored service values, spread over the
// CPUs: listing 100,000 services is all decoding. It must run inside the
// transaction the values belong to. The error, if any, is that of the first
// failing value in order, so it does not depend on scheduling.
func (s *Store) servicesOf(keys, vals [][]byte) ([]tenant.Service, error) {
	out := make([]tenant.Service, len(vals))
	errs := make([]error, len(vals))
	const chunk = 512
	decode := func(start int) {
		end := min(start+chunk, len(vals))
		a := newArena(end - start)
		for i := start; i < end; i++ {
			rec, err := s.decodeServiceIn(vals[i], a)
			if err != nil {
				// A damaged record may have no readable name: its key has.
				errs[i] = fmt.Errorf("service %s: %w", keys[i], err)
				continue
			}
			out[i], errs[i] = s.unsealed(rec)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(vals)+chunk-1)/chunk)
	if workers <= 1 {
		for start := 0; start < len(vals); start += chunk {
			decode(start)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					start := int(next.Add(chunk)) - chunk
					if start >= len(vals) {
						return
					}
					decode(start)
				}
			}()
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListServices returns every service, sorted by short name ignoring case,
// secrets unsealed: bulk re-validation (the CLI's `validate --all`, the
// wizard's Validate all) takes its credentials from here.
//
// It is all or nothing. If any secret cannot be unsealed (ErrCannotUnseal:
// the key in use is not the one the secrets were sealed with, or a sealed
// value is damaged) or any record cannot be read, it returns no services
// and the error of the first such service in name order, which names the
// service and, for a wrong key, where the key came from. A list with some
// secrets silently empty would have bulk re-validation record failures
// that say nothing about the customer's credentials. Services without a
// secret (pending authentication) never need the key.
func (s *Store) ListServices() ([]tenant.Service, error) {
	return view(s, func(tx *bolt.Tx) ([]tenant.Service, error) {
		var keys, vals [][]byte
		err := tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
			keys, vals = append(keys, k), append(vals, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return s.servicesOf(keys, vals)
	})
}

// UpdateService edits a service in one write transaction: fn gets the
// stored service (secret unsealed) and changes what it needs — license,
// users, M365 domain, full name, manual expiry, customer (which must exist),
// the secret. The short name can change in case only; LastValidation and
// CreatedAt are kept as stored (history changes only through
// RecordValidation and ReplaceSecret). An error from fn is returned as is
// and nothing is written.
func (s *Store) UpdateService(name string, fn func(*tenant.Service) error) error {
	now := s.stamp()
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := s.getService(tx, name)
		if err != nil {
			return err
		}
		before, err := s.unsealed(rec)
		if err != nil {
			return err
		}
		svc := before
		if err := fn(&svc); err != nil {
			return err
		}
		key := nameKey(before.Name)
		if !bytes.Equal(nameKey(svc.Name), key) {
			return &tenant.RuleError{Field: "short name",
				Rule: fmt.Sprintf("the short name of service %s cannot be changed (only its case)", before.Name)}
		}
		if svc.Name != before.Name {
			if err := tenant.CheckShortName(svc.Name); err != nil {
				return err
			}
		}
		if err := checkService(&svc); err != nil {
			return err
		}
		// fn may have changed the report through its pointer: keep the
		// stored one, read afresh.
		stored, err := s.getService(tx, before.Name)
		if err != nil {
			return err
		}
		svc.LastValidation, svc.CreatedAt, svc.UpdatedAt = stored.LastValidation, stored.CreatedAt, now
		owners := tx.Bucket(bucketOwners)
		if oldCust := nameKey(before.Customer); !bytes.Equal(nameKey(svc.Customer), oldCust) {
			if svc.Customer, err = s.customerOf(tx, svc.Customer); err != nil {
				return err
			}
			if err := owners.Delete(ownerKey(oldCust, key)); err != nil {
				return err
			}
			if err := owners.Put(ownerKey(nameKey(svc.Customer), key), nil); err != nil {
				return err
			}
		} else {
			svc.Customer = before.Customer
		}
		out := serviceRecord{V: recordVersion, Service: svc, Sealed: rec.Sealed}
		if svc.App.Secret != before.App.Secret {
			if out.Sealed, err = s.sealOrNil(svc); err != nil {
				return err
			}
		}
		return putPacked(tx.Bucket(bucketServices), key, out)
	})
}

func (s *Store) sealOrNil(svc tenant.Service) ([]byte, error) {
	if svc.App.Secret.IsZero() {
		return nil, nil
	}
	return s.seal.seal(svc.Name, svc.App.Secret)
}

// DeleteService removes a service and its whole validation history.
func (s *Store) DeleteService(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := s.getService(tx, name)
		if err != nil {
			return err
		}
		key := nameKey(rec.Name)
		if err := tx.Bucket(bucketOwners).Delete(ownerKey(nameKey(rec.Customer), key)); err != nil {
			return err
		}
		history := tx.Bucket(bucketHistory)
		for _, k := range keysWithPrefix(history, historyPrefix(key)) {
			if err := history.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketServices).Delete(key)
	})
}

// RecordValidation appends a report to the service's history and folds it
// into the service (tenant's Service.Apply: LastValidation, tenant GUID, M365
// domain default, state active on pass), in one transaction.
func (s *Store) RecordValidation(name string, r tenant.ValidationReport) error {
	return s.recordValidation(name, r)
}

// ReplaceSecret stores a new client secret and the report of its validation
// in one transaction: either both are saved or neither. Call it after the new
// secret validated; the store does not judge the report.
func (s *Store) ReplaceSecret(name string, secret tenant.Secret, r tenant.ValidationReport) error {
	return s.saveCredentials(name, func(app *tenant.AppRegistration) { app.Secret = secret }, r)
}

// AddCredentials gives a service saved pending authentication the App
// registration the customer's admin handed over later (Tenant ID,
// Application ID, admin, secret) together with the report of their
// validation, in one transaction: a failure leaves the service as it was,
// never with new IDs and no secret.
func (s *Store) AddCredentials(name string, app tenant.AppRegistration, r tenant.ValidationReport) error {
	return s.saveCredentials(name, func(a *tenant.AppRegistration) {
		a.TenantID, a.ClientID, a.AdminUser, a.Secret = app.TenantID, app.ClientID, app.AdminUser, app.Secret
	}, r)
}

// saveCredentials changes the stored App registration with set and
// records r, in one write transaction.
func (s *Store) saveCredentials(name string, set func(*tenant.AppRegistration), r tenant.ValidationReport) error {
	now := s.stamp()
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := s.getService(tx, name)
		if err != nil {
			return err
		}
		set(&rec.App)
		if rec.App.Secret.IsZero() {
			return &tenant.RuleError{Field: "client secret", Rule: "the client secret is required"}
		}
		if rec.Sealed, err = s.seal.seal(rec.Name, rec.App.Secret); err != nil {
			return err
		}
		rec.App.Secret = tenant.Secret{}
		return s.record(tx, rec, r, now)
	})
}

func (s *Store) recordValidation(name string, r tenant.ValidationReport) error {
	now := s.stamp()
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := s.getService(tx, name)
		if err != nil {
			return err
		}
		return s.record(tx, rec, r, now)
	})
}

// Recorded is one validation report to record for a service.
type Recorded struct {
	Name   string
	Report tenant.ValidationReport
}

// RecordValidations records many reports in one write transaction, so one
// fsync instead of one per report (bulk re-validation: the CLI's
// `validate --all`, the wizard's Validate all). Each entry has the same
// effect as RecordValidation, in order: two entries for one service leave
// the later one as its LastValidation.
//
// An entry whose service cannot be read — deleted since it was listed
// (ErrNotFound), or a damaged record — is skipped and the others are still
// recorded. The error is then an errors.Join of one error per skipped entry,
// each naming its service (errors.Is(err, ErrNotFound) works; the entries
// are in Unwrap() []error). A failure to write rolls the whole batch back
// and is returned alone: nothing is recorded.
func (s *Store) RecordValidations(batch []Recorded) error {
	if len(batch) == 0 {
		return nil
	}
	now := s.stamp()
	var skipped []error
	err := s.db.Update(func(tx *bolt.Tx) error {
		skipped = skipped[:0] // bbolt does not retry, but stay correct if it did
		for _, e := range batch {
			rec, err := s.getService(tx, e.Name)
			if err != nil {
				// A damaged record's error does not name it: say which.
				skipped = append(skipped, fmt.Errorf("record the validation of %s: %w", e.Name, err))
				continue
			}
			if err := s.record(tx, rec, e.Report, now); err != nil {
				return fmt.Errorf("record validation of service %s: %w", rec.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(skipped...)
}

// record is the per-report step of RecordValidation, ReplaceSecret,
// AddCredentials and RecordValidations, inside their write transaction:
// the report being replaced archived, the new one folded into the record.
func (s *Store) record(tx *bolt.Tx, rec serviceRecord, r tenant.ValidationReport, now time.Time) error {
	key := nameKey(rec.Name)
	// The report being replaced moves to the history bucket: each
	// report is stored once, the newest on the record.
	if rec.LastValidation != nil {
		if err := s.archiveReport(tx, key, *rec.LastValidation); err != nil {
			return err
		}
	}
	rec.Apply(&r)
	rec.UpdatedAt = now
	rec.V = recordVersion
	return putPacked(tx.Bucket(bucketServices), key, rec)
}

// archiveReport appends a report to the service's past reports under the
// history bucket's next sequence number; big-endian keys keep a service's
// reports in the order they were archived.
func (s *Store) archiveReport(tx *bolt.Tx, serviceKey []byte, r tenant.ValidationReport) error {
	b := tx.Bucket(bucketHistory)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putPacked(b, historyKey(serviceKey, seq), reportRecord{V: recordVersion, ValidationReport: r})
}

// History returns a service's validation reports, newest first: the
// service's LastValidation, then the archived ones.
func (s *Store) History(name string) ([]tenant.ValidationReport, error) {
	return view(s, func(tx *bolt.Tx) ([]tenant.ValidationReport, error) {
		rec, err := s.getService(tx, name)
		if err != nil || rec.LastValidation == nil {
			return nil, err
		}
		out := []tenant.ValidationReport{*rec.LastValidation}
		prefix := historyPrefix(nameKey(rec.Name))
		c := tx.Bucket(bucketHistory).Cursor()
		// The first key after the service's range, then backwards.
		k, v := c.Seek(historyEnd(nameKey(rec.Name)))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
			r, err := s.decodeReport(v)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	})
}
