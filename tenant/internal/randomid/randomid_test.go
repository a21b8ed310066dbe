package randomid

import (
	"regexp"
	"testing"
)

func TestGUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		g := GUID()
		if !v4.MatchString(g) {
			t.Fatalf("%q is not a version 4 GUID", g)
		}
		if seen[g] {
			t.Fatalf("%q came twice", g)
		}
		seen[g] = true
	}
}
