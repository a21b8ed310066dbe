package store

import (
	"bytes"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
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
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCustomers)
		key := nameKey(clean)
		if v := b.Get(key); v != nil {
			return s.existingCustomer(v, clean)
		}
		return putJSON(b, key, customerRecord{V: recordVersion, Customer: c})
	})
	if err != nil {
		return tenant.Customer{}, err
	}
	return c, nil
}

// existingCustomer names the customer that holds a name in the error, as it
// is stored (which may differ in case from what was typed).
func (s *Store) existingCustomer(v []byte, typed string) error {
	if c, err := s.decodeCustomer(v); err == nil {
		return customerExists(c.Name)
	}
	return customerExists(typed)
}

// GetCustomer finds a customer by name, ignoring case.
func (s *Store) GetCustomer(name string) (tenant.Customer, error) {
	return view(s, func(tx *bolt.Tx) (tenant.Customer, error) { return s.getCustomer(tx, name) })
}

func (s *Store) getCustomer(tx *bolt.Tx, name string) (tenant.Customer, error) {
	v := tx.Bucket(bucketCustomers).Get(nameKey(strings.TrimSpace(name)))
	if v == nil {
		return tenant.Customer{}, noCustomer(name)
	}
	return s.decodeCustomer(v)
}

// ListCustomers returns every customer, sorted by name ignoring case.
func (s *Store) ListCustomers() ([]tenant.Customer, error) {
	return view(s, func(tx *bolt.Tx) (out []tenant.Customer, err error) {
		err = tx.Bucket(bucketCustomers).ForEach(func(_, v []byte) error {
			c, err := s.decodeCustomer(v)
			out = append(out, c)
			return err
		})
		return out, err
	})
}

// RenameCustomer gives a customer a new name (cleaned, unique ignoring case;
// a change of case only is allowed). Its services follow the new name in the
// same transaction.
func (s *Store) RenameCustomer(old, new string) error {
	clean, err := tenant.CleanCustomerName(new)
	if err != nil {
		return err
	}
	now := s.stamp()
	return s.db.Update(func(tx *bolt.Tx) error {
		customers := tx.Bucket(bucketCustomers)
		c, err := s.getCustomer(tx, old)
		if err != nil {
			return err
		}
		oldKey, newKey := nameKey(c.Name), nameKey(clean)
		moved := !bytes.Equal(oldKey, newKey)
		if moved {
			if v := customers.Get(newKey); v != nil {
				return s.existingCustomer(v, clean)
			}
			if err := customers.Delete(oldKey); err != nil {
				return err
			}
		}
		c.Name, c.UpdatedAt = clean, now
		if err := putJSON(customers, newKey, customerRecord{V: recordVersion, Customer: c}); err != nil {
			return err
		}
		owners, services := tx.Bucket(bucketOwners), tx.Bucket(bucketServices)
		for _, svcKey := range serviceKeysOf(owners, oldKey) {
			v := services.Get(svcKey)
			if v == nil {
				return fmt.Errorf("rename customer %s: the index names service %q, which is missing", c.Name, svcKey)
			}
			rec, err := s.decodeService(v)
			if err != nil {
				return err
			}
			rec.Customer = clean
			if err := putPacked(services, svcKey, rec); err != nil {
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
		return nil
	})
}

// DeleteCustomer removes a customer that has no services left. While it has
// some, the error wraps ErrCustomerHasServices and names them.
func (s *Store) DeleteCustomer(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c, err := s.getCustomer(tx, name)
		if err != nil {
			return err
		}
		key := nameKey(c.Name)
		if keys := serviceKeysOf(tx.Bucket(bucketOwners), key); len(keys) > 0 {
			names := make([]string, 0, 3)
			for _, k := range keys[:min(len(keys), 3)] {
				name := string(k)
				if rec, err := s.decodeService(tx.Bucket(bucketServices).Get(k)); err == nil {
					name = rec.Name
				}
				names = append(names, name)
			}
			more := ""
			if len(keys) > 3 {
				more = ", …"
			}
			return kindErr([]error{ErrCustomerHasServices},
				"cannot delete customer %s: it still has %d service(s) (%s%s); delete or move them first",
				c.Name, len(keys), strings.Join(names, ", "), more)
		}
		return tx.Bucket(bucketCustomers).Delete(key)
	})
}

// ServicesOf returns the services of a customer, sorted by name ignoring
// case, secrets unsealed (see ListServices).
func (s *Store) ServicesOf(customer string) ([]tenant.Service, error) {
	return view(s, func(tx *bolt.Tx) ([]tenant.Service, error) {
		c, err := s.getCustomer(tx, customer)
		if err != nil {
			return nil, err
		}
		services := tx.Bucket(bucketServices)
		keys := serviceKeysOf(tx.Bucket(bucketOwners), nameKey(c.Name))
		vals := make([][]byte, len(keys))
		for i, k := range keys {
			if vals[i] = services.Get(k); vals[i] == nil {
				return nil, fmt.Errorf("services of %s: the index names service %q, which is missing", c.Name, k)
			}
		}
		return s.servicesOf(keys, vals)
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

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// putPacked stores a value packed (see pack): service records and reports.
// A value larger than a read accepts (maxValue) is refused here rather than
// written and then read back as damaged.
func putPacked(b *bolt.Bucket, key []byte, v any) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	if len(data) > maxValue {
		return fmt.Errorf("the record of %s is too large to store (%d bytes, at most %d)", key, len(data), maxValue)
	}
	return b.Put(key, pack(data))
}
