package bolt

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// recordVersion is the "v" field of a customer's record, the one value
// still JSON (customers are few and small). A value with a higher one was
// written by a newer onboard.
const recordVersion = 2

type customerRecord struct {
	V int `json:"v"`
	tenant.Customer
}

// serviceRecord is a service as stored: the service without its report
// (the newest is history entry LastSeq; Last keeps what lists show of it)
// and without its secret (only its sealed form, and its hint).
type serviceRecord struct {
	tenant.Service
	Sealed []byte
	// Hint is the sealed secret's masked form, for lists.
	Hint    string
	LastSeq uint64
	// Last is what lists show of the last validation, so listing never
	// reads a report.
	Last lastFacts
}

// lastFacts are the last validation's facts a list shows.
type lastFacts struct {
	Status                             tenant.Status
	At, ExpiresAt                      *time.Time
	TenantName, AppName, InitialDomain string
}

func lastFactsOf(r *tenant.ValidationReport) lastFacts {
	if r == nil {
		return lastFacts{}
	}
	at := r.At
	return lastFacts{Status: r.Status, At: &at, ExpiresAt: r.SecretExpiresAt, TenantName: r.TenantName, AppName: r.AppName, InitialDomain: r.InitialDomain}
}

// summary is what lists show of the record (tenant.SummaryOf, from the
// facts kept on the record instead of the report).
func (rec serviceRecord) summary() tenant.Summary {
	svc := rec.Service
	svc.LastValidation = nil
	if l := rec.Last; l.At != nil {
		svc.LastValidation = &tenant.ValidationReport{Status: l.Status, At: *l.At, SecretExpiresAt: l.ExpiresAt,
			TenantName: l.TenantName, AppName: l.AppName, InitialDomain: l.InitialDomain}
	}
	sum := tenant.SummaryOf(svc)
	sum.HasSecret, sum.SecretHint = rec.Sealed != nil && rec.App.ClientID != "", rec.Hint
	return sum
}

func nameKey(name string) []byte { return []byte(tenant.NameKey(name)) }

// ownerKey indexes a service under its customer. Customer names have no
// control characters, so the 0 byte cannot occur inside the prefix.
func ownerKey(customerKey, serviceKey []byte) []byte {
	k := make([]byte, 0, len(customerKey)+1+len(serviceKey))
	k = append(k, customerKey...)
	k = append(k, 0)
	return append(k, serviceKey...)
}

func ownerPrefix(customerKey []byte) []byte { return append(bytes.Clone(customerKey), 0) }

// historyKey is a service's key, 0, and a big-endian sequence number: a
// service's reports are one contiguous range in the order recorded. Short
// names have no control characters, so 0 and 1 cannot occur in the name.
func historyKey(serviceKey []byte, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(historyPrefix(serviceKey), seq)
}

func historyPrefix(serviceKey []byte) []byte {
	return append(append(make([]byte, 0, len(serviceKey)+9), serviceKey...), 0)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// maxRecord bounds a stored value: the validator caps every text it
// keeps, so a bigger one is an error to report for that entry, never a
// batch lost.
const maxRecord = 1 << 20

// encodeCustomer is a customer's value.
func encodeCustomer(c tenant.Customer) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(customerRecord{V: recordVersion, Customer: c}); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return b, checkSize(b)
}

// checkSize refuses a value larger than a record may be.
func checkSize(b []byte) error {
	if len(b) > maxRecord {
		return fmt.Errorf("the record is too large to store (%d bytes, at most %d)", len(b), maxRecord)
	}
	return nil
}

// damagedValue is the error for a stored value that cannot be read.
func (s *Store) damagedValue(what string, key []byte, err error) error {
	return usecase.Errorf([]error{usecase.ErrDamaged}, "the stored %s %q in %s is damaged (%v): `onboard db check` lists what is damaged", what, key, s.path, err)
}

// newerValue is the error for a value of a format this build does not know.
func (s *Store) newerValue(what string, key []byte) error {
	return usecase.Errorf([]error{usecase.ErrNewerSchema}, "the %s %q in %s was written by a newer onboard: upgrade onboard", what, key, s.path)
}

func (s *Store) decodeCustomer(key, data []byte) (tenant.Customer, error) {
	var r customerRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return tenant.Customer{}, s.damagedValue("customer", key, err)
	}
	if r.V > recordVersion {
		return tenant.Customer{}, s.newerValue("customer", key)
	}
	return r.Customer, nil
}

// The formats of the binary values (bin.go): the first byte of each.
const (
	formatService byte = 0x21
	formatReport  byte = 0x22 // binary, then deflated against reportDictionary
	formatAudit   byte = 0x23
)

// formatOf checks a value's format byte: a higher one was written by a
// newer onboard, anything else is damage.
func (s *Store) formatOf(what string, key, data []byte, want byte) error {
	switch {
	case len(data) > 0 && data[0] == want:
		return nil
	case len(data) > 0 && data[0] > want && data[0] < 0x30:
		return s.newerValue(what, key)
	}
	return s.damagedValue(what, key, errTruncated)
}

// encodeService is a service record's value.
func encodeService(rec serviceRecord) ([]byte, error) {
	e := &enc{b: make([]byte, 0, 320)}
	e.byte(formatService)
	v := rec.Service
	e.str(v.Name)
	e.str(v.FullName)
	e.str(v.Customer)
	e.str(string(v.License))
	e.varint(int64(v.Users))
	e.str(v.M365Domain)
	e.str(string(v.State))
	e.guid(v.App.TenantID)
	e.guid(v.App.ClientID)
	e.str(v.App.AdminUser)
	e.optTime(v.App.ManualExpiry)
	e.time(v.CreatedAt)
	e.time(v.UpdatedAt)
	e.str(v.UpdatedBy)
	e.varint(v.Version)
	e.bytes(rec.Sealed)
	e.str(rec.Hint)
	e.uvarint(rec.LastSeq)
	e.str(string(rec.Last.Status))
	e.optTime(rec.Last.At)
	e.optTime(rec.Last.ExpiresAt)
	e.str(rec.Last.TenantName)
	e.str(rec.Last.AppName)
	e.str(rec.Last.InitialDomain)
	return e.b, checkSize(e.b)
}

func (s *Store) decodeService(key, data []byte) (serviceRecord, error) {
	if err := s.formatOf("service", key, data, formatService); err != nil {
		return serviceRecord{}, err
	}
	d := &dec{b: data[1:]}
	var rec serviceRecord
	v := &rec.Service
	v.Name = d.str()
	v.FullName = d.str()
	v.Customer = d.str()
	v.License = tenant.License(d.str())
	v.Users = d.int()
	v.M365Domain = d.str()
	v.State = tenant.ServiceState(d.str())
	v.App.TenantID = d.guid()
	v.App.ClientID = d.guid()
	v.App.AdminUser = d.str()
	v.App.ManualExpiry = d.optTime()
	v.CreatedAt = d.time()
	v.UpdatedAt = d.time()
	v.UpdatedBy = d.str()
	v.Version = d.varint()
	rec.Sealed = d.bytes()
	rec.Hint = d.str()
	rec.LastSeq = d.uvarint()
	rec.Last.Status = tenant.Status(d.str())
	rec.Last.At = d.optTime()
	rec.Last.ExpiresAt = d.optTime()
	rec.Last.TenantName = d.str()
	rec.Last.AppName = d.str()
	rec.Last.InitialDomain = d.str()
	if err := d.end(); err != nil {
		return serviceRecord{}, s.damagedValue("service", key, err)
	}
	return rec, nil
}

// Reports are most of a database: each holds the validator's wording of
// every check. A report is its binary encoding deflated (compress/flate)
// against reportDictionary, which holds those phrases: a 2 KB report takes
// a few hundred bytes. Only a service's page, its history and the
// whole-record listing inflate them; lists read the facts on the record.

var (
	// reportDict is reportDictionary as the flate API takes it, converted
	// once: a conversion per report cost a look-up a fifth of its time.
	reportDict   = []byte(reportDictionary)
	flateWriters = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(io.Discard, flate.BestCompression, reportDict)
		if err != nil {
			panic(err) // only for a bad level, which is a constant
		}
		return w
	}}
	flateReaders = sync.Pool{New: func() any { return &inflater{rd: flate.NewReaderDict(bytes.NewReader(nil), reportDict)} }}
)

// reportBytes is a report's binary encoding, before it is deflated.
func reportBytes(r tenant.ValidationReport) []byte {
	e := &enc{b: make([]byte, 0, 2048)}
	e.str(string(r.Status))
	e.time(r.At)
	e.varint(int64(r.Elapsed))
	e.str(r.Cloud)
	e.str(string(r.Trigger))
	e.str(r.By)
	e.guid(r.ClientID)
	e.str(r.SecretHint)
	e.guid(r.TenantID)
	e.str(r.TenantName)
	e.str(r.InitialDomain)
	e.str(r.DefaultDomain)
	e.str(r.AppName)
	e.optTime(r.SecretExpiresAt)
	e.optInt(r.DaysUntilExpire)
	e.optTime(r.ExpiryReadAt)
	e.strs(r.Roles)
	e.strs(r.Permissions)
	e.bool(r.Admin != nil)
	if a := r.Admin; a != nil {
		e.guid(a.ID)
		e.str(a.UserPrincipalName)
		e.str(a.DisplayName)
		e.bool(a.AccountEnabled)
	}
	e.strs(r.VerifiedDomains)
	e.str(r.SBCDomain)
	e.bool(r.TeamsPhone != nil)
	if l := r.TeamsPhone; l != nil {
		e.varint(int64(l.Enabled))
		e.varint(int64(l.Consumed))
		e.strs(l.SKUs)
	}
	e.uvarint(uint64(len(r.Checks)))
	for _, c := range r.Checks {
		e.str(c.Name)
		e.str(string(c.Group))
		e.str(string(c.Status))
		e.str(c.Detail)
		e.str(c.Fix)
	}
	e.str(r.AADSTS)
	e.str(r.TraceID)
	e.str(r.CorrelationID)
	return e.b
}

func encodeReport(r tenant.ValidationReport) ([]byte, error) {
	raw := reportBytes(r)
	if err := checkSize(raw); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteByte(formatReport)
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Store) decodeReport(key, data []byte) (tenant.ValidationReport, error) {
	if err := s.formatOf("validation report", key, data, formatReport); err != nil {
		return tenant.ValidationReport{}, err
	}
	raw, err := inflate(data)
	if err != nil {
		return tenant.ValidationReport{}, s.damagedValue("validation report", key, err)
	}
	d := &dec{b: raw}
	var r tenant.ValidationReport
	r.Status = tenant.Status(d.str())
	r.At = d.time()
	r.Elapsed = time.Duration(d.varint())
	r.Cloud = d.str()
	r.Trigger = tenant.Trigger(d.str())
	r.By = d.str()
	r.ClientID = d.guid()
	r.SecretHint = d.str()
	r.TenantID = d.guid()
	r.TenantName = d.str()
	r.InitialDomain = d.str()
	r.DefaultDomain = d.str()
	r.AppName = d.str()
	r.SecretExpiresAt = d.optTime()
	r.DaysUntilExpire = d.optInt()
	r.ExpiryReadAt = d.optTime()
	r.Roles = d.strs()
	r.Permissions = d.strs()
	if d.bool() {
		r.Admin = &tenant.AdminUser{ID: d.guid(), UserPrincipalName: d.str(), DisplayName: d.str(), AccountEnabled: d.bool()}
	}
	r.VerifiedDomains = d.strs()
	r.SBCDomain = d.str()
	if d.bool() {
		r.TeamsPhone = &tenant.LicenceCount{Enabled: d.int(), Consumed: d.int(), SKUs: d.strs()}
	}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		n = 0
	}
	if n > 0 {
		r.Checks = make([]tenant.Check, n)
		for i := range r.Checks {
			r.Checks[i] = tenant.Check{Name: d.str(), Group: tenant.Group(d.str()), Status: tenant.Status(d.str()), Detail: d.str(), Fix: d.str()}
		}
	}
	r.AADSTS = d.str()
	r.TraceID = d.str()
	r.CorrelationID = d.str()
	if err := d.end(); err != nil {
		return tenant.ValidationReport{}, s.damagedValue("validation report", key, err)
	}
	return r, nil
}

// inflater is a reusable decompressor with its input reader.
type inflater struct {
	src bytes.Reader
	rd  io.ReadCloser
}

// inflate is a stored report's binary encoding. The result is the
// caller's: decoders copy every field out of it.
func inflate(data []byte) ([]byte, error) {
	f := flateReaders.Get().(*inflater)
	defer flateReaders.Put(f)
	f.src.Reset(data[1:])
	if err := f.rd.(flate.Resetter).Reset(&f.src, reportDict); err != nil {
		return nil, err
	}
	out := make([]byte, 0, 4<<10)
	for {
		if len(out) == cap(out) {
			if len(out) > maxRecord {
				return nil, errTruncated
			}
			out = append(out, 0)[:len(out)]
		}
		n, err := f.rd.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(out) > maxRecord {
		return nil, errTruncated
	}
	return out, nil
}

// encodeAudit is an audit entry's value.
func encodeAudit(a usecase.AuditEntry) ([]byte, error) {
	e := &enc{b: make([]byte, 0, 128)}
	e.byte(formatAudit)
	e.time(a.At)
	e.str(a.Engineer)
	e.str(a.Host)
	e.str(a.Action)
	e.str(a.Customer)
	e.str(a.Service)
	e.str(a.Detail)
	return e.b, checkSize(e.b)
}

func (s *Store) decodeAudit(key, data []byte) (usecase.AuditEntry, error) {
	if err := s.formatOf("audit entry", key, data, formatAudit); err != nil {
		return usecase.AuditEntry{}, err
	}
	d := &dec{b: data[1:]}
	a := usecase.AuditEntry{At: d.time(), Engineer: d.str(), Host: d.str(), Action: d.str(), Customer: d.str(), Service: d.str(), Detail: d.str()}
	if err := d.end(); err != nil {
		return usecase.AuditEntry{}, s.damagedValue("audit entry", key, err)
	}
	return a, nil
}
