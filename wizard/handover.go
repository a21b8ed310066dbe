package wizard

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Handing text over: the instructions for the customer's admin and the
// report for the ticket are copied to the engineer's clipboard with one
// key (OSC 52, which terminals honour over SSH too) or saved to a file,
// not only selected with the mouse.

// syncWriter serialises writes to the terminal: the renderer writes whole
// frames, and a clipboard sequence written between them must not land in
// the middle of one.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// syncFile is syncWriter for a terminal: it stays a file (its Fd is how
// Bubble Tea learns the window's size and sets the terminal's modes).
type syncFile struct {
	*os.File
	mu sync.Mutex
}

func (s *syncFile) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.File.Write(p)
}

// serialised wraps the program's output so that writes to it are whole.
func serialised(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		return &syncFile{File: f}
	}
	return &syncWriter{w: w}
}

// osc52 is the terminal sequence that sets the clipboard to text.
func osc52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
}

// copyText puts text on the clipboard and says so, or why it could not.
func (c *common) copyText(what, text string) (msg string, bad bool) {
	if c.term != nil {
		if _, err := io.WriteString(c.term, osc52(text)); err != nil {
			return fmt.Sprintf("Could not copy %s: %v", what, err), true
		}
	}
	return fmt.Sprintf("Copied %s to the clipboard (%d lines).", what, strings.Count(text, "\n")+1), false
}

// saveText writes text to name in the working directory, readable by its
// owner only, and says where.
func saveText(what, name, text string) (msg string, bad bool) {
	if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
		return fmt.Sprintf("Could not save %s: %v", what, err), true
	}
	path, err := filepath.Abs(name)
	if err != nil {
		path = name
	}
	return fmt.Sprintf("Saved %s to %s.", what, path), false
}

// fileName is a file name for a service's text: its short name with what
// a file system could trip on replaced.
func fileName(service, kind, ext string) string {
	safe := strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`\/:*?"<>| `, r) {
			return '_'
		}
		return r
	}, service)
	return "onboard-" + safe + "-" + kind + "." + ext
}
