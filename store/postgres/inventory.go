package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"onboard/store/bolt"
	"onboard/store/internal/imports"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

var (
	_ usecase.Inventory = (*Store)(nil)
	_ usecase.Backuper  = (*Store)(nil)
	_ usecase.Importer  = (*Store)(nil)
)

// ReadInventory reads the whole database from one snapshot (a read-only
// repeatable-read transaction), secrets still sealed (see
// usecase.Inventory). Services are read first, then their histories in
// one ordered pass, then the audit trail.
func (s *Store) ReadInventory(ctx context.Context, v usecase.InventoryVisitor) error {
	_, err := readCtx(ctx, s, func(ctx context.Context, tx pgx.Tx) (struct{}, error) {
		var none struct{}
		ids, err := s.keyIDs(ctx, tx)
		if err != nil {
			return none, err
		}
		if v.KeyIDs != nil {
			if err := v.KeyIDs(ids); err != nil {
				return none, err
			}
		}
		rows, _ := tx.Query(ctx, `select name, created_at, updated_at from customers order by key`)
		customers, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tenant.Customer, error) {
			var c tenant.Customer
			err := r.Scan(&c.Name, &c.CreatedAt, &c.UpdatedAt)
			return c, err
		})
		if err != nil {
			return none, err
		}
		for _, c := range customers {
			if v.Customer != nil {
				if err := v.Customer(c); err != nil {
					return none, err
				}
			}
		}
		var services []row
		rows, err = tx.Query(ctx, serviceSelectNoReport+` order by s.key`)
		if err != nil {
			return none, err
		}
		for rows.Next() {
			x, _, err := scanService(rows)
			if err != nil {
				rows.Close()
				return none, err
			}
			services = append(services, x)
		}
		if err := rows.Err(); err != nil {
			return none, err
		}
		// The histories in the services' order, merged as they come.
		hrows, err := tx.Query(ctx, `select service_key, id, report from history order by service_key, at desc, id desc`)
		if err != nil {
			return none, err
		}
		defer hrows.Close()
		pending, more := nextHistory(hrows)
		for _, x := range services {
			key := tenant.NameKey(x.svc.Name)
			ss := usecase.SealedService{Service: x.svc, Sealed: x.sealed, Hint: x.hint, Last: -1}
			for more && pending.key < key {
				pending, more = nextHistory(hrows) // a history without its service cannot be: skip
			}
			for more && pending.key == key {
				r, err := decodeReport(x.svc.Name, pending.id, pending.report)
				if err != nil {
					return none, err
				}
				if x.last != nil && *x.last == pending.id {
					ss.Last = len(ss.History)
				}
				ss.History = append(ss.History, r)
				pending, more = nextHistory(hrows)
			}
			if ss.Last >= 0 {
				last := ss.History[ss.Last]
				ss.Service.LastValidation = &last
			}
			if v.Service != nil {
				if err := v.Service(ss); err != nil {
					return none, err
				}
			}
		}
		if err := hrows.Err(); err != nil {
			return none, err
		}
		hrows.Close()
		rows, err = tx.Query(ctx, `select at, engineer, host, action, customer, service, detail from audit order by at, id`)
		if err != nil {
			return none, err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return none, err
			}
			if v.AuditItem != nil {
				if err := v.AuditItem(e); err != nil {
					return none, err
				}
			}
		}
		return none, rows.Err()
	})
	return err
}

type historyRow struct {
	key    string
	id     int64
	report []byte
}

func nextHistory(rows pgx.Rows) (historyRow, bool) {
	if !rows.Next() {
		return historyRow{}, false
	}
	var h historyRow
	if err := rows.Scan(&h.key, &h.id, &h.report); err != nil {
		return historyRow{}, false
	}
	return h, true
}

// Backup writes the database's content into a new bbolt file (0600) that
// onboard opens with the team key: a team's offline copy. The copy is
// read from one snapshot while others keep working; the secrets stay
// sealed (the key is not in the file: keep it apart).
func (s *Store) Backup(ctx context.Context, path string) (usecase.BackupResult, error) {
	return bolt.Restore(ctx, path, bolt.Options{Keys: s.keys, Actor: s.actor}, s)
}

// ImportServices saves services copied from another store, each with its
// plain secret sealed with this store's key and its whole history, in one
// transaction and one round trip per batch (see usecase.Importer). Names
// taken and customers missing are found first; should the server still
// refuse the batch (a teammate adding the same name meanwhile), each
// service is tried in a transaction of its own.
func (s *Store) ImportServices(ctx context.Context, batch []usecase.Imported) []error {
	now := s.stamp()
	ready, errs := imports.Prepare(batch, now, s.actor.Engineer, s.keys, encodeReport)
	write := func(ctx context.Context, tx pgx.Tx, todo []int) error {
		var keys, customers []string
		for _, i := range todo {
			keys = append(keys, tenant.NameKey(ready[i].Service.Name))
			customers = append(customers, tenant.NameKey(ready[i].Service.Customer))
		}
		taken := map[string]string{}
		rows, _ := tx.Query(ctx, `select key, name from services where key = any($1)`, keys)
		var k, n string
		if _, err := pgx.ForEachRow(rows, []any{&k, &n}, func() error { taken[k] = n; return nil }); err != nil {
			return err
		}
		names := map[string]string{}
		rows, _ = tx.Query(ctx, `select key, name from customers where key = any($1)`, customers)
		if _, err := pgx.ForEachRow(rows, []any{&k, &n}, func() error { names[k] = n; return nil }); err != nil {
			return err
		}
		var b pgx.Batch
		sealed := false
		for _, i := range todo {
			p := ready[i]
			x := row{svc: p.Service, sealed: p.Sealed, hint: p.Hint}
			key := tenant.NameKey(x.svc.Name)
			errs[i] = nil
			if stored, ok := taken[key]; ok {
				errs[i] = usecase.ServiceExists(stored)
				continue
			}
			customer, ok := names[tenant.NameKey(x.svc.Customer)]
			if !ok {
				errs[i] = usecase.MissingCustomer(x.svc.Customer)
				continue
			}
			taken[key] = x.svc.Name // the same name twice in one batch
			x.svc.Customer = customer
			b.Queue(insertService, rowArgs(x)...)
			for j := len(p.Reports) - 1; j >= 0; j-- {
				if j == p.Last {
					b.Queue(updateServiceLast, append(rowArgs(x), batch[i].History[j].At, p.Reports[j])...)
				} else {
					b.Queue(`insert into history (service_key, at, report) values ($1, $2, $3)`, key, batch[i].History[j].At, p.Reports[j])
				}
			}
			b.Queue(insertAudit, now, s.actor.Engineer, s.actor.Host, usecase.ActionServiceCopied, customer, x.svc.Name, key, p.Detail)
			sealed = sealed || x.sealed != nil
		}
		if sealed {
			if err := s.noteKey(ctx, tx); err != nil {
				return err
			}
		}
		if b.Len() == 0 {
			return nil
		}
		return tx.SendBatch(ctx, &b).Close()
	}
	var todo []int
	for i, p := range ready {
		if p != nil {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return errs
	}
	err := s.writeCtx(ctx, func(ctx context.Context, tx pgx.Tx) error { return write(ctx, tx, todo) })
	if err == nil {
		return errs
	}
	for _, i := range todo {
		if len(todo) == 1 {
			errs[i] = err
			break
		}
		if werr := s.writeCtx(ctx, func(ctx context.Context, tx pgx.Tx) error { return write(ctx, tx, []int{i}) }); werr != nil {
			errs[i] = werr
		}
	}
	for _, i := range todo {
		if errs[i] != nil && isUnique(errs[i]) {
			errs[i] = s.existingService(ready[i].Service.Name)
		}
	}
	return errs
}
