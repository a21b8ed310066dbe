package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"onboard/tenant"
)

// A reflection-free reader for the JSON this store writes for service
// records and reports. Listing 100,000 services is mostly JSON decoding, and
// encoding/json spends most of that on reflection and a separate validation
// pass.
//
// It is a fast path, not a second definition of the format: it accepts only
// exactly what the encoder writes (known keys spelt exactly, no escapes in
// keys, no number forms an int field cannot take) and answers ok=false for
// anything else, and the caller then decodes with encoding/json, which stays
// the reference. A field added to tenant's records is therefore never lost:
// it is an unknown key, and the record takes the slow path until the key is
// taught here (TestFastDecodeKnowsEveryField fails until then).

type fastReader struct {
	b []byte
	// src is b as one string: every string value is a substring of it, so
	// a record costs one string allocation, not one per field.
	src string
	i   int
	ok  bool
	a   *arena
}

func newFastReader(js []byte, a *arena) *fastReader {
	if a == nil {
		a = &arena{grow: 1}
	}
	return &fastReader{b: js, src: string(js), ok: true, a: a}
}

// arena hands out the small objects a record decodes to (reports, admin
// users, times, check and string slices) from shared chunks: a list of
// 100,000 services is then a few thousand allocations instead of a
// million, which is most of what the garbage collector would otherwise
// spend its time on. Slices handed out are capped, so appending to one
// never writes into the next.
type arena struct {
	grow    int // chunk length
	reports []tenant.ValidationReport
	admins  []tenant.AdminUser
	times   []time.Time
	ints    []int
	checks  []tenant.Check
	strs    []string
}

func newArena(records int) *arena { return &arena{grow: records} }

// maxChunk bounds a shared chunk: grow is a guess from the first record
// (its count times the list's records), and a damaged record with a huge
// array must not multiply into a huge allocation.
const maxChunk = 4096

func take[T any](chunk *[]T, n, grow int) []T {
	if n == 0 {
		return make([]T, 0) // empty, not nil: no allocation
	}
	if n > len(*chunk) {
		*chunk = make([]T, max(n, min(grow, maxChunk)))
	}
	s := (*chunk)[:n:n]
	*chunk = (*chunk)[n:]
	return s
}

func one[T any](chunk *[]T, grow int) *T { return &take(chunk, 1, grow)[0] }

func (r *fastReader) fail() { r.ok = false }

func (r *fastReader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// eat consumes c (after white space) and reports whether it was there.
func (r *fastReader) eat(c byte) bool {
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

func (r *fastReader) expect(c byte) {
	if !r.eat(c) {
		r.fail()
	}
}

// null consumes a JSON null if one is next. encoding/json leaves a field
// untouched for null, so callers simply do not assign.
func (r *fastReader) null() bool {
	r.ws()
	if r.i+4 <= len(r.b) && string(r.b[r.i:r.i+4]) == "null" {
		r.i += 4
		return true
	}
	return false
}

// stringAt returns the offsets of the contents of a string that has no
// escapes and no control characters, or fails.
func (r *fastReader) stringAt() (start, end int) {
	r.ws()
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		r.fail()
		return 0, 0
	}
	start = r.i + 1
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			return start, j
		case c == '\\' || c < 0x20:
			r.fail()
			return 0, 0
		}
	}
	r.fail()
	return 0, 0
}

// rawString is stringAt's bytes (no allocation).
func (r *fastReader) rawString() []byte {
	start, end := r.stringAt()
	return r.b[start:end]
}

// str reads a string value. Escaped strings and invalid UTF-8 (which
// encoding/json would repair) leave the fast path.
func (r *fastReader) str() string {
	start, end := r.stringAt()
	if !r.ok || !utf8.Valid(r.b[start:end]) {
		r.fail()
		return ""
	}
	return r.src[start:end]
}

func (r *fastReader) integer() int64 {
	r.ws()
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	digits := r.i
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		r.i++
	}
	// JSON forbids leading zeros; fractions and exponents are not ints.
	if r.i == digits || (r.b[digits] == '0' && r.i-digits > 1) ||
		(r.i < len(r.b) && (r.b[r.i] == '.' || r.b[r.i] == 'e' || r.b[r.i] == 'E')) {
		r.fail()
		return 0
	}
	n, err := strconv.ParseInt(string(r.b[start:r.i]), 10, 64)
	if err != nil || n != int64(int(n)) {
		r.fail()
	}
	return n
}

func (r *fastReader) boolean() bool {
	r.ws()
	switch {
	case r.i+4 <= len(r.b) && string(r.b[r.i:r.i+4]) == "true":
		r.i += 4
		return true
	case r.i+5 <= len(r.b) && string(r.b[r.i:r.i+5]) == "false":
		r.i += 5
		return false
	}
	r.fail()
	return false
}

// time reads a time the way time.Time's UnmarshalJSON does (strict RFC 3339).
func (r *fastReader) time() time.Time {
	s := r.rawString()
	var t time.Time
	if r.ok && t.UnmarshalText(s) != nil {
		r.fail()
	}
	return t
}

func (r *fastReader) bytesB64() []byte {
	s := r.rawString()
	if !r.ok {
		return nil
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		r.fail()
		return nil
	}
	return out[:n]
}

// object calls field for each key of an object; field reads the value and
// returns false for a key it does not know. A key given twice leaves the
// fast path (encoding/json's merging rules for repeats are its own).
func (r *fastReader) object(field func(key []byte) bool) {
	if r.null() {
		return
	}
	r.expect('{')
	if !r.ok || r.eat('}') {
		return
	}
	var seen [32][]byte
	n := 0
	for r.ok {
		key := r.rawString()
		r.expect(':')
		if !r.ok || n == len(seen) {
			r.fail()
			return
		}
		for _, k := range seen[:n] {
			if bytes.Equal(k, key) {
				r.fail()
				return
			}
		}
		seen[n] = key
		n++
		if !field(key) {
			r.fail()
			return
		}
		if r.eat(',') {
			continue
		}
		r.expect('}')
		return
	}
}

// array calls elem for each element, then moves them to a slice from
// chunk; [] gives an empty, non-nil slice and null leaves the slice nil, as
// encoding/json does.
func array[T any](r *fastReader, dst *[]T, chunk *[]T, elem func() T) {
	if r.null() {
		return
	}
	r.expect('[')
	if !r.ok {
		return
	}
	var small [16]T
	items := small[:0]
	if !r.eat(']') {
		for r.ok {
			// elem returns the value rather than filling a pointer: a
			// pointer given to a func value escapes to the heap.
			items = append(items, elem())
			if r.eat(',') {
				continue
			}
			r.expect(']')
			break
		}
	}
	out := take(chunk, len(items), r.a.grow*len(items))
	copy(out, items)
	*dst = out
}

func (r *fastReader) strings(dst *[]string) {
	array(r, dst, &r.a.strs, r.str)
}

// optional runs read unless the value is null, for fields where null must
// leave the field as it is.
func (r *fastReader) optional(read func()) {
	if !r.null() {
		read()
	}
}

func (r *fastReader) timePtr(dst **time.Time) {
	if !r.null() {
		t := one(&r.a.times, r.a.grow*3)
		*t = r.time()
		*dst = t
	}
}

func (r *fastReader) end() {
	r.ws()
	if r.i != len(r.b) {
		r.fail()
	}
}

// The set* readers assign a field unless the value is null: encoding/json
// leaves a field as it is for null, and so must the fast path.

func setStr[S ~string](r *fastReader, dst *S) {
	if !r.null() {
		*dst = S(r.str())
	}
}

func setInt[I ~int | ~int64](r *fastReader, dst *I) {
	if !r.null() {
		*dst = I(r.integer())
	}
}

func setTime(r *fastReader, dst *time.Time) {
	if !r.null() {
		*dst = r.time()
	}
}

func setBool(r *fastReader, dst *bool) {
	if !r.null() {
		*dst = r.boolean()
	}
}

func setBytes(r *fastReader, dst *[]byte) {
	if !r.null() {
		*dst = r.bytesB64()
	}
}

func (r *fastReader) service(rec *serviceRecord) {
	svc := &rec.Service
	r.object(func(key []byte) bool {
		switch string(key) {
		case "v":
			setInt(r, &rec.V)
		case "sealedSecret":
			setBytes(r, &rec.Sealed)
		case "name":
			setStr(r, &svc.Name)
		case "fullName":
			setStr(r, &svc.FullName)
		case "customer":
			setStr(r, &svc.Customer)
		case "license":
			setStr(r, &svc.License)
		case "users":
			setInt(r, &svc.Users)
		case "m365Domain":
			setStr(r, &svc.M365Domain)
		case "state":
			setStr(r, &svc.State)
		case "app":
			r.app(&svc.App)
		case "createdAt":
			setTime(r, &svc.CreatedAt)
		case "updatedAt":
			setTime(r, &svc.UpdatedAt)
		case "lastValidation":
			r.optional(func() {
				if svc.LastValidation == nil {
					svc.LastValidation = one(&r.a.reports, r.a.grow)
				}
				r.report(svc.LastValidation, nil)
			})
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) app(a *tenant.AppRegistration) {
	r.object(func(key []byte) bool {
		switch string(key) {
		case "tenantId":
			setStr(r, &a.TenantID)
		case "clientId":
			setStr(r, &a.ClientID)
		case "adminUser":
			setStr(r, &a.AdminUser)
		case "manualExpiry":
			r.timePtr(&a.ManualExpiry)
		default:
			return false
		}
		return true
	})
}

// report reads a report; version, when not nil, receives the "v" of a
// stored history entry.
func (r *fastReader) report(rep *tenant.ValidationReport, version *int) {
	r.object(func(key []byte) bool {
		switch string(key) {
		case "v":
			if version == nil {
				return false
			}
			setInt(r, &*version)
		case "status":
			setStr(r, &rep.Status)
		case "at":
			setTime(r, &rep.At)
		case "elapsedNs":
			setInt(r, &rep.Elapsed)
		case "cloud":
			setStr(r, &rep.Cloud)
		case "clientId":
			setStr(r, &rep.ClientID)
		case "secretHint":
			setStr(r, &rep.SecretHint)
		case "tenantId":
			setStr(r, &rep.TenantID)
		case "tenantName":
			setStr(r, &rep.TenantName)
		case "initialDomain":
			setStr(r, &rep.InitialDomain)
		case "defaultDomain":
			setStr(r, &rep.DefaultDomain)
		case "appName":
			setStr(r, &rep.AppName)
		case "secretExpiresAt":
			r.timePtr(&rep.SecretExpiresAt)
		case "daysUntilExpire":
			if !r.null() {
				d := one(&r.a.ints, r.a.grow)
				*d = int(r.integer())
				rep.DaysUntilExpire = d
			}
		case "roles":
			r.strings(&rep.Roles)
		case "permissions":
			r.strings(&rep.Permissions)
		case "admin":
			r.optional(func() {
				if rep.Admin == nil {
					rep.Admin = one(&r.a.admins, r.a.grow)
				}
				r.admin(rep.Admin)
			})
		case "checks":
			array(r, &rep.Checks, &r.a.checks, r.check)
		case "aadsts":
			setStr(r, &rep.AADSTS)
		case "traceId":
			setStr(r, &rep.TraceID)
		case "correlationId":
			setStr(r, &rep.CorrelationID)
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) admin(a *tenant.AdminUser) {
	r.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			setStr(r, &a.ID)
		case "userPrincipalName":
			setStr(r, &a.UserPrincipalName)
		case "displayName":
			setStr(r, &a.DisplayName)
		case "accountEnabled":
			setBool(r, &a.AccountEnabled)
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) check() (c tenant.Check) {
	if r.null() {
		return c
	}
	r.object(func(key []byte) bool {
		switch string(key) {
		case "name":
			setStr(r, &c.Name)
		case "status":
			setStr(r, &c.Status)
		case "detail":
			setStr(r, &c.Detail)
		case "fix":
			setStr(r, &c.Fix)
		default:
			return false
		}
		return true
	})
	return c
}

// fastService decodes a service record on the fast path; false means it
// cannot (rec is then left half-filled and must not be used).
func fastService(js []byte, rec *serviceRecord, a *arena) bool {
	r := newFastReader(js, a)
	r.service(rec)
	r.end()
	return r.ok
}

func fastReport(js []byte, rec *reportRecord) bool {
	r := newFastReader(js, nil)
	r.report(&rec.ValidationReport, &rec.V)
	r.end()
	return r.ok
}

// decodeServiceJSON decodes a service record: fast when it can, else with
// encoding/json.
func decodeServiceJSON(js []byte, rec *serviceRecord, a *arena) error {
	if fastService(js, rec, a) {
		return nil
	}
	*rec = serviceRecord{}
	return json.Unmarshal(js, rec)
}

func decodeReportJSON(js []byte, rec *reportRecord) error {
	if fastReport(js, rec) {
		return nil
	}
	*rec = reportRecord{}
	return json.Unmarshal(js, rec)
}
