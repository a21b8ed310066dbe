package bolt

import (
	"bytes"
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"onboard/store/seal"
	"onboard/tenant/usecase"
)

var _ usecase.Rekeyer = (*Store)(nil)

// Rekey re-seals every secret with the keyring's current key, one write
// transaction per batch, walking the services in key order (see
// usecase.Rekeyer). The store must be opened with the new key as current
// and the old one among the older keys.
func (s *Store) Rekey(ctx context.Context, opts usecase.RekeyOptions) (usecase.RekeyResult, error) {
	var res usecase.RekeyResult
	size := opts.Batch()
	current := s.keys.Current().ID()
	// The new key is in use from now on: an interrupted rotation leaves
	// both keys accepted at open.
	if err := s.update(func(tx *bolt.Tx) error { return s.noteKey(tx) }); err != nil {
		return res, err
	}
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, resealed := 0, 0
		var unreadable []usecase.Unreadable
		var last []byte
		err := s.update(func(tx *bolt.Tx) error {
			n, resealed, unreadable, last = 0, 0, nil, after
			services := tx.Bucket(bucketServices)
			var keys [][]byte
			var recs []serviceRecord
			c := services.Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(keys) < size; k, v = c.Next() {
				last = bytes.Clone(k)
				rec, err := s.decodeService(k, v)
				if err != nil {
					unreadable = append(unreadable, usecase.Unreadable{Name: string(k), Err: err})
					continue
				}
				if rec.Sealed == nil || seal.KeyIDOf(rec.Sealed) == current {
					continue
				}
				keys, recs = append(keys, bytes.Clone(k)), append(recs, rec)
			}
			for i, rec := range recs {
				n++
				secret, err := s.keys.Unseal(rec.Name, rec.Sealed)
				if err != nil {
					unreadable = append(unreadable, usecase.Unreadable{Name: rec.Name, Err: usecase.Errorf([]error{usecase.ErrCannotUnseal}, "%v", err)})
					continue
				}
				if rec.Sealed, err = s.keys.Seal(rec.Name, secret); err != nil {
					return err
				}
				v, err := encodeService(rec)
				if err != nil {
					return err
				}
				if err := services.Put(keys[i], v); err != nil {
					return err
				}
				resealed++
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Resealed += resealed
		res.Unreadable = append(res.Unreadable, unreadable...)
		if last == nil || bytes.Equal(last, after) {
			break
		}
		after = last
		if n > 0 && opts.AfterBatch != nil {
			if err := opts.AfterBatch(res.Resealed); err != nil {
				return res, err
			}
		}
	}
	// The keys no secret is sealed with any more are retired.
	err := s.update(func(tx *bolt.Tx) error {
		res.KeyIDs, res.Retired = nil, nil
		keep := []string{current}
		all := false
		err := tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
			rec, err := s.decodeService(k, v)
			switch {
			case err != nil:
				all = true // unknown: retire nothing
			case rec.Sealed == nil:
			case seal.KeyIDOf(rec.Sealed) == "":
				all = true // the first format names no key
			case !slices.Contains(keep, seal.KeyIDOf(rec.Sealed)):
				keep = append(keep, seal.KeyIDOf(rec.Sealed))
			}
			return nil
		})
		if err != nil {
			return err
		}
		ids, err := s.keyIDsIn(tx)
		if err != nil {
			return err
		}
		if all {
			res.KeyIDs = ids
			return nil
		}
		for _, id := range ids {
			if slices.Contains(keep, id) {
				res.KeyIDs = append(res.KeyIDs, id)
			} else {
				res.Retired = append(res.Retired, id)
			}
		}
		return putKeyIDs(tx, res.KeyIDs)
	})
	return res, err
}
