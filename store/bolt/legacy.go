package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
)

// The reader of schema 1's packed values, kept only to migrate a database
// written by the first onboard (migrate.go): schema 1 packed every service
// record and report with a hand-written LZ coder against a fixed
// dictionary (dictionary1) and folded GUIDs to 16 bytes. Schema 2 stores
// them in its own binary format (bin.go, codec.go), so only the unpacking
// half is left, unchanged, because it is part of that file format.

const (
	formatPacked1 byte = 1
	formatPacked2 byte = 2
	guidMark           = 0xFF
	minMatch           = 4
	// maxValue bounds what a value may unpack to, so a damaged file
	// cannot make a read allocate without limit.
	maxValue   = 8 << 20
	dictLength = len(dictionary1)
)

var errDamaged = errors.New("not a value onboard wrote")

// unpackedV1 is the JSON of a schema-1 value: plain JSON as is, a packed
// one unpacked.
func unpackedV1(v []byte) ([]byte, error) {
	if len(v) > 0 && v[0] == '{' {
		return v, nil
	}
	return unpack(nil, v)
}

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

// unpack reverses schema 1's packing, appending to dst. Any value it did
// not write is an error, never a panic or an unbounded allocation.
func unpack(dst, v []byte) ([]byte, error) {
	if len(v) == 0 {
		return nil, errDamaged
	}
	switch v[0] {
	case formatPacked1:
		return unpackLZ(dst, v[1:])
	case formatPacked2:
		folded, err := unpackLZ(nil, v[1:])
		if err != nil {
			return nil, err
		}
		return unfoldGUIDs(dst, folded)
	}
	return nil, errDamaged
}

// unfoldGUIDs writes out the GUIDs schema 1 folded (guidMark and their 16
// bytes) as text again, appending to dst.
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

// dictionary1 is the preset dictionary of the packed value format 1: the
// phrases and field names that recur in every service record and report, so
// a record packs to little more than what is particular to it (names, GUIDs,
// dates).
//
// It is part of the file format (formats 1 and 2, see legacy.go): it must
// never change; TestPackedFormatsFrozen pins it. A better dictionary is a
// new format byte and a dictionary2 beside this one, never an edit here.
const dictionary1 = `Entra admin center > Identity > Applications > App registrations > Certificates & secrets > ` +
	` > API permissions > Add a permission > Microsoft Graph > Application permissions > ` +
	` > Add permissions, then Grant admin consent. (needed for: tenant name and domains; secret expiry and Entra roles; admin user check). ` +
	`"status":"fail","status":"warn","state":"active","license":"pro","cloud":"usgov","cloud":"china",` +
	`Entra admin center > Identity > Roles & admins > Roles & admins > Teams Administrator > Add assignments > select ` +
	`Microsoft Graph refused to read (403 Authorization_RequestDenied), the app lacks Application.Read.All. ` +
	`Directory.Read.All Organization.Read.All Application.Read.All User.Read.All ` +
	`Validate again; if it persists, give support the tenant ID. Validate again in a few minutes. ` +
	`The client secret expired on . Create a new client secret in ` +
	`Missing Microsoft Graph application permission(s): (needed for: ). Granted: . ` +
	`The app has no Teams Administrator role (nor Skype for Business Administrator + Teams Communications Administrator); assigned: ` +
	`Skype for Business Administrator and Teams Communications Administrator are assigned to the app. ` +
	`Secret expiry unknown: none of the app's client secret(s) has the hint . ` +
	`Entra roles unknown: Admin not found: there is no user in this tenant. ` +
	`"checks":[{"name":"Input","status":"fail","detail":"","fix":""},` +
	`{"name":"Admin user","status":"pass","detail":" exists and is enabled."},` +
	`{"name":"Entra role","status":"pass","detail":"Teams Administrator is assigned to the app (assigned: Teams Administrator)."},` +
	`{"name":"Secret expiry","status":"pass","detail":"The client secret expires on , in days."},` +
	`{"name":"Graph permissions","status":"pass","detail":"Granted: Application.Read.All, Organization.Read.All, User.Read.All."},` +
	`{"name":"Tenant","status":"pass","detail":": initial domain .onmicrosoft.com, default domain ."},` +
	`{"name":"Token","status":"pass","detail":"Entra ID issued an app-only token for tenant : the secret works."}],` +
	`{"v":1,"name":"","fullName":"","customer":"","license":"essentials-plus","users":,"m365Domain":"","state":"pending-authentication",` +
	`"app":{"tenantId":"","clientId":"","adminUser":"","manualExpiry":"2026-01-01T00:00:00Z"},` +
	`"createdAt":"2026-01-01T00:00:00.000000000Z","updatedAt":"2026-01-01T00:00:00.000000000Z",` +
	`"lastValidation":{"status":"pass","at":"2026-01-01T00:00:00.000000000Z","elapsedNs":,"cloud":"global",` +
	`"clientId":"","secretHint":"","tenantId":"","tenantName":"","initialDomain":".onmicrosoft.com","defaultDomain":"",` +
	`"appName":"","secretExpiresAt":"2026-01-01T00:00:00Z","daysUntilExpire":,"roles":["Teams Administrator"],` +
	`"permissions":["Application.Read.All","Organization.Read.All","User.Read.All"],` +
	`"admin":{"id":"","userPrincipalName":"","displayName":"","accountEnabled":true},` +
	`"aadsts":"","traceId":"","correlationId":""},"sealedSecret":"AQ"}`
