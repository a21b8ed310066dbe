package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
)

// keysLock serialises changes to the key IDs in use (the first key of a
// new database, a rotation's new key, its end).
const keysLock = int64(0x6f6e626f61726402) // "onboard" 02

// keyIDs are the IDs of the keys the stored secrets were sealed with.
func (s *Store) keyIDs(ctx context.Context, q querier) ([]string, error) {
	rows, _ := q.Query(ctx, `select id from sealing_keys order by since, id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.fail(err)
	}
	return ids, nil
}

// noteKey records, inside the transaction that seals a secret, that the
// current key is in use. A database whose secrets none of this store's
// keys sealed refuses it (seal.ErrWrongKey): the team rotated its key
// after this store was opened, and a secret sealed now with the old key
// would be one nobody else can read.
func (s *Store) noteKey(ctx context.Context, tx pgx.Tx) error {
	id := s.keys.Current().ID()
	var have bool
	if err := tx.QueryRow(ctx, `select exists (select 1 from sealing_keys where id = $1)`, id).Scan(&have); err != nil || have {
		return err
	}
	if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock($1)`, keysLock); err != nil {
		return err
	}
	inUse, err := s.keyIDs(ctx, tx)
	if err != nil {
		return err
	}
	if err := s.keys.CheckInUse(inUse, s.where); err != nil {
		return err
	}
	if slices.Contains(inUse, id) {
		return nil
	}
	_, err = tx.Exec(ctx, `insert into sealing_keys (id) values ($1) on conflict do nothing`, id)
	return err
}
