package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"reflect"
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
	// Every key and value is read here first, in this goroutine, where
	// guard turns a fault into an error: bbolt's own check runs in a
	// goroutine of its own, where a fault on a damaged page would kill
	// the process.
	if err := s.view(touchAll); err != nil {
		problem("file "+s.path, err)
		return res, nil
	}
	if err := s.view(func(tx *bolt.Tx) error {
		f, err := os.Open(s.path)
		if err != nil {
			return err
		}
		defer f.Close()
		return checkPages(f, uint64(tx.Cursor().Bucket().Root()), uint64(tx.Size())/uint64(s.db.Info().PageSize), s.db.Info().PageSize)
	}); err != nil {
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
		ids, err := s.keyIDsIn(tx)
		if err != nil {
			problem("the key IDs in use", err)
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
		// The last validation of each service, by its history key: what
		// lists show of it is compared when the history is decoded, so
		// each report is inflated once.
		type lastOf struct {
			what  string
			seq   uint64
			facts lastFacts
		}
		lasts := map[string]lastOf{}
		owners := tx.Bucket(bucketOwners)
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
			if rec.LastSeq != 0 {
				hk := historyKey(k, rec.LastSeq)
				if history.Get(hk) == nil {
					problem(what, fmt.Errorf("its last validation (report %d) is missing", rec.LastSeq))
				} else {
					lasts[string(hk)] = lastOf{what, rec.LastSeq, rec.Last} // compared when the history is read
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
			r, err := s.decodeReport(k, v)
			if err != nil {
				problem(fmt.Sprintf("a validation report of service %q", k[:i]), err)
			} else if l, ok := lasts[string(k)]; ok && !reflect.DeepEqual(lastFactsOf(&r), l.facts) {
				problem(l.what, fmt.Errorf("what lists show of it disagrees with its last validation (report %d)", l.seq))
			}
			return nil
		})
		return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
			res.AuditEntries++
			if _, err := s.decodeAudit(k, v); err != nil {
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

// touchAll reads every byte of every key and value of every bucket.
func touchAll(tx *bolt.Tx) error {
	var sum byte
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			for _, x := range k {
				sum ^= x
			}
			if v == nil {
				if nested := b.Bucket(k); nested != nil {
					return walk(nested)
				}
				return nil
			}
			for _, x := range v {
				sum ^= x
			}
			return nil
		})
	}
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		for _, x := range name {
			sum ^= x
		}
		return walk(b)
	})
	_ = sum
	return err
}

// The layout of bbolt's pages (go.etcd.io/bbolt/internal/common), read
// here from the file into memory: bbolt's own check runs in a goroutine
// of its own where a damaged page faults the whole process, so every page
// it will visit is first checked to stay within its bounds.
const (
	pageHeader     = 16 // id u64, flags u16, count u16, overflow u32
	elementSize    = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	bucketHeader   = 16 // root pgid u64, sequence u64
	branchPageFlag = 0x01
	leafPageFlag   = 0x02
	bucketLeafFlag = 0x01
)

// checkPages walks the pages reachable from the root bucket, reading them
// from the file, and returns the first one whose elements point outside
// it or whose children lie past the end of the data.
func checkPages(f *os.File, root, highWater uint64, pageSize int) error {
	seen := map[uint64]bool{}
	var page func(id uint64) error
	var elements func(where string, p []byte) error
	readPage := func(id uint64) ([]byte, error) {
		if id < 2 || id >= highWater {
			return nil, fmt.Errorf("page %d: out of the file's %d pages", id, highWater)
		}
		head := make([]byte, pageHeader)
		if _, err := f.ReadAt(head, int64(id)*int64(pageSize)); err != nil {
			return nil, fmt.Errorf("page %d: %w", id, err)
		}
		overflow := uint64(binary.LittleEndian.Uint32(head[12:16]))
		if id+overflow >= highWater {
			return nil, fmt.Errorf("page %d: its %d overflow pages run past the data", id, overflow)
		}
		p := make([]byte, int(overflow+1)*pageSize)
		if _, err := f.ReadAt(p, int64(id)*int64(pageSize)); err != nil {
			return nil, fmt.Errorf("page %d: %w", id, err)
		}
		return p, nil
	}
	elements = func(where string, p []byte) error {
		if len(p) < pageHeader {
			return fmt.Errorf("%s: shorter than a page header", where)
		}
		flags, count := binary.LittleEndian.Uint16(p[8:10]), int(binary.LittleEndian.Uint16(p[10:12]))
		if flags&(branchPageFlag|leafPageFlag) == 0 {
			return fmt.Errorf("%s: neither a branch nor a leaf (flags %#x)", where, flags)
		}
		if pageHeader+count*elementSize > len(p) {
			return fmt.Errorf("%s: %d elements do not fit", where, count)
		}
		for i := range count {
			at := pageHeader + i*elementSize
			e := p[at : at+elementSize]
			if flags&branchPageFlag != 0 {
				pos, ksize := uint64(binary.LittleEndian.Uint32(e[0:4])), uint64(binary.LittleEndian.Uint32(e[4:8]))
				if uint64(at)+pos+ksize > uint64(len(p)) {
					return fmt.Errorf("%s: element %d's key lies outside the page", where, i)
				}
				if err := page(binary.LittleEndian.Uint64(e[8:16])); err != nil {
					return err
				}
				continue
			}
			eflags := binary.LittleEndian.Uint32(e[0:4])
			pos, ksize, vsize := uint64(binary.LittleEndian.Uint32(e[4:8])), uint64(binary.LittleEndian.Uint32(e[8:12])), uint64(binary.LittleEndian.Uint32(e[12:16]))
			end := uint64(at) + pos + ksize + vsize
			if end > uint64(len(p)) {
				return fmt.Errorf("%s: element %d's key or value lies outside the page", where, i)
			}
			if eflags&bucketLeafFlag == 0 {
				continue
			}
			v := p[uint64(at)+pos+ksize : end]
			if len(v) < bucketHeader {
				return fmt.Errorf("%s: element %d is a bucket too short to be one", where, i)
			}
			if r := binary.LittleEndian.Uint64(v[0:8]); r != 0 {
				if err := page(r); err != nil {
					return err
				}
			} else if err := elements(where+" (inline bucket)", v[bucketHeader:]); err != nil {
				return err
			}
		}
		return nil
	}
	page = func(id uint64) error {
		if seen[id] {
			return fmt.Errorf("page %d: reached twice", id)
		}
		seen[id] = true
		p, err := readPage(id)
		if err != nil {
			return err
		}
		return elements(fmt.Sprintf("page %d", id), p)
	}
	return page(root)
}
