package present

import (
	"testing"
	"time"

	"onboard/tenant"
)

func TestSignInOf(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c := tenant.DeviceCode{VerificationURL: "https://microsoft.com/devicelogin", UserCode: "FRWQDE7YL", ExpiresAt: now.Add(14*time.Minute + 52*time.Second)}
	s := SignInOf(c, now)
	if s.Spaced != "F R W Q D E 7 Y L" || s.Left != "14:52" || s.Expires != "12:14" || s.Over {
		t.Errorf("%+v", s)
	}
	if s := SignInOf(c, now.Add(time.Hour)); s.Left != "0:00" || !s.Over {
		t.Errorf("expired: %+v", s)
	}
	if got := s.Instruction(); got != "On their own phone or computer, the customer's admin opens https://microsoft.com/devicelogin and enters the code FRWQDE7YL." {
		t.Errorf("instruction %q", got)
	}
	if got := StepLine(tenant.CreationStep{Name: tenant.StepRole, Status: tenant.StatusPass, Detail: "Assigned."}); got != "✓ Entra role: Assigned." {
		t.Errorf("step line %q", got)
	}
}
