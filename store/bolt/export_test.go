package bolt

import (
	"bytes"
	"fmt"
)

// MoveSealedSecret is the value of service record to with the sealed
// secret of service record from: what a hand-edited file would hold.
func MoveSealedSecret(from, to []byte) ([]byte, error) {
	var s Store
	a, err := s.decodeService([]byte("from"), from)
	if err != nil {
		return nil, err
	}
	b, err := s.decodeService([]byte("to"), to)
	if err != nil {
		return nil, err
	}
	if a.Sealed == nil || bytes.Equal(a.Sealed, b.Sealed) {
		return nil, fmt.Errorf("sealed secrets %x / %x", a.Sealed, b.Sealed)
	}
	b.Sealed = a.Sealed
	return encodeService(b)
}
