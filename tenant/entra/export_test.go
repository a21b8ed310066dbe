package entra

// What the external tests (package entra_test) use of the package's
// internals: the encodings a secret takes and the independent leak check.
var (
	Encodings = encodings
	Leaks     = leaks
)

// LeakySecret has every character an encoder treats specially.
const LeakySecret = leakySecret
