package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// SaveCredentials gives a service a new App registration with the report
// of its validation, in one transaction (see usecase.HistoryStore): a
// failure leaves the service as it was, never with new IDs and no secret.
func (s *Store) SaveCredentials(name string, version int64, app tenant.AppRegistration, r tenant.ValidationReport) error {
	if app.Secret.IsZero() {
		return &tenant.RuleError{Field: "client secret", Rule: "the client secret is required"}
	}
	report, err := encodeReport(r)
	if err != nil {
		return fmt.Errorf("save the credentials of %s: the validation report: %w", name, err)
	}
	now := s.stamp()
	return s.update(func(tx *bolt.Tx) error {
		rec, err := s.serviceToChange(tx, name, version)
		if err != nil {
			return err
		}
		before, replaced := rec.App, rec.Hint
		rec.App.TenantID, rec.App.ClientID, rec.App.AdminUser = app.TenantID, app.ClientID, app.AdminUser
		if err := s.sealInto(&rec, app.Secret); err != nil {
			return err
		}
		after := rec.App
		after.Secret = app.Secret
		key := nameKey(rec.Name)
		if rec.LastSeq, err = appendHistory(tx, key, report); err != nil {
			return err
		}
		rec.Apply(&r)
		rec.LastValidation, rec.Last = nil, lastFactsOf(&r)
		rec.UpdatedAt, rec.UpdatedBy, rec.Version = now, s.actor.Engineer, rec.Version+1
		if err := s.putService(tx, rec); err != nil {
			return err
		}
		if err := s.noteKey(tx); err != nil {
			return err
		}
		if err := s.audit(tx, now, usecase.ActionCredentials, rec.Customer, rec.Name, usecase.DescribeCredentials(before, after, replaced)); err != nil {
			return err
		}
		return s.audit(tx, now, usecase.ActionValidated, rec.Customer, rec.Name, usecase.DescribeValidation(r))
	})
}

// RecordValidations records many reports in one write transaction (one
// fsync instead of one per report), with one result per entry (see
// usecase.HistoryStore).
func (s *Store) RecordValidations(batch []usecase.Recorded) []error {
	errs := make([]error, len(batch))
	if len(batch) == 0 {
		return errs
	}
	encoded := make([][]byte, len(batch))
	for i, e := range batch {
		var err error
		if encoded[i], err = encodeReport(e.Report); err != nil {
			errs[i] = fmt.Errorf("record the validation of %s: %w", e.Name, err)
		}
	}
	now := s.stamp()
	err := s.update(func(tx *bolt.Tx) error {
		for i, e := range batch {
			if encoded[i] == nil {
				continue
			}
			errs[i] = nil // bbolt does not retry, but stay right if it did
			if err := s.record(tx, e, encoded[i], now); err != nil {
				errs[i] = fmt.Errorf("record the validation of %s: %w", e.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("record the validation of %s: %w", batch[i].Name, err)
			}
		}
	}
	return errs
}

// record is one entry of RecordValidations inside its transaction. A
// failure leaves nothing of the entry behind (the history entry is put
// last but one, and the record after it is a plain Put).
func (s *Store) record(tx *bolt.Tx, e usecase.Recorded, report []byte, now time.Time) error {
	rec, err := s.getService(tx, e.Name)
	if err != nil {
		return err
	}
	key := nameKey(rec.Name)
	seq, err := appendHistory(tx, key, report)
	if err != nil {
		return err
	}
	// An attempt at a new secret, or a report older than the last one
	// (two engineers validating at once), stays in the history only. The
	// record keeps when its last validation ran: no report is inflated.
	if last := rec.Last.At; e.Report.Trigger != tenant.TriggerAttempt && (last == nil || !last.After(e.Report.At)) {
		rec.LastSeq = seq
		r := e.Report
		rec.Apply(&r)
		rec.LastValidation, rec.Last = nil, lastFactsOf(&r)
		if err := s.putService(tx, rec); err != nil {
			_ = tx.Bucket(bucketHistory).Delete(historyKey(key, seq))
			return err
		}
	}
	return s.audit(tx, now, usecase.ActionValidated, rec.Customer, rec.Name, usecase.DescribeValidation(e.Report))
}

// History returns a service's validation reports, newest first.
func (s *Store) History(name string) ([]tenant.ValidationReport, error) {
	return read(s, func(tx *bolt.Tx) ([]tenant.ValidationReport, error) {
		rec, err := s.getService(tx, name)
		if err != nil {
			return nil, err
		}
		out, _, err := s.reports(tx, nameKey(rec.Name))
		return out, err
	})
}

// reports are a service's validation reports, newest first, with the
// sequence number each was recorded under. Recorded order is almost
// always time order; two engineers validating at once can cross: newest
// first by time, the later recorded first among equals.
func (s *Store) reports(tx *bolt.Tx, serviceKey []byte) ([]tenant.ValidationReport, []uint64, error) {
	type entry struct {
		seq uint64
		r   tenant.ValidationReport
	}
	var entries []entry
	prefix := historyPrefix(serviceKey)
	c := tx.Bucket(bucketHistory).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := s.decodeReport(k, v)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, entry{binary.BigEndian.Uint64(k[len(prefix):]), r})
	}
	if len(entries) == 0 {
		return nil, nil, nil
	}
	slices.Reverse(entries)
	slices.SortStableFunc(entries, func(a, b entry) int { return b.r.At.Compare(a.r.At) })
	out, seqs := make([]tenant.ValidationReport, len(entries)), make([]uint64, len(entries))
	for i, e := range entries {
		out[i], seqs[i] = e.r, e.seq
	}
	return out, seqs, nil
}
