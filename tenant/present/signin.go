package present

import (
	"fmt"
	"strings"
	"time"

	"onboard/tenant"
)

// SignIn is a device code as the screens, the accessible mode and the
// command show it to the engineer, who reads it to the customer's admin.
type SignIn struct {
	// URL is the page the admin opens on their own phone or computer.
	URL string
	// Code is what the admin types there; Spaced is the same with a space
	// between characters, for reading aloud or across a desk.
	Code, Spaced string
	// Expires is the time the code stops working (15:04, the engineer's
	// time zone), Left how long is left (14:59; 0:00 once expired).
	Expires, Left string
	// Over: the code has expired.
	Over bool
}

// SignInOf presents a device code at now.
func SignInOf(c tenant.DeviceCode, now time.Time) SignIn {
	s := SignIn{URL: c.VerificationURL, Code: c.UserCode, Spaced: strings.Join(strings.Split(c.UserCode, ""), " ")}
	if !c.ExpiresAt.IsZero() {
		s.Expires = c.ExpiresAt.In(now.Location()).Format("15:04")
		left := c.ExpiresAt.Sub(now).Round(time.Second)
		if left <= 0 {
			left, s.Over = 0, true
		}
		s.Left = fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	}
	return s
}

// Instruction is the sentence that goes with a code.
func (s SignIn) Instruction() string {
	return "On their own phone or computer, the customer's admin opens " + s.URL + " and enters the code " + s.Code + "."
}

// StepLine is a creation step as one line: its mark, name and detail.
func StepLine(s tenant.CreationStep) string {
	return s.Status.Symbol() + " " + s.Name + ": " + s.Detail
}
