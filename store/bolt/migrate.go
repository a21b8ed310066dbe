package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// v1Service is a service record as schema 1 stored it: the service with
// its newest report inline, packed (legacy.go).
type v1Service struct {
	V int `json:"v"`
	tenant.Service
	Sealed []byte `json:"sealedSecret,omitempty"`
}

// migrateV1 rewrites a schema-1 database as schema 2 in one transaction:
// a crash leaves it as it was. Records take the binary format (bin.go),
// every report moves to the history (compressed), and the key
// that opens the secrets is recorded — a key that opens none is refused
// before anything is rewritten.
func (s *Store) migrateV1() error {
	err := s.update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketAudit); err != nil {
			return err
		}
		history := tx.Bucket(bucketHistory)
		// Archived reports: unpack and compress in place.
		var hkeys, hvals [][]byte
		if err := history.ForEach(func(k, v []byte) error {
			hkeys, hvals = append(hkeys, bytes.Clone(k)), append(hvals, bytes.Clone(v))
			return nil
		}); err != nil {
			return err
		}
		for i, k := range hkeys {
			js, err := unpackedV1(hvals[i])
			if err != nil {
				return usecase.Errorf([]error{usecase.ErrDamaged}, "migrate %s: validation report %q is damaged (%v)", s.path, k, err)
			}
			var r struct {
				V int `json:"v"`
				tenant.ValidationReport
			}
			if err := json.Unmarshal(js, &r); err != nil {
				return usecase.Errorf([]error{usecase.ErrDamaged}, "migrate %s: validation report %q is damaged (%v)", s.path, k, err)
			}
			groupChecks(&r.ValidationReport)
			enc, err := encodeReport(r.ValidationReport)
			if err != nil {
				return err
			}
			if err := history.Put(k, enc); err != nil {
				return err
			}
		}
		// Services: the inline report becomes the newest history entry.
		services := tx.Bucket(bucketServices)
		var skeys, svals [][]byte
		if err := services.ForEach(func(k, v []byte) error {
			skeys, svals = append(skeys, bytes.Clone(k)), append(svals, bytes.Clone(v))
			return nil
		}); err != nil {
			return err
		}
		sealed := false
		for i, k := range skeys {
			js, err := unpackedV1(svals[i])
			if err != nil {
				return usecase.Errorf([]error{usecase.ErrDamaged}, "migrate %s: service %q is damaged (%v)", s.path, k, err)
			}
			var old v1Service
			if err := json.Unmarshal(js, &old); err != nil {
				return usecase.Errorf([]error{usecase.ErrDamaged}, "migrate %s: service %q is damaged (%v)", s.path, k, err)
			}
			rec := serviceRecord{Service: old.Service, Sealed: old.Sealed}
			rec.Version = 1
			if old.Sealed != nil {
				secret, err := s.keys.Unseal(old.Name, old.Sealed)
				if err != nil {
					return usecase.Errorf([]error{usecase.ErrCannotUnseal},
						"cannot upgrade %s: the key given does not open the client secret of service %s (%v): give the key this database was used with", s.path, old.Name, err)
				}
				// Sealed again with the current key, in the format that
				// names its key: the key recorded as in use is then the
				// one that sealed every secret, even when an older key of
				// the keyring opened them.
				if rec.Sealed, err = s.keys.Seal(old.Name, secret); err != nil {
					return err
				}
				rec.Hint = secret.Masked()
				sealed = true
			}
			if r := old.LastValidation; r != nil {
				groupChecks(r)
				enc, err := encodeReport(*r)
				if err != nil {
					return err
				}
				if rec.LastSeq, err = appendHistory(tx, k, enc); err != nil {
					return err
				}
				rec.Last = lastFactsOf(r)
			}
			rec.LastValidation = nil
			if err := s.putService(tx, rec); err != nil {
				return err
			}
		}
		// Customers: the same JSON, the new record version.
		customers := tx.Bucket(bucketCustomers)
		var ckeys [][]byte
		var cs []tenant.Customer
		if err := customers.ForEach(func(k, v []byte) error {
			var c customerRecord
			if err := json.Unmarshal(v, &c); err != nil {
				return usecase.Errorf([]error{usecase.ErrDamaged}, "migrate %s: customer %q is damaged (%v)", s.path, k, err)
			}
			ckeys, cs = append(ckeys, bytes.Clone(k)), append(cs, c.Customer)
			return nil
		}); err != nil {
			return err
		}
		for i, k := range ckeys {
			if err := putCustomer(customers, k, cs[i]); err != nil {
				return err
			}
		}
		if sealed {
			if err := s.noteKey(tx); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion))
	})
	if err != nil {
		return fmt.Errorf("upgrade the database %s to schema %d: %w", s.path, SchemaVersion, err)
	}
	return nil
}

// groupChecks gives schema 1's checks, which had no group, the group of
// their name, as the validator does: what reads a report's groups (whether
// its credentials work, the roles a service page shows) reads them right.
func groupChecks(r *tenant.ValidationReport) {
	for i, c := range r.Checks {
		r.Checks[i].Group = c.InGroup()
	}
}
