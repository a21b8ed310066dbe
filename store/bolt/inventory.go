package bolt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	bolt "go.etcd.io/bbolt"

	"onboard/store/internal/imports"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Whole inventories in and out of a bbolt file: the backup of either
// backend (a consistent copy of this file, or PostgreSQL's content written
// into a new one), reading one as it is stored, and importing services
// copied from another store.

var (
	_ usecase.Inventory = (*Store)(nil)
	_ usecase.Backuper  = (*Store)(nil)
	_ usecase.Importer  = (*Store)(nil)
)

// ReadInventory reads the whole database in one read transaction, secrets
// still sealed (see usecase.Inventory).
func (s *Store) ReadInventory(ctx context.Context, v usecase.InventoryVisitor) error {
	return s.view(func(tx *bolt.Tx) error {
		ids, err := s.keyIDsIn(tx)
		if err != nil {
			return err
		}
		if v.KeyIDs != nil {
			if err := v.KeyIDs(ids); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketCustomers).ForEach(func(k, raw []byte) error {
			c, err := s.decodeCustomer(k, raw)
			if err == nil && v.Customer != nil {
				err = v.Customer(c)
			}
			return err
		}); err != nil {
			return err
		}
		if err := tx.Bucket(bucketServices).ForEach(func(k, raw []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			ss, err := s.sealedService(tx, k, raw)
			if err == nil && v.Service != nil {
				err = v.Service(ss)
			}
			return err
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketAudit).ForEach(func(k, raw []byte) error {
			e, err := s.decodeAudit(k, raw)
			if err != nil {
				return err
			}
			if v.AuditItem != nil {
				return v.AuditItem(e)
			}
			return nil
		})
	})
}

// sealedService is a stored service with its whole history, newest first.
func (s *Store) sealedService(tx *bolt.Tx, k, raw []byte) (usecase.SealedService, error) {
	rec, err := s.decodeService(k, raw)
	if err != nil {
		return usecase.SealedService{}, err
	}
	history, seqs, err := s.reports(tx, k)
	if err != nil {
		return usecase.SealedService{}, err
	}
	ss := usecase.SealedService{Service: rec.Service, Sealed: rec.Sealed, Hint: rec.Hint, History: history, Last: slices.Index(seqs, rec.LastSeq)}
	ss.Service.App.Secret, ss.Service.LastValidation = tenant.Secret{}, nil
	if rec.LastSeq != 0 && ss.Last < 0 {
		return usecase.SealedService{}, usecase.Errorf([]error{usecase.ErrDamaged}, "the last validation of service %s is missing from %s", rec.Name, s.path)
	}
	if ss.Last >= 0 {
		last := ss.History[ss.Last]
		ss.Service.LastValidation = &last
	}
	return ss, nil
}

// Backup writes a consistent copy of the database to a new file (0600)
// from a read transaction: other readers and writers go on meanwhile. An
// existing file is never overwritten.
func (s *Store) Backup(ctx context.Context, path string) (usecase.BackupResult, error) {
	res := usecase.BackupResult{Path: path}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return res, backupError(path, err)
	}
	err = s.view(func(tx *bolt.Tx) error {
		res.Customers = tx.Bucket(bucketCustomers).Stats().KeyN
		res.Services = tx.Bucket(bucketServices).Stats().KeyN
		res.Reports = tx.Bucket(bucketHistory).Stats().KeyN
		res.AuditEntries = tx.Bucket(bucketAudit).Stats().KeyN
		n, err := tx.WriteTo(f)
		res.Bytes = n
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return usecase.BackupResult{}, fmt.Errorf("back up %s to %s: %w", s.path, path, err)
	}
	return res, nil
}

func backupError(path string, err error) error {
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("back up to %s: the file exists; give a new file name (a backup never overwrites one)", path)
	}
	return fmt.Errorf("back up to %s: %w", path, err)
}

// Restore writes an inventory, as it is stored (secrets still sealed),
// into a new bbolt file at path (0600): the offline copy of a PostgreSQL
// database (postgres's Backup) or of another file. opts.Keys must be a
// key the secrets were sealed with, as for Open. An existing file is never
// overwritten; a failure leaves no file behind.
func Restore(ctx context.Context, path string, opts Options, from usecase.Inventory) (res usecase.BackupResult, err error) {
	res.Path = path
	if _, err := os.Stat(path); err == nil {
		return res, backupError(path, fs.ErrExist)
	}
	st, err := Open(path, opts)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(path)
			return
		}
		if fi, serr := os.Stat(path); serr == nil {
			res.Bytes = fi.Size()
		}
	}()
	// The file is a copy only once it is whole (a failure removes it):
	// its commits skip their fsync, and it is synced once at the end.
	st.db.NoSync = true
	const batch = 500
	var customers []tenant.Customer
	var services []usecase.SealedService
	var audit []usecase.AuditEntry
	flush := func() error {
		if len(customers) == 0 && len(services) == 0 && len(audit) == 0 {
			return nil
		}
		err := st.update(func(tx *bolt.Tx) error {
			for _, c := range customers {
				if err := putCustomer(tx.Bucket(bucketCustomers), nameKey(c.Name), c); err != nil {
					return err
				}
			}
			for _, ss := range services {
				if err := st.restoreService(tx, ss); err != nil {
					return err
				}
			}
			for _, e := range audit {
				if err := appendAudit(tx, e); err != nil {
					return err
				}
			}
			return nil
		})
		customers, services, audit = customers[:0], services[:0], audit[:0]
		return err
	}
	err = from.ReadInventory(ctx, usecase.InventoryVisitor{
		KeyIDs: func(ids []string) error {
			return st.update(func(tx *bolt.Tx) error { return putKeyIDs(tx, ids) })
		},
		Customer: func(c tenant.Customer) error {
			res.Customers++
			if customers = append(customers, c); len(customers) >= 20*batch {
				return flush()
			}
			return nil
		},
		Service: func(ss usecase.SealedService) error {
			res.Services++
			res.Reports += len(ss.History)
			if services = append(services, ss); len(services) >= batch {
				return flush()
			}
			return nil
		},
		AuditItem: func(e usecase.AuditEntry) error {
			res.AuditEntries++
			if audit = append(audit, e); len(audit) >= 20*batch {
				return flush()
			}
			return nil
		},
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = st.db.Sync()
	}
	if err != nil {
		return res, fmt.Errorf("write %s: %w", path, err)
	}
	return res, nil
}

// restoreService writes a service as stored, with its history (oldest
// first, so the sequence keeps the recorded order) and its owner entry.
func (s *Store) restoreService(tx *bolt.Tx, ss usecase.SealedService) error {
	key := nameKey(ss.Service.Name)
	rec := serviceRecord{Service: ss.Service, Sealed: ss.Sealed, Hint: ss.Hint}
	rec.App.Secret, rec.LastValidation = tenant.Secret{}, nil
	for i := len(ss.History) - 1; i >= 0; i-- {
		enc, err := encodeReport(ss.History[i])
		if err != nil {
			return fmt.Errorf("service %s: %w", ss.Service.Name, err)
		}
		seq, err := appendHistory(tx, key, enc)
		if err != nil {
			return err
		}
		if i == ss.Last {
			rec.LastSeq, rec.Last = seq, lastFactsOf(&ss.History[i])
		}
	}
	if err := s.putService(tx, rec); err != nil {
		return err
	}
	return tx.Bucket(bucketOwners).Put(ownerKey(nameKey(rec.Customer), key), nil)
}

// ImportServices saves services copied from another store, each with its
// plain secret sealed with this store's key and its whole history, in one
// write transaction (see usecase.Importer).
func (s *Store) ImportServices(ctx context.Context, batch []usecase.Imported) []error {
	now := s.stamp()
	ready, errs := imports.Prepare(batch, now, s.actor.Engineer, s.keys, encodeReport)
	err := s.update(func(tx *bolt.Tx) error {
		for i, p := range ready {
			if p == nil {
				continue
			}
			errs[i] = nil
			rec := serviceRecord{Service: p.Service, Sealed: p.Sealed, Hint: p.Hint}
			key := nameKey(rec.Name)
			if errs[i] = s.nameFree(tx, rec.Name); errs[i] != nil {
				continue
			}
			customer, err := s.customerOf(tx, rec.Customer)
			if err != nil {
				errs[i] = err
				continue
			}
			rec.Customer = customer
			for j := len(p.Reports) - 1; j >= 0; j-- {
				seq, err := appendHistory(tx, key, p.Reports[j])
				if err != nil {
					return err
				}
				if j == p.Last {
					rec.LastSeq, rec.Last = seq, lastFactsOf(p.Service.LastValidation)
				}
			}
			if err := s.insertService(tx, rec); err != nil {
				return err
			}
			if err := s.audit(tx, now, usecase.ActionServiceCopied, customer, rec.Name, p.Detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("copy service %s: %w", batch[i].Service.Name, err)
			}
		}
	}
	return errs
}
