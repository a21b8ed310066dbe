// Package randomid makes the random (version 4) GUIDs that both sides of a
// validation send: the validator's client-request-id, and the simulated
// directory's trace, correlation and request IDs. It imports nothing of
// onboard, so the simulator stays independent of the validator it tests.
package randomid

import (
	"crypto/rand"
	"fmt"
)

// GUID returns a random version 4 GUID in its lower-case 8-4-4-4-12 form.
func GUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
