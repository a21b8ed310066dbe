package wizard

import (
	"strings"
	"testing"
)

func TestWordwrapKeepsIDsWholeAndPathsReadable(t *testing.T) {
	tests := []struct {
		name, text string
		width      int
		want       []string
	}{
		{"GUID stays on one line", "Entra ID issued an app-only token for tenant 8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60: the secret works.", 60,
			[]string{"Entra ID issued an app-only token for tenant", "8d3c5a0e-6b1f-4e2a-9c7d-1f2e3a4b5c60: the secret works."}},
		{"a line does not start with >", "Create a new client secret in Entra admin center (entra.microsoft.com) > Identity > Applications", 71,
			// ansi.Wordwrap alone: "…(entra.microsoft.com)" / "> Identity > Applications"
			[]string{"Create a new client secret in Entra admin center", "(entra.microsoft.com) > Identity > Applications"}},
		{"no wrap needed", "a-b > c", 20, []string{"a-b > c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Split(wordwrap(tt.text, tt.width), "\n")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wordwrap(%q, %d) =\n%q\nwant\n%q", tt.text, tt.width, got, tt.want)
			}
		})
	}
}
