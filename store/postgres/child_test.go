package postgres_test

import (
	"fmt"
	"os"
)

// envChild makes the test binary a child process of a test (two
// engineers' processes on one database): its value names the role.
const envChild = "ONBOARD_TEST_CHILD"

// runChild runs the role a parent test gave this process.
func runChild(role string) int {
	fmt.Fprintf(os.Stderr, "unknown child role %q\n", role)
	return 2
}
