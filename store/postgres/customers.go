package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// CreateCustomer adds a customer. The name is cleaned by
// tenant.CleanCustomerName and must be unique ignoring case (the primary
// key is its tenant.NameKey).
func (s *Store) CreateCustomer(name string) (tenant.Customer, error) {
	clean, err := tenant.CleanCustomerName(name)
	if err != nil {
		return tenant.Customer{}, err
	}
	now := s.stamp()
	c := tenant.Customer{Name: clean, CreatedAt: now, UpdatedAt: now}
	err = s.write(func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `insert into customers (key, name, created_at, updated_at) values ($1, $2, $3, $3)`,
			tenant.NameKey(clean), clean, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, usecase.ActionCustomerAdded, clean, "", "")
	})
	if isUnique(err) {
		return tenant.Customer{}, s.existingCustomer(clean)
	}
	if err != nil {
		return tenant.Customer{}, err
	}
	return c, nil
}

// existingCustomer names the customer that holds a name as it is stored.
func (s *Store) existingCustomer(typed string) error {
	if c, err := s.GetCustomer(typed); err == nil {
		return usecase.CustomerExists(c.Name)
	}
	return usecase.CustomerExists(typed)
}

// isUnique reports a unique violation (a name taken by a racing writer).
func isUnique(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// isForeignKey reports a foreign key violation.
func isForeignKey(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

// GetCustomer finds a customer by name, ignoring case.
func (s *Store) GetCustomer(name string) (tenant.Customer, error) {
	return read(s, func(ctx context.Context, tx pgx.Tx) (tenant.Customer, error) {
		return getCustomer(ctx, tx, name, false)
	})
}

func getCustomer(ctx context.Context, q querier, name string, lock bool) (tenant.Customer, error) {
	sql := `select name, created_at, updated_at from customers where key = $1`
	if lock {
		sql += " for update"
	}
	var c tenant.Customer
	err := q.QueryRow(ctx, sql, tenant.NameKey(strings.TrimSpace(name))).Scan(&c.Name, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return tenant.Customer{}, usecase.NoCustomer(name)
	}
	return c, err
}

// ListCustomers returns every customer, sorted by name ignoring case.
func (s *Store) ListCustomers() ([]tenant.Customer, error) {
	return read(s, func(ctx context.Context, tx pgx.Tx) ([]tenant.Customer, error) {
		rows, _ := tx.Query(ctx, `select name, created_at, updated_at from customers order by key`)
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (tenant.Customer, error) {
			var c tenant.Customer
			err := r.Scan(&c.Name, &c.CreatedAt, &c.UpdatedAt)
			return c, err
		})
	})
}

// RenameCustomer gives a customer a new name (cleaned, unique ignoring
// case; a change of case only is allowed). Its services follow: they
// refer to the customer by its key, which the foreign key carries along.
func (s *Store) RenameCustomer(old, new string) error {
	clean, err := tenant.CleanCustomerName(new)
	if err != nil {
		return err
	}
	now := s.stamp()
	err = s.write(func(ctx context.Context, tx pgx.Tx) error {
		c, err := getCustomer(ctx, tx, old, true)
		if err != nil {
			return err
		}
		oldKey, newKey := tenant.NameKey(c.Name), tenant.NameKey(clean)
		if oldKey != newKey {
			if taken, err := getCustomer(ctx, tx, clean, false); err == nil {
				return usecase.CustomerExists(taken.Name)
			}
		}
		if _, err := tx.Exec(ctx, `update customers set key = $2, name = $3, updated_at = $4 where key = $1`, oldKey, newKey, clean, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, usecase.ActionCustomerRenamed, clean, "", c.Name+" → "+clean)
	})
	if isUnique(err) {
		return s.existingCustomer(clean)
	}
	return err
}

// DeleteCustomer removes a customer that has no services left. While it
// has some, the error wraps usecase.ErrCustomerHasServices and names them;
// the foreign key refuses it too, should a service arrive meanwhile.
func (s *Store) DeleteCustomer(name string) error {
	now := s.stamp()
	var stored string
	err := s.write(func(ctx context.Context, tx pgx.Tx) error {
		c, err := getCustomer(ctx, tx, name, true)
		if err != nil {
			return err
		}
		stored = c.Name
		if err := hasServices(ctx, tx, c.Name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `delete from customers where key = $1`, tenant.NameKey(c.Name)); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, usecase.ActionCustomerDeleted, c.Name, "", "")
	})
	if isForeignKey(err) {
		ctx, cancel := s.ctx()
		defer cancel()
		if herr := hasServices(ctx, s.pool, stored); herr != nil {
			return herr
		}
	}
	return err
}

// hasServices is usecase.HasServices when the customer has services.
func hasServices(ctx context.Context, q querier, customer string) error {
	rows, _ := q.Query(ctx, `select name, count(*) over () from services where customer_key = $1 order by key limit 3`, tenant.NameKey(customer))
	var names []string
	var name string
	var total int
	if _, err := pgx.ForEachRow(rows, []any{&name, &total}, func() error {
		names = append(names, name)
		return nil
	}); err != nil {
		return err
	}
	if total == 0 {
		return nil
	}
	return usecase.HasServices(customer, names, total)
}

// audit appends an entry to the audit trail inside a write transaction.
func (s *Store) audit(ctx context.Context, tx pgx.Tx, at time.Time, action, customer, service, detail string) error {
	_, err := tx.Exec(ctx, insertAudit, at, s.actor.Engineer, s.actor.Host, action, customer, service, tenant.NameKey(service), detail)
	return err
}

const insertAudit = `insert into audit (at, engineer, host, action, customer, service, service_key, detail) values ($1, $2, $3, $4, $5, $6, $7, $8)`

// Audit lists the audit trail, newest first, filtered by service (ignoring
// case) and start time.
func (s *Store) Audit(f usecase.AuditFilter) ([]usecase.AuditEntry, error) {
	var since *time.Time
	if !f.Since.IsZero() {
		since = &f.Since
	}
	return read(s, func(ctx context.Context, tx pgx.Tx) ([]usecase.AuditEntry, error) {
		rows, _ := tx.Query(ctx, `select at, engineer, host, action, customer, service, detail from audit
			where ($1 = '' or service_key = $1) and ($2::timestamptz is null or at >= $2)
			order by at desc, id desc`, tenant.NameKey(f.Service), since)
		return pgx.CollectRows(rows, scanAudit)
	})
}

func scanAudit(r pgx.CollectableRow) (usecase.AuditEntry, error) {
	var e usecase.AuditEntry
	err := r.Scan(&e.At, &e.Engineer, &e.Host, &e.Action, &e.Customer, &e.Service, &e.Detail)
	return e, err
}
