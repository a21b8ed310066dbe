package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// The packed formats are what files on disk hold: values packed by this
// build must unpack in every later one. During development format byte 1
// already meant three things (DEFLATE, then LZ against two different
// dictionaries), so a file written in between reads as damaged or, worse,
// as other JSON. These values were packed once and written down here: if
// the dictionary or the unpacker changes meaning, this fails — add a new
// format byte instead.
func TestPackedFormatsFrozen(t *testing.T) {
	const dictSHA256 = "b1b576468a1a03fcce858f13967419bcf326875760223063d14adcf9f51b3ee8"
	if sum := sha256.Sum256([]byte(dictionary1)); hex.EncodeToString(sum[:]) != dictSHA256 {
		t.Fatalf("dictionary1 changed (sha256 %x): every stored value packed against it now reads wrong; restore it and put a new dictionary behind a new format byte", sum)
	}
	for _, c := range []struct{ packed, js string }{
		{ // format 1: a pending service (no GUIDs)
			packed: "01de010bd70600fb052a2d31cf0660436f6e746f73cd130f10d6062f313031c8060f029306df332d31345430393a32363a35330389060b23107d",
			js:     `{"v":1,"name":"pend-1","customer":"Contoso","license":"essentials-plus","users":10,"state":"pending-authentication","app":{"tenantId":"","clientId":""},"createdAt":"2026-03-14T09:26:53Z","updatedAt":"2026-03-14T09:26:53Z"}`,
		},
		{ // format 2: GUIDs folded, then format 1's LZ
			packed: "02bb090bd7065a636f6e2d31dc0673436f6e746f736fd3118a20526f7574696e67f20603240f00801403ed063b323530f00612633303e2030dc8140eeb06fa02ff0b5e4c1a2d3f4a5b8c7d9e0f1a2b3c4df804fb02ff3f1c1d2e8a4b4c5d9e6f7a8b9c0d1e2f8d07010c1a40760f029e07df392d33305430393a32363a3533049e0774332d3134543037240f01940702231638230f088a0703cd16078a070d3e0780073238313298070f0b89070f019102099a073a5a71389d070f01e20209ae07048b043f4c746400b90704dc020f0fc0070a860306cb076e486f73746564ea040f05e00749362d3132a6020de0072f39306ce2071061ce060f01e4070f0190050af50732416461ad010f07fe070ec21301cf0e0f098c0f3e676f74800f08ce0f02af020eeb1b0f15801305a314021100ac1923696eb41562494420e280bac51b00d50f07b3091174f8080cb6093f632d3102b909404944227d",
			js:     `{"v":1,"name":"con-1","fullName":"Contoso Direct Routing","customer":"Contoso","license":"pro","users":250,"m365Domain":"contoso.com","state":"active","app":{"tenantId":"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d","clientId":"3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f","adminUser":"admin@contoso.com","manualExpiry":"2026-09-30T09:26:53Z"},"createdAt":"2026-03-14T07:26:53Z","updatedAt":"2026-03-14T08:26:53Z","lastValidation":{"status":"warn","at":"2026-03-14T08:26:53Z","elapsedNs":812000000,"cloud":"global","clientId":"3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f","secretHint":"Zq8","tenantId":"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d","tenantName":"Contoso Ltd","initialDomain":"contoso.onmicrosoft.com","defaultDomain":"contoso.com","appName":"Hosted Direct Routing","secretExpiresAt":"2026-06-12T08:26:53Z","daysUntilExpire":90,"roles":["Teams Administrator"],"permissions":["Application.Read.All","Organization.Read.All","User.Read.All"],"admin":{"id":"a1","userPrincipalName":"admin@contoso.com","displayName":"Ada Admin","accountEnabled":true},"checks":[{"name":"token","status":"pass","detail":"got an app-only token"},{"name":"roles","status":"warn","detail":"Teams Administrator is assigned","fix":"assign it in Entra ID › Roles"}],"traceId":"t-1","correlationId":"c-1"},"sealedSecret":"AQID"}`,
		},
	} {
		packed, _ := hex.DecodeString(c.packed)
		got, err := unpack(nil, packed)
		if err != nil || string(got) != c.js {
			t.Errorf("a value packed in format %d no longer unpacks to what it held (%v):\n got %s\nwant %s", packed[0], err, got, c.js)
		}
	}
}

// A record too large for a read to accept is refused when written, not
// stored and then reported as damaged on every read.
func TestTooLargeRecordRefused(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	svc := fullService("con-1", "Contoso")
	svc.LastValidation.Checks[0].Detail = strings.Repeat("x", maxValue)
	err := s.CreateService(svc)
	if err == nil || !strings.Contains(err.Error(), "too large to store") {
		t.Fatalf("CreateService of a %d-byte record = %v", maxValue, err)
	}
	if _, err := s.GetService("con-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the refused record was stored: %v", err)
	}
	mustService(t, s, fullService("con-1", "Contoso"))
	if err := s.RecordValidation("con-1", *svc.LastValidation); err == nil {
		t.Fatal("RecordValidation stored a report too large to read back")
	}
	if got, err := s.GetService("con-1"); err != nil || len(got.LastValidation.Checks[0].Detail) > 100 {
		t.Fatalf("after the refused report: %v", err)
	}
}
