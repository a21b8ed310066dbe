package bolt

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"time"
)

// The binary encoding of the values listing and looking up read: a
// service record, a report (then compressed) and an audit entry. JSON
// spelled every field name in every value — 100,000 services took 320 MB
// and a listing spent 90% of its time in encoding/json. A value here is
// its format byte and its fields in a fixed order: strings and byte
// strings with a uvarint length, numbers as varints, times as varint
// Unix nanoseconds, GUIDs as 16 bytes. A value of another format byte is
// refused as damaged, never misread; a new field is a new format byte.

// errTruncated is what a decoder says of a value that ends too soon or
// holds an impossible length: a damaged value, never a panic.
var errTruncated = errors.New("the stored value is cut short or damaged")

// enc appends fields to a value.
type enc struct{ b []byte }

func (e *enc) byte(v byte)      { e.b = append(e.b, v) }
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bytes(p []byte)   { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *enc) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}
func (e *enc) optInt(v *int) { e.bool(v != nil); e.varint(int64(deref(v))) }
func (e *enc) optTime(t *time.Time) {
	if t == nil {
		e.byte(0)
		return
	}
	e.byte(1)
	e.time(*t)
}

// time writes a moment; the zero time is its own mark, as it has no Unix
// nanoseconds.
func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.byte(0)
		return
	}
	e.byte(1)
	e.varint(t.UnixNano())
}

// strs writes a list, telling nil (unknown) from empty (none).
func (e *enc) strs(l []string) {
	if l == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(len(l)) + 1)
	for _, s := range l {
		e.str(s)
	}
}

// guid writes a lower-case GUID as its 16 bytes, anything else as text.
func (e *enc) guid(s string) {
	if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' {
		var raw [16]byte
		if n, err := hex.Decode(raw[:], []byte(s[0:8]+s[9:13]+s[14:18]+s[19:23]+s[24:])); err == nil && n == 16 &&
			hex.EncodeToString(raw[:]) == s[0:8]+s[9:13]+s[14:18]+s[19:23]+s[24:] {
			e.byte(1)
			e.b = append(e.b, raw[:]...)
			return
		}
	}
	e.byte(0)
	e.str(s)
}

func deref(v *int) int {
	if v == nil {
		return 0
	}
	return *v
}

// dec reads fields back; the first problem sticks and every later read
// returns zero values, so a decoder checks err once at the end.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errTruncated
	}
	d.b = nil
}

func (d *dec) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// take is the next n bytes, still pointing into the value.
func (d *dec) take(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *dec) str() string { return string(d.take(d.uvarint())) }

// bytes is a copy: bbolt's values are only valid inside their transaction.
func (d *dec) bytes() []byte {
	p := d.take(d.uvarint())
	if len(p) == 0 {
		return nil
	}
	return append([]byte(nil), p...)
}

func (d *dec) bool() bool { return d.byte() == 1 }

func (d *dec) int() int {
	v := d.varint()
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *dec) optInt() *int {
	set := d.bool()
	v := d.int()
	if !set {
		return nil
	}
	return &v
}

func (d *dec) time() time.Time {
	if d.byte() == 0 {
		return time.Time{}
	}
	return time.Unix(0, d.varint()).UTC()
}

func (d *dec) optTime() *time.Time {
	if d.byte() == 0 {
		return nil
	}
	t := d.time()
	return &t
}

func (d *dec) strs() []string {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	if n-1 > uint64(len(d.b)) { // each string takes a byte at least
		d.fail()
		return nil
	}
	out := make([]string, n-1)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *dec) guid() string {
	if d.byte() == 0 {
		return d.str()
	}
	raw := d.take(16)
	if raw == nil {
		return ""
	}
	h := hex.EncodeToString(raw)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// end reports the first problem, or bytes left over (a value this
// format does not describe).
func (d *dec) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errTruncated
	}
	return d.err
}
