package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	bolt "go.etcd.io/bbolt"

	"onboard/store/seal"
	"onboard/tenant/usecase"
)

var _ usecase.Checker = (*Store)(nil)

// checkFileSize refuses a file shorter than its own pages say: a
// truncated file that bbolt would map and then fault on (SIGBUS) when a
// read reaches past its end.
func checkFileSize(db *bolt.DB, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return guard(path, func() error {
		return db.View(func(tx *bolt.Tx) error {
			if need := tx.Size(); need > fi.Size() {
				return damaged(path, fmt.Errorf("the file is %d bytes, its pages need %d: it was cut short", fi.Size(), need))
			}
			return nil
		})
	})
}

// Check reads the whole database (see usecase.Checker): bbolt's own
// consistency check of the pages, then every record decoded, every index
// entry pointing at its record, every last validation present, every
// secret unsealed with the keys given and its key recorded. Each problem
// names the record; the read goes on past it.
func (s *Store) Check(ctx context.Context) (usecase.CheckResult, error) {
	var res usecase.CheckResult
	problem := func(record string, err error) {
		res.Problems = append(res.Problems, usecase.Problem{Record: record, Err: err})
	}
	if err := checkFileSize(s.db, s.path); err != nil {
		problem("file "+s.path, err)
		return res, nil
	}
	err := s.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problem("file "+s.path, err)
		}
		if len(res.Problems) > 0 {
			return nil // the pages are not to be trusted: stop here
		}
		var ids []string
		if v := tx.Bucket(bucketMeta).Get(keyKeys); v != nil {
			if err := json.Unmarshal(v, &ids); err != nil {
				problem("the key IDs in use", err)
			}
		}
		customers := map[string]bool{}
		_ = tx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
			res.Customers++
			c, err := s.decodeCustomer(k, v)
			switch {
			case err != nil:
				problem(fmt.Sprintf("customer %q", k), err)
			case string(nameKey(c.Name)) != string(k):
				problem(fmt.Sprintf("customer %q", k), fmt.Errorf("stored under another name's key (%q)", c.Name))
			default:
				customers[string(k)] = true
			}
			return nil
		})
		services := map[string]bool{}
		owners := tx.Bucket(bucketOwners)
		summaries := tx.Bucket(bucketSummaries)
		history := tx.Bucket(bucketHistory)
		_ = tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			res.Services++
			what := fmt.Sprintf("service %q", k)
			rec, err := s.decodeService(k, v)
			if err != nil {
				problem(what, err)
				return nil
			}
			services[string(k)] = true
			what = "service " + rec.Name
			if string(nameKey(rec.Name)) != string(k) {
				problem(what, fmt.Errorf("stored under another name's key (%q)", k))
			}
			if !customers[string(nameKey(rec.Customer))] {
				problem(what, fmt.Errorf("its customer %q does not exist", rec.Customer))
			}
			if owners.Get(ownerKey(nameKey(rec.Customer), k)) == nil {
				problem(what, fmt.Errorf("missing from the index of customer %s's services", rec.Customer))
			}
			if sv := summaries.Get(k); sv == nil {
				problem(what, fmt.Errorf("its summary is missing"))
			} else if _, err := s.decodeSummary(k, sv); err != nil {
				problem(what, err)
			}
			if rec.LastSeq != 0 {
				hk := historyKey(k, rec.LastSeq)
				if hv := history.Get(hk); hv == nil {
					problem(what, fmt.Errorf("its last validation (report %d) is missing", rec.LastSeq))
				}
			}
			if rec.Sealed != nil {
				if _, err := s.keys.Unseal(rec.Name, rec.Sealed); err != nil {
					problem(what, err)
				}
				if id := seal.KeyIDOf(rec.Sealed); id != "" && !slices.Contains(ids, id) {
					problem(what, fmt.Errorf("its secret is sealed with key %s, which the database does not record as in use", id))
				}
			}
			return nil
		})
		_ = summaries.ForEach(func(k, _ []byte) error {
			if !services[string(k)] && tx.Bucket(bucketServices).Get(k) == nil {
				problem(fmt.Sprintf("summary %q", k), fmt.Errorf("belongs to no service"))
			}
			return nil
		})
		_ = owners.ForEach(func(k, _ []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 || !customers[string(k[:i])] || tx.Bucket(bucketServices).Get(k[i+1:]) == nil {
				problem(fmt.Sprintf("index entry %q", k), fmt.Errorf("points at a customer or service that does not exist"))
			}
			return nil
		})
		_ = history.ForEach(func(k, v []byte) error {
			res.Reports++
			i := bytes.IndexByte(k, 0)
			if i < 0 || tx.Bucket(bucketServices).Get(k[:i]) == nil {
				problem(fmt.Sprintf("validation report %x", k), fmt.Errorf("belongs to no service"))
				return nil
			}
			if _, err := s.decodeReport(k, v); err != nil {
				problem(fmt.Sprintf("a validation report of service %q", k[:i]), err)
			}
			return nil
		})
		return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
			res.AuditEntries++
			var e usecase.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				problem(fmt.Sprintf("audit entry %x", k), err)
			}
			return nil
		})
	})
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		problem("file "+s.path, err)
	}
	return res, nil
}
