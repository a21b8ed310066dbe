package wizard

import "os"

// HideInput turns off the echo of what is typed on the terminal f (for a
// secret) and returns what restores it. Unlike a raw-mode password read,
// the terminal keeps its line editing and its signals: ctrl+c interrupts
// at once, and is never read as part of the secret. On a file that is not
// a terminal it does nothing.
func HideInput(f *os.File) (restore func(), err error) { return hideInput(f) }
