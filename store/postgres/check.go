package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

var _ usecase.Checker = (*Store)(nil)

// Check reads every row from one snapshot (see usecase.Checker): every
// name under its own key, every service's last validation its own, its
// summary columns what its record says, every report decoded, every
// secret unsealed with the keys given and its key recorded as in use.
// The server keeps its pages itself; what it cannot read is an error.
func (s *Store) Check(ctx context.Context) (usecase.CheckResult, error) {
	return readCtx(ctx, s, func(ctx context.Context, tx pgx.Tx) (usecase.CheckResult, error) {
		var res usecase.CheckResult
		problem := func(record string, err error) {
			res.Problems = append(res.Problems, usecase.Problem{Record: record, Err: err})
		}
		ids, err := s.keyIDs(ctx, tx)
		if err != nil {
			return res, err
		}
		var key, name string
		rows, _ := tx.Query(ctx, `select key, name from customers order by key`)
		if _, err := pgx.ForEachRow(rows, []any{&key, &name}, func() error {
			res.Customers++
			if tenant.NameKey(name) != key {
				problem("customer "+name, fmt.Errorf("stored under another name's key (%q)", key))
			}
			return nil
		}); err != nil {
			return res, err
		}
		var services []row
		rows, err = tx.Query(ctx, serviceSelect+` order by s.key`)
		if err != nil {
			return res, err
		}
		for rows.Next() {
			x, report, err := scanService(rows)
			if err != nil {
				rows.Close()
				return res, err
			}
			res.Services++
			what := "service " + x.svc.Name
			if x.last != nil {
				if report == nil {
					problem(what, fmt.Errorf("its last validation (report %d) is missing", *x.last))
				} else if r, err := decodeReport(x.svc.Name, *x.last, report); err != nil {
					problem(what, err)
				} else {
					x.svc.LastValidation = &r
				}
			}
			if x.sealed != nil {
				if _, err := s.keys.Unseal(x.svc.Name, x.sealed); err != nil {
					problem(what, err)
				}
				if id := seal.KeyIDOf(x.sealed); id != "" && !slices.Contains(ids, id) {
					problem(what, fmt.Errorf("its secret is sealed with key %s, which the database does not record as in use", id))
				}
			}
			services = append(services, x)
		}
		if err := rows.Err(); err != nil {
			return res, err
		}
		// The summary columns and the keys, against what the rows say.
		rows, _ = tx.Query(ctx, `select s.key, s.last_status, s.last_at, s.tenant_name, s.expires_at, s.expiry_typed, h.service_key
			from services s left join history h on h.id = s.last_report order by s.key`)
		i := 0
		var sum tenant.Summary
		var lastOf *string
		if _, err := pgx.ForEachRow(rows, []any{&key, &sum.LastStatus, &sum.LastAt, &sum.TenantName, &sum.SecretExpiresAt, &sum.ExpiryTyped, &lastOf}, func() error {
			if i >= len(services) {
				return nil
			}
			x := services[i]
			i++
			what := "service " + x.svc.Name
			if tenant.NameKey(x.svc.Name) != key {
				problem(what, fmt.Errorf("stored under another name's key (%q)", key))
			}
			if lastOf != nil && *lastOf != key {
				problem(what, fmt.Errorf("its last validation is a report of service %q", *lastOf))
			}
			if x.last != nil && x.svc.LastValidation == nil {
				return nil // its last validation is missing or damaged, named above: the summary has nothing to be compared with
			}
			want := x.summary()
			if want.LastStatus != sum.LastStatus || !sameTime(want.LastAt, sum.LastAt) || want.TenantName != sum.TenantName ||
				!sameTime(want.SecretExpiresAt, sum.SecretExpiresAt) || want.ExpiryTyped != sum.ExpiryTyped {
				problem(what, fmt.Errorf("its summary (what lists show) differs from its record: save the service again to rewrite it"))
			}
			return nil
		}); err != nil {
			return res, err
		}
		// Every report, but for the last validations decoded above.
		var id int64
		var js []byte
		rows, _ = tx.Query(ctx, `select h.id, case when h.id = s.last_report then null else h.report end, s.name
			from history h join services s on s.key = h.service_key`)
		if _, err := pgx.ForEachRow(rows, []any{&id, &js, &name}, func() error {
			res.Reports++
			if js == nil {
				return ctx.Err()
			}
			if _, err := decodeReport(name, id, js); err != nil {
				problem(fmt.Sprintf("validation report %d of service %s", id, name), err)
			}
			return ctx.Err()
		}); err != nil {
			return res, err
		}
		if err := tx.QueryRow(ctx, `select count(*) from audit`).Scan(&res.AuditEntries); err != nil {
			return res, err
		}
		return res, nil
	})
}

// sameTime compares a time kept to the nanosecond (a report's JSON) with
// its column, which the server rounds to the microsecond.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Sub(*b).Abs() < time.Microsecond
}
