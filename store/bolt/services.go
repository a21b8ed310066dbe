package bolt

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"onboard/store/internal/par"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// customerOf finds the customer a service is to belong to and returns its
// name as stored. A missing customer is bad input as well as not found.
func (s *Store) customerOf(tx *bolt.Tx, name string) (string, error) {
	clean, err := tenant.CleanCustomerName(name)
	if err != nil {
		return "", err
	}
	c, err := s.getCustomer(tx, clean)
	if errors.Is(err, usecase.ErrNotFound) {
		return "", usecase.MissingCustomer(clean)
	}
	if err != nil {
		return "", err
	}
	return c.Name, nil
}

// CreateService saves a new service (see usecase.ServiceStore). Broken
// rules, a taken name and a missing customer are *tenant.RuleError.
func (s *Store) CreateService(svc tenant.Service) error {
	now := s.stamp()
	svc, err := usecase.NewStored(svc, now, s.actor.Engineer)
	if err != nil {
		return err
	}
	rec := serviceRecord{Service: svc}
	if err := s.sealInto(&rec, svc.App.Secret); err != nil {
		return err
	}
	var first []byte
	if r := svc.LastValidation; r != nil {
		if first, err = encodeReport(*r); err != nil {
			return fmt.Errorf("save service %s: its validation report: %w", svc.Name, err)
		}
	}
	return s.update(func(tx *bolt.Tx) error {
		customer, err := s.customerOf(tx, rec.Customer)
		if err != nil {
			return err
		}
		rec.Customer = customer
		key := nameKey(rec.Name)
		if err := s.nameFree(tx, rec.Name); err != nil {
			return err
		}
		if first != nil {
			if rec.LastSeq, err = appendHistory(tx, key, first); err != nil {
				return err
			}
			rec.Last = lastFactsOf(svc.LastValidation)
		}
		if err := s.insertService(tx, rec); err != nil {
			return err
		}
		return s.audit(tx, now, usecase.ActionServiceAdded, customer, rec.Name, usecase.DescribeService(svc))
	})
}

// insertService writes a new service's record, indexes it under its
// customer and records the key its secret is sealed with.
func (s *Store) insertService(tx *bolt.Tx, rec serviceRecord) error {
	if err := s.putService(tx, rec); err != nil {
		return err
	}
	if err := tx.Bucket(bucketOwners).Put(ownerKey(nameKey(rec.Customer), nameKey(rec.Name)), nil); err != nil {
		return err
	}
	if rec.Sealed == nil {
		return nil
	}
	return s.noteKey(tx)
}

// nameFree refuses a short name another service has, ignoring case,
// naming that service as it is spelled when its record can be read.
func (s *Store) nameFree(tx *bolt.Tx, name string) error {
	key := nameKey(name)
	v := tx.Bucket(bucketServices).Get(key)
	if v == nil {
		return nil
	}
	if old, err := s.decodeService(key, v); err == nil {
		name = old.Name
	}
	return usecase.ServiceExists(name)
}

// sealInto seals the secret onto the record (nothing when there is none).
func (s *Store) sealInto(rec *serviceRecord, secret tenant.Secret) error {
	rec.App.Secret = tenant.Secret{}
	rec.Sealed, rec.Hint = nil, ""
	if secret.IsZero() {
		return nil
	}
	sealed, err := s.keys.Seal(rec.Name, secret)
	if err != nil {
		return err
	}
	rec.Sealed, rec.Hint = sealed, secret.Masked()
	return nil
}

// putService writes a service record. Its Last facts must already be
// those of the report at LastSeq.
func (s *Store) putService(tx *bolt.Tx, rec serviceRecord) error {
	rec.Service.LastValidation = nil
	v, err := encodeService(rec)
	if err != nil {
		return fmt.Errorf("save service %s: %w", rec.Name, err)
	}
	return tx.Bucket(bucketServices).Put(nameKey(rec.Name), v)
}

// GetService finds a service by short name, ignoring case, with its secret
// unsealed and its last validation.
func (s *Store) GetService(name string) (tenant.Service, error) {
	type got struct {
		rec  serviceRecord
		last *tenant.ValidationReport
	}
	g, err := read(s, func(tx *bolt.Tx) (got, error) {
		rec, err := s.getService(tx, name)
		if err != nil {
			return got{}, err
		}
		last, err := s.lastReport(tx, rec)
		return got{rec, last}, err
	})
	if err != nil {
		return tenant.Service{}, err
	}
	return s.unsealed(g.rec, g.last)
}

func (s *Store) getService(tx *bolt.Tx, name string) (serviceRecord, error) {
	key := nameKey(strings.TrimSpace(name))
	v := tx.Bucket(bucketServices).Get(key)
	if v == nil {
		return serviceRecord{}, usecase.NoService(name)
	}
	return s.decodeService(key, v)
}

func (s *Store) lastReport(tx *bolt.Tx, rec serviceRecord) (*tenant.ValidationReport, error) {
	if rec.LastSeq == 0 {
		return nil, nil
	}
	hk := historyKey(nameKey(rec.Name), rec.LastSeq)
	v := tx.Bucket(bucketHistory).Get(hk)
	if v == nil {
		return nil, usecase.Errorf([]error{usecase.ErrDamaged}, "the last validation of service %s is missing from %s", rec.Name, s.path)
	}
	r, err := s.decodeReport(hk, v)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// unsealed is the service of a record with its secret unsealed.
func (s *Store) unsealed(rec serviceRecord, last *tenant.ValidationReport) (tenant.Service, error) {
	svc := rec.Service
	svc.LastValidation = last
	if rec.Sealed != nil {
		secret, err := s.keys.Unseal(svc.Name, rec.Sealed)
		if err != nil {
			return tenant.Service{}, usecase.Errorf([]error{usecase.ErrCannotUnseal}, "%v", err)
		}
		svc.App.Secret = secret
	}
	return svc, nil
}

// ListSummaries returns every service's summary, sorted by short name
// ignoring case, decoded over the CPUs.
func (s *Store) ListSummaries() ([]tenant.Summary, error) {
	return read(s, func(tx *bolt.Tx) ([]tenant.Summary, error) {
		var keys, vals [][]byte
		err := tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
			keys, vals = append(keys, k), append(vals, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
		out := make([]tenant.Summary, len(vals))
		errs := make([]error, len(vals))
		par.Each(len(vals), func(i int) {
			rec, err := s.decodeService(keys[i], vals[i])
			out[i], errs[i] = rec.summary(), err
		})
		return out, firstOf(errs)
	})
}

// ListServices returns every service with its secret and last report,
// sorted by short name ignoring case. A service that cannot be read is
// named in Unreadable; the others are listed.
func (s *Store) ListServices() (usecase.Listing, error) {
	return read(s, func(tx *bolt.Tx) (usecase.Listing, error) {
		var keys, vals [][]byte
		err := tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
			keys, vals = append(keys, k), append(vals, v)
			return nil
		})
		if err != nil {
			return usecase.Listing{}, err
		}
		svcs := make([]tenant.Service, len(vals))
		names := make([]string, len(vals)) // as stored, where the record reads
		errs := make([]error, len(vals))
		// bbolt's read transactions may be read from many goroutines while
		// they are open.
		par.Each(len(vals), func(i int) {
			rec, err := s.decodeService(keys[i], vals[i])
			names[i] = string(keys[i])
			var last *tenant.ValidationReport
			if err == nil {
				names[i] = rec.Name
				last, err = s.lastReport(tx, rec)
			}
			if err == nil {
				svcs[i], err = s.unsealed(rec, last)
			}
			errs[i] = err
		})
		return usecase.ListingOf(svcs, errs, func(i int) string { return names[i] }), nil
	})
}

// serviceToChange is the stored record of a service about to change,
// refused when the change was made on a copy older than the stored one
// (version 0: whatever is stored).
func (s *Store) serviceToChange(tx *bolt.Tx, name string, version int64) (serviceRecord, error) {
	rec, err := s.getService(tx, name)
	if err != nil {
		return serviceRecord{}, err
	}
	if version != 0 && rec.Version != version {
		return serviceRecord{}, usecase.Stale(rec.Name, rec.UpdatedBy, rec.UpdatedAt)
	}
	return rec, nil
}

// UpdateService edits a service in one write transaction (see
// usecase.ServiceStore). An error from fn is returned as is and nothing is
// written.
func (s *Store) UpdateService(name string, version int64, fn func(*tenant.Service) error) error {
	now := s.stamp()
	return s.update(func(tx *bolt.Tx) error {
		rec, err := s.serviceToChange(tx, name, version)
		if err != nil {
			return err
		}
		// fn sees the stored service with its last validation, as
		// GetService returns it (a change to the report is ignored).
		if rec.LastValidation, err = s.lastReport(tx, rec); err != nil {
			return err
		}
		before := rec.Service
		svc, err := usecase.ApplyEdit(before, fn, now, s.actor.Engineer)
		if err != nil {
			return err
		}
		key := nameKey(before.Name)
		svc.LastValidation = nil // the history keeps it
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
		rec.Service = svc
		if err := s.putService(tx, rec); err != nil {
			return err
		}
		return s.audit(tx, now, usecase.ActionServiceEdited, svc.Customer, svc.Name, usecase.DescribeEdit(before, svc))
	})
}

// DeleteService removes a service and its whole validation history.
func (s *Store) DeleteService(name string, version int64) error {
	now := s.stamp()
	return s.update(func(tx *bolt.Tx) error {
		rec, err := s.serviceToChange(tx, name, version)
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
		if err := tx.Bucket(bucketServices).Delete(key); err != nil {
			return err
		}
		return s.audit(tx, now, usecase.ActionServiceDeleted, rec.Customer, rec.Name, "with its validation history")
	})
}

// appendHistory stores an encoded report under the service's next
// sequence number and returns it.
func appendHistory(tx *bolt.Tx, serviceKey, report []byte) (uint64, error) {
	b := tx.Bucket(bucketHistory)
	b.FillPercent = historyFill
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	return seq, b.Put(historyKey(serviceKey, seq), report)
}

// firstOf is the first error of errs, saying how many more there are:
// one line, whatever the damage.
func firstOf(errs []error) error {
	var first error
	n := 0
	for _, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			n++
		}
	}
	if n > 1 {
		return usecase.Errorf([]error{first}, "%v (and %d more records like it)", first, n-1)
	}
	return first
}
