package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// maxSecretBytes bounds what is read from stdin: Entra secrets are 40
// characters, and a stray pipe of a large file must not be swallowed.
const maxSecretBytes = 4096

// readSecret reads the client secret from stdin, the only way it may enter
// a command (a flag or variable would leave it in shell history and in
// /proc). From a terminal it prompts on stderr without echo; from a pipe it
// takes the first line. The secret is never part of an error.
func readSecret(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprint(prompt, "Client secret (its Value, not its Secret ID): ")
		b, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(prompt)
		if err != nil {
			return "", failedf("read the client secret from the terminal: %v", err)
		}
		return string(b), nil
	}
	r := bufio.NewReaderSize(io.LimitReader(in, maxSecretBytes+1), 512)
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", failedf("read the client secret from stdin: %v", err)
	}
	if len(line) > maxSecretBytes {
		return "", usagef("the client secret on stdin is longer than %d bytes: pipe only the secret's Value", maxSecretBytes)
	}
	// Only the line ending is ours to drop; other whitespace around the
	// value is trimmed by the rules, which also tell the engineer.
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	return line, nil
}
