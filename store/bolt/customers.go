package bolt

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// CreateCustomer adds a customer. The name is cleaned by
// tenant.CleanCustomerName and must be unique ignoring case.
func (s *Store) CreateCustomer(name string) (tenant.Customer, error) {
	clean, err := tenant.CleanCustomerName(name)
	if err != nil {
		return tenant.Customer{}, err
	}
	now := s.stamp()
	c := tenant.Customer{Name: clean, CreatedAt: now, UpdatedAt: now}
	err = s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCustomers)
		key := nameKey(clean)
		if v := b.Get(key); v != nil {
			return s.existingCustomer(key, v, clean)
		}
		if err := putCustomer(b, key, c); err != nil {
			return err
		}
		return s.audit(tx, now, usecase.ActionCustomerAdded, clean, "", "")
	})
	if err != nil {
		return tenant.Customer{}, err
	}
	return c, nil
}

// existingCustomer names the customer that holds a name as it is stored
// (which may differ in case from what was typed).
func (s *Store) existingCustomer(key, v []byte, typed string) error {
	if c, err := s.decodeCustomer(key, v); err == nil {
		return usecase.CustomerExists(c.Name)
	}
	return usecase.CustomerExists(typed)
}

// GetCustomer finds a customer by name, ignoring case.
func (s *Store) GetCustomer(name string) (tenant.Customer, error) {
	return read(s, func(tx *bolt.Tx) (tenant.Customer, error) { return s.getCustomer(tx, name) })
}

func (s *Store) getCustomer(tx *bolt.Tx, name string) (tenant.Customer, error) {
	key := nameKey(strings.TrimSpace(name))
	v := tx.Bucket(bucketCustomers).Get(key)
	if v == nil {
		return tenant.Customer{}, usecase.NoCustomer(name)
	}
	return s.decodeCustomer(key, v)
}

// ListCustomers returns every customer, sorted by name ignoring case (the
// bucket's key order).
func (s *Store) ListCustomers() ([]tenant.Customer, error) {
	return read(s, func(tx *bolt.Tx) (out []tenant.Customer, err error) {
		err = tx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
			c, err := s.decodeCustomer(k, v)
			out = append(out, c)
			return err
		})
		return out, err
	})
}

// RenameCustomer gives a customer a new name (cleaned, unique ignoring
// case; a change of case only is allowed). Its services follow the new
// name in the same transaction.
func (s *Store) RenameCustomer(old, new string) error {
	clean, err := tenant.CleanCustomerName(new)
	if err != nil {
		return err
	}
	now := s.stamp()
	return s.update(func(tx *bolt.Tx) error {
		customers := tx.Bucket(bucketCustomers)
		c, err := s.getCustomer(tx, old)
		if err != nil {
			return err
		}
		oldKey, newKey := nameKey(c.Name), nameKey(clean)
		moved := !bytes.Equal(oldKey, newKey)
		if moved {
			if v := customers.Get(newKey); v != nil {
				return s.existingCustomer(newKey, v, clean)
			}
			if err := customers.Delete(oldKey); err != nil {
				return err
			}
		}
		was := c.Name
		c.Name, c.UpdatedAt = clean, now
		if err := putCustomer(customers, newKey, c); err != nil {
			return err
		}
		owners := tx.Bucket(bucketOwners)
		for _, svcKey := range serviceKeysOf(owners, oldKey) {
			rec, err := s.getService(tx, string(svcKey))
			if err != nil {
				return fmt.Errorf("rename customer %s: %w", was, err)
			}
			rec.Customer = clean
			if err := s.putService(tx, rec); err != nil {
				return err
			}
			if moved {
				if err := owners.Delete(ownerKey(oldKey, svcKey)); err != nil {
					return err
				}
				if err := owners.Put(ownerKey(newKey, svcKey), nil); err != nil {
					return err
				}
			}
		}
		return s.audit(tx, now, usecase.ActionCustomerRenamed, clean, "", was+" → "+clean)
	})
}

// DeleteCustomer removes a customer that has no services left. While it
// has some, the error wraps usecase.ErrCustomerHasServices and names them.
func (s *Store) DeleteCustomer(name string) error {
	now := s.stamp()
	return s.update(func(tx *bolt.Tx) error {
		c, err := s.getCustomer(tx, name)
		if err != nil {
			return err
		}
		key := nameKey(c.Name)
		if keys := serviceKeysOf(tx.Bucket(bucketOwners), key); len(keys) > 0 {
			names := make([]string, 0, 3)
			for _, k := range keys[:min(len(keys), 3)] {
				n := string(k)
				if rec, err := s.getService(tx, n); err == nil {
					n = rec.Name
				}
				names = append(names, n)
			}
			return usecase.HasServices(c.Name, names, len(keys))
		}
		if err := tx.Bucket(bucketCustomers).Delete(key); err != nil {
			return err
		}
		return s.audit(tx, now, usecase.ActionCustomerDeleted, c.Name, "", "")
	})
}

// serviceKeysOf lists the keys of a customer's services from the owners
// index, copied out of the transaction's memory.
func serviceKeysOf(owners *bolt.Bucket, customerKey []byte) [][]byte {
	prefix := ownerPrefix(customerKey)
	keys := keysWithPrefix(owners, prefix)
	for i, k := range keys {
		keys[i] = k[len(prefix):]
	}
	return keys
}

// keysWithPrefix lists a bucket's keys that start with prefix, copied out
// of the transaction's memory: collected first, so the caller may then
// change the bucket (it must not change under its own cursor).
func keysWithPrefix(b *bolt.Bucket, prefix []byte) [][]byte {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// putCustomer writes a customer's record under key.
func putCustomer(b *bolt.Bucket, key []byte, c tenant.Customer) error {
	data, err := encodeCustomer(c)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// audit appends an entry to the audit trail inside a write transaction.
func (s *Store) audit(tx *bolt.Tx, at time.Time, action, customer, service, detail string) error {
	return appendAudit(tx, usecase.AuditEntry{
		At: at, Engineer: s.actor.Engineer, Host: s.actor.Host,
		Action: action, Customer: customer, Service: service, Detail: detail,
	})
}

func appendAudit(tx *bolt.Tx, e usecase.AuditEntry) error {
	b := tx.Bucket(bucketAudit)
	b.FillPercent = auditFill
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := encodeAudit(e)
	if err != nil {
		return err
	}
	return b.Put(seqKey(seq), v)
}

// Audit lists the audit trail, newest first, filtered by service (ignoring
// case) and start time.
func (s *Store) Audit(f usecase.AuditFilter) ([]usecase.AuditEntry, error) {
	want := tenant.NameKey(f.Service)
	return read(s, func(tx *bolt.Tx) (out []usecase.AuditEntry, err error) {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			e, err := s.decodeAudit(k, v)
			if err != nil {
				return nil, err
			}
			if !f.Since.IsZero() && e.At.Before(f.Since) {
				break // entries are in time order
			}
			if f.Service != "" && tenant.NameKey(e.Service) != want {
				continue
			}
			out = append(out, e)
		}
		return out, nil
	})
}
