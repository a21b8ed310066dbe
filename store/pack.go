package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Packing: service records and reports are stored packed — the JSON
// compressed against a fixed dictionary (dictionary1) of the field names and
// the validator's phrases, with LZ77 back-references and no entropy coding.
// A record's JSON is mostly those names and phrases, so it packs to about a
// quarter of its size, and unpacking is a copy loop: listing 100,000
// services must not spend its time in a general-purpose decompressor
// (compress/flate costs more per record than decoding the JSON does).
//
// Format 1, after the format byte: uvarint length of the JSON, then
// sequences, LZ4-style:
//
//	token byte: high nibble literal count, low nibble match length - minMatch
//	            (15 in either: the rest follows as a uvarint)
//	[uvarint literal count - 15] literal bytes
//	(the value ends here once the JSON is complete)
//	[uvarint match length - minMatch - 15]
//	uvarint distance back from the current position into dictionary1
//	        followed by the JSON unpacked so far
const formatPacked1 byte = 1

// formatPacked2 is format 1 applied to the JSON with every lower-case
// GUID folded to a marker byte and its 16 bytes (foldGUIDs): a record holds
// five or more distinct GUIDs (tenant, application, admin, request IDs),
// which no dictionary can predict, and folding halves them. It is used
// whenever the JSON has no marker byte (JSON, being UTF-8, never has).
const formatPacked2 byte = 2

// guidMark stands for a folded GUID. 0xFF never occurs in UTF-8.
const guidMark = 0xFF

const (
	minMatch = 4
	// maxValue bounds what a value may unpack to, so a damaged file
	// cannot make a read allocate without limit.
	maxValue   = 8 << 20
	hashBits   = 14
	maxChain   = 32
	dictLength = len(dictionary1)
)

var errDamaged = errors.New("not a value this store wrote")

func hash4(b []byte) uint32 {
	return (binary.LittleEndian.Uint32(b) * 2654435761) >> (32 - hashBits)
}

// dictIndex is the hash chain of dictionary1, built once; each pack copies
// it and goes on chaining its own input.
var dictIndex = sync.OnceValue(func() *packIndex {
	ix := &packIndex{}
	for i := range ix.head {
		ix.head[i] = -1
	}
	ix.prev = make([]int32, dictLength)
	d := []byte(dictionary1)
	for i := 0; i+minMatch <= len(d); i++ {
		h := hash4(d[i:])
		ix.prev[i] = ix.head[h]
		ix.head[h] = int32(i)
	}
	return ix
})

type packIndex struct {
	head [1 << hashBits]int32
	prev []int32 // per position of dictionary1 + input: the previous one with the same hash
}

var packIndexes = sync.Pool{New: func() any { return &packIndex{} }}

// pack returns the packed form of a JSON value.
func pack(js []byte) []byte {
	if bytes.IndexByte(js, guidMark) < 0 {
		if folded, n := foldGUIDs(js); n > 0 {
			return packLZ(formatPacked2, folded)
		}
	}
	return packLZ(formatPacked1, js)
}

func packLZ(format byte, js []byte) []byte {
	base := dictIndex()
	ix := packIndexes.Get().(*packIndex)
	defer packIndexes.Put(ix)
	ix.head = base.head
	ix.prev = append(append(ix.prev[:0], base.prev...), make([]int32, len(js))...)

	// buf is dictionary1 followed by the input: matches may start in
	// either and run on into the input.
	buf := make([]byte, 0, dictLength+len(js))
	buf = append(append(buf, dictionary1...), js...)
	out := make([]byte, 0, len(js)/3+16)
	out = append(out, format)
	out = binary.AppendUvarint(out, uint64(len(js)))

	lit := dictLength // start of the pending literal run
	insert := func(p int) {
		if p+minMatch <= len(buf) {
			h := hash4(buf[p:])
			ix.prev[p] = ix.head[h]
			ix.head[h] = int32(p)
		}
	}
	for p := dictLength; p < len(buf); {
		bestLen, bestPos := 0, 0
		if p+minMatch <= len(buf) {
			cand := ix.head[hash4(buf[p:])]
			for n := 0; cand >= 0 && n < maxChain; n++ {
				c := int(cand)
				l := 0
				for p+l < len(buf) && buf[c+l] == buf[p+l] {
					l++
				}
				if l > bestLen {
					bestLen, bestPos = l, c
				}
				cand = ix.prev[c]
			}
		}
		if bestLen < minMatch {
			insert(p)
			p++
			continue
		}
		out = appendSequence(out, buf[lit:p], bestLen-minMatch)
		out = binary.AppendUvarint(out, uint64(p-bestPos))
		for end := p + bestLen; p < end; p++ {
			insert(p)
		}
		lit = p
	}
	return appendSequence(out, buf[lit:], 0)
}

func appendSequence(out, literals []byte, match int) []byte {
	token := byte(min(len(literals), 15))<<4 | byte(min(match, 15))
	out = append(out, token)
	if len(literals) >= 15 {
		out = binary.AppendUvarint(out, uint64(len(literals)-15))
	}
	out = append(out, literals...)
	if match >= 15 {
		out = binary.AppendUvarint(out, uint64(match-15))
	}
	return out
}

// nibble reads a token's count: the nibble, or 15 plus a uvarint.
func nibble(v []byte, n byte) (uint64, []byte, bool) {
	if n < 15 {
		return uint64(n), v, true
	}
	x, k := binary.Uvarint(v)
	if k <= 0 || x > maxValue {
		return 0, nil, false
	}
	return x + 15, v[k:], true
}

// unpack reverses pack, appending to dst. Any value pack did not write is
// an error, never a panic or an unbounded allocation.
func unpack(dst, v []byte) ([]byte, error) {
	if len(v) == 0 {
		return nil, errDamaged
	}
	switch v[0] {
	case formatPacked1:
		return unpackLZ(dst, v[1:])
	case formatPacked2:
		bp := unpackBuffers.Get().(*[]byte)
		defer unpackBuffers.Put(bp)
		folded, err := unpackLZ((*bp)[:0], v[1:])
		if err != nil {
			return nil, err
		}
		*bp = folded
		return unfoldGUIDs(dst, folded)
	}
	return nil, errDamaged
}

// foldGUIDs replaces each lower-case GUID (8-4-4-4-12 hex digits) by
// guidMark and its 16 bytes; n is how many it folded.
func foldGUIDs(js []byte) (out []byte, n int) {
	out = make([]byte, 0, len(js))
	for i := 0; i < len(js); {
		if i+36 <= len(js) && isGUID(js[i:i+36]) {
			out = append(out, guidMark)
			for j := 0; j < 36; j += 2 {
				if js[i+j] == '-' {
					j--
					continue
				}
				out = append(out, unhex(js[i+j])<<4|unhex(js[i+j+1]))
			}
			i += 36
			n++
			continue
		}
		out = append(out, js[i])
		i++
	}
	return out, n
}

func isGUID(b []byte) bool {
	for i, c := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// unfoldGUIDs reverses foldGUIDs, appending to dst.
func unfoldGUIDs(dst, folded []byte) ([]byte, error) {
	const digits = "0123456789abcdef"
	for {
		i := bytes.IndexByte(folded, guidMark)
		if i < 0 {
			if len(dst)+len(folded) > maxValue {
				return nil, errDamaged
			}
			return append(dst, folded...), nil
		}
		if i+17 > len(folded) || len(dst)+i+36 > maxValue {
			return nil, errDamaged
		}
		dst = append(dst, folded[:i]...)
		var g [36]byte
		n := 0
		for j, b := range folded[i+1 : i+17] {
			if j == 4 || j == 6 || j == 8 || j == 10 {
				g[n] = '-'
				n++
			}
			g[n], g[n+1] = digits[b>>4], digits[b&15]
			n += 2
		}
		dst = append(dst, g[:]...)
		folded = folded[i+17:]
	}
}

// unpackLZ decodes the LZ stream of formats 1 and 2 (after the format byte).
func unpackLZ(dst, v []byte) ([]byte, error) {
	size, n := binary.Uvarint(v)
	if n <= 0 || size > maxValue {
		return nil, errDamaged
	}
	v = v[n:]
	start := len(dst)
	want := start + int(size)
	dst = slices.Grow(dst, int(size))
	for {
		if len(v) == 0 {
			return nil, errDamaged
		}
		token := v[0]
		var l, ml uint64
		var ok bool
		l, v, ok = nibble(v[1:], token>>4)
		if !ok || l > uint64(len(v)) || l > uint64(want-len(dst)) {
			return nil, errDamaged
		}
		dst = append(dst, v[:l]...)
		v = v[l:]
		if len(dst) == want {
			if len(v) != 0 || token&15 != 0 {
				return nil, errDamaged
			}
			return dst, nil
		}
		ml, v, ok = nibble(v, token&15)
		if !ok {
			return nil, errDamaged
		}
		dist, n := binary.Uvarint(v)
		if n <= 0 {
			return nil, errDamaged
		}
		v = v[n:]
		ml += minMatch
		have := uint64(len(dst) - start)
		if ml > uint64(want-len(dst)) || dist == 0 || dist > uint64(dictLength)+have {
			return nil, errDamaged
		}
		// A match may begin in the dictionary and run on into the output,
		// and may overlap what it produces (then it repeats: byte by byte).
		from := int(have) - int(dist) // < 0: inside the dictionary
		rest := int(ml)
		if from < 0 {
			k := min(rest, -from)
			dst = append(dst, dictionary1[dictLength+from:dictLength+from+k]...)
			from, rest = from+k, rest-k
		}
		if f := start + from; rest == 0 {
			continue
		} else if f+rest <= len(dst) {
			dst = append(dst, dst[f:f+rest]...)
		} else {
			for i := range rest {
				dst = append(dst, dst[f+i])
			}
		}
	}
}

// unpacked calls fn with the JSON of a stored value: plain JSON (it starts
// with '{') as is, a packed value unpacked into a pooled buffer. The bytes
// given to fn are only valid during the call.
func unpacked(v []byte, fn func(js []byte) error) error {
	if len(v) > 0 && v[0] == '{' {
		return fn(v)
	}
	bp := unpackBuffers.Get().(*[]byte)
	defer unpackBuffers.Put(bp)
	js, err := unpack((*bp)[:0], v)
	if err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	*bp = js
	return fn(js)
}

var unpackBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
