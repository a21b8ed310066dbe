package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"onboard/tenant"
)

// recordVersion is the "v" field of every JSON value. A value with a higher
// one was written by a newer onboard.
const recordVersion = 1

type customerRecord struct {
	V int `json:"v"`
	tenant.Customer
}

// serviceRecord is a service as stored. The secret is not part of the
// service's JSON (tenant.AppRegistration.Secret is `json:"-"`); only its
// sealed form is, in a field of its own.
type serviceRecord struct {
	V int `json:"v"`
	tenant.Service
	Sealed []byte `json:"sealedSecret,omitempty"`
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

func ownerPrefix(customerKey []byte) []byte {
	return append(append([]byte(nil), customerKey...), 0)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// historyKey is a service's key, 0, and a big-endian sequence number: a
// service's past reports are one contiguous, time-ordered range. Short names
// have no control characters, so 0 and 1 cannot occur inside the name.
func historyKey(serviceKey []byte, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(historyPrefix(serviceKey), seq)
}

func historyPrefix(serviceKey []byte) []byte {
	return append(append(make([]byte, 0, len(serviceKey)+9), serviceKey...), 0)
}

// historyEnd is the smallest key after every key of the service's range.
func historyEnd(serviceKey []byte) []byte {
	return append(append([]byte(nil), serviceKey...), 1)
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decode reads a stored value into v. Decoding copies everything out of
// data, so the result stays valid after the transaction that owned data.
func (s *Store) decode(what string, data []byte, v any, version *int) error {
	return s.decodeWith(what, data, func(js []byte) error { return json.Unmarshal(js, v) }, version)
}

func (s *Store) decodeWith(what string, data []byte, decode func(js []byte) error, version *int) error {
	err := unpacked(data, decode)
	if err != nil {
		return fmt.Errorf("read %s: the stored value is damaged: %w", what, err)
	}
	if *version > recordVersion {
		return s.newerSchema(uint64(*version))
	}
	return nil
}

func (s *Store) decodeCustomer(data []byte) (tenant.Customer, error) {
	var r customerRecord
	err := s.decode("customer", data, &r, &r.V)
	return r.Customer, err
}

func (s *Store) decodeService(data []byte) (serviceRecord, error) {
	return s.decodeServiceIn(data, nil)
}

// decodeServiceIn decodes a service record taking its small objects from a
// (nil: allocated one by one).
func (s *Store) decodeServiceIn(data []byte, a *arena) (serviceRecord, error) {
	var r serviceRecord
	err := s.decodeWith("service", data, func(js []byte) error { return decodeServiceJSON(js, &r, a) }, &r.V)
	return r, err
}

func (s *Store) decodeReport(data []byte) (tenant.ValidationReport, error) {
	var r reportRecord
	err := s.decodeWith("validation report", data, func(js []byte) error { return decodeReportJSON(js, &r) }, &r.V)
	return r.ValidationReport, err
}
