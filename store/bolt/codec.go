package bolt

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// recordVersion is the "v" field of every JSON record. A value with a
// higher one was written by a newer onboard.
const recordVersion = 2

type customerRecord struct {
	V int `json:"v"`
	tenant.Customer
}

// serviceRecord is a service as stored: the service without its report
// (the newest is history entry LastSeq) and without its secret (the
// sealed form is a field of its own; tenant.AppRegistration.Secret is
// `json:"-"`).
type serviceRecord struct {
	V int `json:"v"`
	tenant.Service
	Sealed []byte `json:"sealedSecret,omitempty"`
	// Hint is the sealed secret's masked form, for lists.
	Hint    string `json:"secretHint,omitempty"`
	LastSeq uint64 `json:"lastSeq,omitempty"`
}

type reportRecord struct {
	V int `json:"v"`
	tenant.ValidationReport
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

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > maxRecord {
		return nil, fmt.Errorf("the record is too large to store (%d bytes, at most %d)", len(b), maxRecord)
	}
	return b, nil
}

// decodeJSON reads a JSON record; what is damaged or newer is named.
func (s *Store) decodeJSON(what string, key, data []byte, v any, version *int) error {
	if err := json.Unmarshal(data, v); err != nil {
		return usecase.Errorf([]error{usecase.ErrDamaged}, "the stored %s %q in %s is damaged (%v): `onboard db check` lists what is damaged", what, key, s.path, err)
	}
	if *version > recordVersion {
		return usecase.Errorf([]error{usecase.ErrNewerSchema}, "the %s %q in %s was written by a newer onboard: upgrade onboard", what, key, s.path)
	}
	return nil
}

func (s *Store) decodeCustomer(key, data []byte) (tenant.Customer, error) {
	var r customerRecord
	err := s.decodeJSON("customer", key, data, &r, &r.V)
	return r.Customer, err
}

func (s *Store) decodeService(key, data []byte) (serviceRecord, error) {
	var r serviceRecord
	err := s.decodeJSON("service", key, data, &r, &r.V)
	return r, err
}

func (s *Store) decodeSummary(key, data []byte) (tenant.Summary, error) {
	var sum tenant.Summary
	v := 0
	err := s.decodeJSON("service summary", key, data, &sum, &v)
	return sum, err
}

// Reports are most of a database: each holds the validator's wording of
// every check. They are stored as formatFlate, a byte and the report's JSON
// deflated (compress/flate) against reportDictionary, which holds those
// phrases: a 2 KB report takes about 400 bytes. Only a service's page, its
// history and the whole-record listing inflate them; lists read summaries.
const formatFlate byte = 0x10

// reportDictionary is the preset dictionary of formatFlate. It is part of
// the file format: it must never change once released. A better one is a
// new format byte beside this one.
const reportDictionary = `{"v":2,"status":"pass","at":"2026-01-01T00:00:00.000000000Z","elapsedNs":,"cloud":"global","trigger":"validate all","by":"",` +
	`"clientId":"","secretHint":"","tenantId":"","tenantName":"","initialDomain":".onmicrosoft.com","defaultDomain":".com","appName":"",` +
	`"secretExpiresAt":"2026-01-01T00:00:00Z","daysUntilExpire":,"expiryReadAt":"2026-01-01T00:00:00Z","roles":["Teams Administrator"],` +
	`"permissions":["Application.Read.All","Organization.Read.All","User.Read.All"],` +
	`"admin":{"id":"","userPrincipalName":"admin@","displayName":"","accountEnabled":true},` +
	`"verifiedDomains":[".onmicrosoft.com",".com"],"sbcDomain":"","teamsPhone":{"enabled":,"consumed":,"skus":["MCOEV","SPE_E5"]},` +
	`"aadsts":"","traceId":"","correlationId":"",` +
	`"checks":[{"name":"Token","group":"credentials","status":"pass","detail":"Entra ID issued an app-only token for tenant : the secret works."},` +
	`{"name":"Tenant","group":"credentials","status":"pass","detail":": initial domain .onmicrosoft.com, default domain .com."},` +
	`{"name":"Secret expiry","group":"credentials","status":"pass","detail":"The client secret expires on , in days."},` +
	`{"name":"Admin user","group":"credentials","status":"pass","detail":" exists and is enabled."},` +
	`{"name":"Teams admin API token","group":"readiness","status":"pass","detail":"Entra ID issued a token for the Skype and Teams Tenant Admin API."},` +
	`{"name":"Entra role","group":"readiness","status":"pass","detail":"Teams Administrator is assigned to the app."},` +
	`{"name":"Graph permissions","group":"readiness","status":"pass","detail":"Granted: Application.Read.All, Organization.Read.All, User.Read.All."},` +
	`{"name":"SBC domain","group":"readiness","status":"pass","detail":"The tenant has the verified domain "},` +
	`{"name":"Teams Phone licence","group":"readiness","status":"pass","detail":"Teams Phone licences: enabled, assigned, free."}],` +
	`"status":"warn","status":"fail","fix":"Entra admin center > Identity > Applications > App registrations > Certificates & secrets > New client secret` +
	` > API permissions > Add a permission > Microsoft Graph > Application permissions > Add permissions, then Grant admin consent.` +
	` (needed for: tenant name and domains; secret expiry and Entra roles; admin user check). ` +
	`Missing Microsoft Graph application permission(s): Granted: Organization.Read.All, User.Read.All ` +
	`Entra admin center > Identity > Roles & admins > Roles & admins > Teams Administrator > Add assignments > select (its service principal) > Add.` +
	`Microsoft Graph refused to read (403 Authorization_RequestDenied), the app lacks Application.Read.All. ` +
	`Secret expiry unknown: Entra roles unknown: Admin not found: there is no user in this tenant. Validate again in a few minutes. `

var (
	flateWriters = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(io.Discard, flate.DefaultCompression, []byte(reportDictionary))
		if err != nil {
			panic(err) // only for a bad level, which is a constant
		}
		return w
	}}
	flateReaders = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), []byte(reportDictionary)) }}
)

func encodeReport(r tenant.ValidationReport) ([]byte, error) {
	js, err := encode(reportRecord{V: recordVersion, ValidationReport: r})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteByte(formatFlate)
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(js); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Store) decodeReport(key, data []byte) (tenant.ValidationReport, error) {
	js, err := inflate(data)
	if err != nil {
		return tenant.ValidationReport{}, usecase.Errorf([]error{usecase.ErrDamaged}, "the stored validation report %q in %s is damaged (%v)", key, s.path, err)
	}
	var r reportRecord
	err = s.decodeJSON("validation report", key, js, &r, &r.V)
	return r.ValidationReport, err
}

func inflate(data []byte) ([]byte, error) {
	if len(data) == 0 || data[0] != formatFlate {
		return nil, errDamaged
	}
	rd := flateReaders.Get().(io.ReadCloser)
	defer flateReaders.Put(rd)
	if err := rd.(flate.Resetter).Reset(bytes.NewReader(data[1:]), []byte(reportDictionary)); err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(rd, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxRecord {
		return nil, errDamaged
	}
	return out, nil
}
