package bolt

import (
	"reflect"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Any bytes under a key decode to a value or to a damaged/newer error,
// never a panic or an allocation the value's size does not justify; a
// value that decodes encodes back to itself.
func FuzzDecodeValues(f *testing.F) {
	rec := serviceRecord{Service: tenant.Service{Name: "con-1", Customer: "Contoso", License: "pro", Users: 250,
		App: tenant.AppRegistration{TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", ClientID: "not-a-guid"}, Version: 3},
		Sealed: []byte{1, 2, 3}, Hint: "Zq8", LastSeq: 7}
	r := sampleReport()
	rec.Last = lastFactsOf(&r)
	svc, _ := encodeService(rec)
	rep, _ := encodeReport(r)
	aud, _ := encodeAudit(usecase.AuditEntry{At: time.Unix(1, 0), Engineer: "alice", Action: "validated", Service: "con-1"})
	for _, v := range [][]byte{svc, rep, aud, {}, {formatService}, {formatReport, 0xff}, {formatAudit, 0x80, 0x80}, []byte(`{"v":2}`)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Store
		if rec, err := s.decodeService([]byte("k"), data); err == nil {
			again, err := encodeService(rec)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := s.decodeService([]byte("k"), again); err != nil || !reflect.DeepEqual(back, rec) {
				t.Fatalf("service round trip: %v\n%+v\n%+v", err, back, rec)
			}
		}
		if r, err := s.decodeReport([]byte("k"), data); err == nil {
			again, err := encodeReport(r)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := s.decodeReport([]byte("k"), again); err != nil || !reflect.DeepEqual(back, r) {
				t.Fatalf("report round trip: %v", err)
			}
		}
		if a, err := s.decodeAudit([]byte("k"), data); err == nil {
			again, _ := encodeAudit(a)
			if back, err := s.decodeAudit([]byte("k"), again); err != nil || back != a {
				t.Fatalf("audit round trip: %v", err)
			}
		}
	})
}
