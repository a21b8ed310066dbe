//go:build !linux

package wizard

import (
	"errors"
	"os"

	"github.com/charmbracelet/x/term"
)

// hideInput has no portable way to keep signals while hiding the echo
// outside Linux: a terminal there is refused for secrets rather than
// echoing them.
func hideInput(f *os.File) (func(), error) {
	if !term.IsTerminal(f.Fd()) {
		return func() {}, nil
	}
	return nil, errors.New("reading a secret without echo is supported on Linux terminals only: pipe the secret in instead")
}
