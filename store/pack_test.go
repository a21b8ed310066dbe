package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestPackRoundTrip(t *testing.T) {
	svc := fullService("con-1", "Contoso")
	full, _ := encode(serviceRecord{V: 1, Service: svc, Sealed: bytes.Repeat([]byte{0xa5}, 69)})
	rnd := rand.New(rand.NewPCG(3, 4))
	noise := make([]byte, 3000)
	for i := range noise {
		noise[i] = byte(rnd.IntN(256))
	}
	inputs := [][]byte{
		full,
		[]byte("{}"),
		{},
		[]byte(dictionary1),                // all one match
		[]byte(dictionary1 + dictionary1),  // matches into the output
		[]byte(strings.Repeat("a", 10000)), // overlapping matches
		noise,                              // literals only
		append(append([]byte(nil), dictionary1[100:900]...), noise[:100]...),
		[]byte(`{"a":"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d","b":"0B5E4C1A-2D3F-4A5B-8C7D-9E0F1A2B3C4D"}`),
		[]byte("0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d"),                                    // only a GUID
		[]byte("0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4"), // one and a bit
		[]byte("\xff0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d"),                                // a marker byte: not folded
	}
	for i, in := range inputs {
		p := pack(in)
		got, err := unpack(nil, p)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("input %d (%d bytes): round trip failed: %v", i, len(in), err)
		}
		// Appending to a non-empty dst works too.
		got, err = unpack([]byte("prefix"), p)
		if err != nil || string(got[:6]) != "prefix" || !bytes.Equal(got[6:], in) {
			t.Fatalf("input %d: unpack after a prefix failed: %v", i, err)
		}
	}
	if p := pack(full); len(p)*3 > len(full) {
		t.Errorf("a service record packs to %d of %d bytes; expected under a third", len(p), len(full))
	}
	if p := pack(inputs[len(inputs)-4]); p[0] != formatPacked2 {
		t.Errorf("JSON with GUIDs packed in format %d, want %d", p[0], formatPacked2)
	}
	if p := pack(inputs[len(inputs)-1]); p[0] != formatPacked1 {
		t.Errorf("input holding the marker byte packed in format %d, want %d", p[0], formatPacked1)
	}
}

// A damaged packed value is an error that says so, never a panic.
func TestPackedValueDamaged(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, fullService("con-1", "Contoso"))
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketServices)
		v := bytes.Clone(b.Get(nameKey("con-1")))
		return b.Put(nameKey("con-1"), v[:len(v)/2])
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GetService("con-1")
	if err == nil || !strings.Contains(err.Error(), "read service: the stored value is damaged") {
		t.Fatalf("GetService of a truncated value = %v", err)
	}
}

// Unpacking arbitrary bytes returns an error or a value, never a panic, and
// never more than maxValue bytes; what pack wrote always comes back.
func FuzzUnpack(f *testing.F) {
	svc := fullService("con-1", "Contoso")
	full, _ := encode(serviceRecord{V: 1, Service: svc})
	report, _ := json.Marshal(sampleReport(time.Unix(0, 0).UTC(), "pass"))
	for _, in := range [][]byte{full, report, []byte("{}"), []byte(strings.Repeat("ab", 100))} {
		f.Add(pack(in), in)
	}
	f.Add(pack([]byte(`["0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d"]`)), []byte("x0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4dx"))
	f.Add([]byte{formatPacked2, 3, 0x30, 0xff, 1, 2}, []byte("\xff"))
	f.Add([]byte{formatPacked1, 0xff, 0xff, 0xff, 0xff, 0x0f}, []byte(nil))
	f.Add([]byte{formatPacked1, 10, 0x0f, 0x80}, []byte(nil))
	f.Fuzz(func(t *testing.T, packed, plain []byte) {
		if out, err := unpack(nil, packed); err == nil && len(out) > maxValue {
			t.Fatalf("unpacked %d bytes", len(out))
		}
		if got, err := unpack(nil, pack(plain)); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("round trip of %q: %v", plain, err)
		}
	})
}
