package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// SaveCredentials gives a service a new App registration with the report
// of its validation, in one transaction on the service's locked row (see
// usecase.HistoryStore): a failure leaves the service as it was.
func (s *Store) SaveCredentials(name string, version int64, app tenant.AppRegistration, r tenant.ValidationReport) error {
	if app.Secret.IsZero() {
		return &tenant.RuleError{Field: "client secret", Rule: "the client secret is required"}
	}
	js, err := encodeReport(r)
	if err != nil {
		return fmt.Errorf("save the credentials of %s: the validation report: %w", name, err)
	}
	now := s.stamp()
	return s.write(func(ctx context.Context, tx pgx.Tx) error {
		x, err := s.rowToChange(ctx, tx, name, version)
		if err != nil {
			return err
		}
		before, replaced := x.svc.App, x.hint
		x.svc.App.TenantID, x.svc.App.ClientID, x.svc.App.AdminUser = app.TenantID, app.ClientID, app.AdminUser
		if err := s.sealInto(&x, app.Secret); err != nil {
			return err
		}
		after := x.svc.App
		after.Secret = app.Secret
		rep := r
		x.svc.Apply(&rep)
		x.svc.UpdatedAt, x.svc.UpdatedBy, x.svc.Version = now, s.actor.Engineer, x.svc.Version+1
		if err := saveLast(ctx, tx, x, r, js); err != nil {
			return err
		}
		if err := s.noteKey(ctx, tx); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, now, usecase.ActionCredentials, x.svc.Customer, x.svc.Name, usecase.DescribeCredentials(before, after, replaced)); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, usecase.ActionValidated, x.svc.Customer, x.svc.Name, usecase.DescribeValidation(r))
	})
}

// RecordValidations records many reports in one transaction and one round
// trip (see usecase.HistoryStore). The services' rows are locked in key
// order, so batches of engineers validating at once never deadlock, and a
// report older than the stored last validation goes into the history
// only. Should the server refuse the batch, each entry is tried in a
// transaction of its own, so one bad entry loses no other.
func (s *Store) RecordValidations(batch []usecase.Recorded) []error {
	errs := make([]error, len(batch))
	if len(batch) == 0 {
		return errs
	}
	encoded := make([][]byte, len(batch))
	var todo []int
	for i, e := range batch {
		var err error
		if encoded[i], err = encodeReport(e.Report); err != nil {
			errs[i] = fmt.Errorf("record the validation of %s: %w", e.Name, err)
			continue
		}
		todo = append(todo, i)
	}
	now := s.stamp()
	err := s.write(func(ctx context.Context, tx pgx.Tx) error {
		return s.record(ctx, tx, batch, encoded, todo, errs, now)
	})
	if err == nil {
		return errs
	}
	if len(todo) > 1 {
		for _, i := range todo {
			errs[i] = s.write(func(ctx context.Context, tx pgx.Tx) error {
				return s.record(ctx, tx, batch, encoded, []int{i}, errs, now)
			})
			if errs[i] != nil {
				errs[i] = fmt.Errorf("record the validation of %s: %w", batch[i].Name, errs[i])
			}
		}
		return errs
	}
	for _, i := range todo {
		if errs[i] == nil {
			errs[i] = fmt.Errorf("record the validation of %s: %w", batch[i].Name, err)
		}
	}
	return errs
}

// record writes the entries todo of a batch in one transaction: what is
// wrong with one entry (a service deleted) is its error in errs; an error
// returned fails the whole transaction.
func (s *Store) record(ctx context.Context, tx pgx.Tx, batch []usecase.Recorded, encoded [][]byte, todo []int, errs []error, now time.Time) error {
	var keys []string
	for _, i := range todo {
		keys = append(keys, tenant.NameKey(batch[i].Name))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	rows, _ := tx.Query(ctx, serviceSelectNoReport+` where s.key = any($1) order by s.key for update of s`, keys)
	services := map[string]*row{}
	lastAt := map[string]*time.Time{}
	for rows.Next() {
		x, _, err := scanService(rows)
		if err != nil {
			rows.Close()
			return err
		}
		services[tenant.NameKey(x.svc.Name)] = &x
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// When each service was last validated: a report older than that
	// goes into the history only.
	rows, _ = tx.Query(ctx, `select s.key, h.at from services s join history h on h.id = s.last_report where s.key = any($1)`, keys)
	var key string
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&key, &at}, func() error {
		t := at
		lastAt[key] = &t
		return nil
	}); err != nil {
		return err
	}
	var b pgx.Batch
	for _, i := range todo {
		e := batch[i]
		x := services[tenant.NameKey(e.Name)]
		if x == nil {
			errs[i] = fmt.Errorf("record the validation of %s: %w", e.Name, usecase.NoService(e.Name))
			continue
		}
		errs[i] = nil
		key := tenant.NameKey(x.svc.Name)
		r := e.Report
		// An attempt at a new secret, or a report older than the last
		// one (two engineers validating at once), stays in the history.
		if last := lastAt[key]; r.Trigger != tenant.TriggerAttempt && (last == nil || !last.After(r.At)) {
			rep := r
			x.svc.Apply(&rep)
			at := r.At
			lastAt[key] = &at
			b.Queue(updateServiceLast, append(rowArgs(*x), r.At, encoded[i])...)
		} else {
			b.Queue(`insert into history (service_key, at, report) values ($1, $2, $3)`, key, r.At, encoded[i])
		}
		b.Queue(insertAudit, now, s.actor.Engineer, s.actor.Host, usecase.ActionValidated, x.svc.Customer, x.svc.Name, key,
			usecase.DescribeValidation(r))
	}
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, &b).Close()
}

// History returns a service's validation reports, newest first (the
// later recorded first among equal times).
func (s *Store) History(name string) ([]tenant.ValidationReport, error) {
	return read(s, func(ctx context.Context, tx pgx.Tx) ([]tenant.ValidationReport, error) {
		var stored string
		err := tx.QueryRow(ctx, `select name from services where key = $1`, tenant.NameKey(name)).Scan(&stored)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, usecase.NoService(name)
		}
		if err != nil {
			return nil, err
		}
		rows, _ := tx.Query(ctx, `select id, report from history where service_key = $1 order by at desc, id desc`, tenant.NameKey(name))
		var out []tenant.ValidationReport
		var id int64
		var js []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &js}, func() error {
			r, err := decodeReport(stored, id, js)
			out = append(out, r)
			return err
		})
		return out, err
	})
}
