package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"onboard/tenant/usecase"
)

var _ usecase.Rekeyer = (*Store)(nil)

// Rekey re-seals every secret with the keyring's current key, one
// transaction per batch (see usecase.Rekeyer). The store must be opened
// with the new key as current and the old one among the older keys.
func (s *Store) Rekey(ctx context.Context, opts usecase.RekeyOptions) (usecase.RekeyResult, error) {
	var res usecase.RekeyResult
	size := opts.Batch()
	current := s.keys.Current().ID()
	// The new key is in use from now on: an interrupted rotation leaves
	// both keys accepted at open.
	if err := s.writeCtx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock($1)`, keysLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `insert into sealing_keys (id) values ($1) on conflict do nothing`, current)
		return err
	}); err != nil {
		return res, err
	}
	after := ""
	for {
		n, resealed := 0, 0
		var unreadable []usecase.Unreadable
		last := after
		err := s.writeCtx(ctx, func(ctx context.Context, tx pgx.Tx) error {
			n, resealed, unreadable, last = 0, 0, nil, after
			rows, _ := tx.Query(ctx, `select key, name, sealed_secret from services
				where sealed_secret is not null and key_id is distinct from $1 and key > $2
				order by key limit $3 for update`, current, after, size)
			type old struct {
				key, name string
				sealed    []byte
			}
			var olds []old
			var o old
			if _, err := pgx.ForEachRow(rows, []any{&o.key, &o.name, &o.sealed}, func() error {
				olds = append(olds, o)
				return nil
			}); err != nil {
				return err
			}
			var b pgx.Batch
			for _, o := range olds {
				n++
				last = o.key
				secret, err := s.keys.Unseal(o.name, o.sealed)
				if err != nil {
					unreadable = append(unreadable, usecase.Unreadable{Name: o.name, Err: usecase.Errorf([]error{usecase.ErrCannotUnseal}, "%v", err)})
					continue
				}
				sealed, err := s.keys.Seal(o.name, secret)
				if err != nil {
					return err
				}
				b.Queue(`update services set sealed_secret = $2, key_id = $3 where key = $1`, o.key, sealed, current)
				resealed++
			}
			if b.Len() == 0 {
				return nil
			}
			return tx.SendBatch(ctx, &b).Close()
		})
		if err != nil {
			return res, err
		}
		after = last
		res.Resealed += resealed
		res.Unreadable = append(res.Unreadable, unreadable...)
		if n == 0 {
			break
		}
		if opts.AfterBatch != nil {
			if err := opts.AfterBatch(res.Resealed); err != nil {
				return res, err
			}
		}
	}
	// The keys no secret is sealed with any more are retired.
	err := s.writeCtx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		res.KeyIDs, res.Retired = nil, nil
		if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock($1)`, keysLock); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `select distinct key_id from services where sealed_secret is not null`)
		used, err := pgx.CollectRows(rows, pgx.RowTo[*string])
		if err != nil {
			return err
		}
		keep := []string{current}
		for _, id := range used {
			if id != nil && *id != "" && !slices.Contains(keep, *id) {
				keep = append(keep, *id)
			}
			if id == nil || *id == "" { // the first format names no key: keep all
				keep = nil
				break
			}
		}
		if keep == nil {
			res.KeyIDs, err = s.keyIDs(ctx, tx)
			return err
		}
		rows, _ = tx.Query(ctx, `delete from sealing_keys where id <> all($1) returning id`, keep)
		if res.Retired, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		res.KeyIDs, err = s.keyIDs(ctx, tx)
		return err
	})
	return res, err
}
