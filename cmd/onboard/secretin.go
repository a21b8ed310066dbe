package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"onboard/wizard"
)

// maxSecretBytes bounds what is read from stdin: Entra secrets are 40
// characters, and a stray pipe of a large file must not be swallowed.
const maxSecretBytes = 4096

// readSecret reads the client secret from stdin, the only way it may enter
// a command (a flag or variable would leave it in shell history and in
// /proc). From a terminal it prompts on stderr with the echo off — the
// terminal keeps its signals, so ctrl+c interrupts at once and is never
// read as part of the secret; from a pipe it takes the first line. The
// secret is never part of an error.
func readSecret(ctx context.Context, in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		restore, err := wizard.HideInput(f)
		if err != nil {
			return "", failedf("read the client secret from the terminal: %v", err)
		}
		defer restore()
		fmt.Fprint(prompt, "Client secret (its Value, not its Secret ID): ")
	}
	type read struct {
		line string
		err  error
	}
	got := make(chan read, 1)
	go func() {
		r := bufio.NewReaderSize(io.LimitReader(in, maxSecretBytes+1), 512)
		line, err := r.ReadString('\n')
		got <- read{line, err}
	}()
	var r read
	select {
	case r = <-got:
	case <-ctx.Done():
		return "", interruptedf("interrupted while reading the client secret: nothing was saved")
	}
	if r.err != nil && !errors.Is(r.err, io.EOF) {
		return "", failedf("read the client secret from stdin: %v", r.err)
	}
	// Only the line ending is ours to drop; other whitespace around the
	// value is trimmed by the rules, which also tell the engineer.
	line := strings.TrimSuffix(r.line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if len(line) > maxSecretBytes {
		return "", usagef("the client secret on stdin is longer than %d bytes: pipe only the secret's Value", maxSecretBytes)
	}
	return line, nil
}
