package tenant

import "time"

// The expiry policy: how many days a client secret has left and how
// urgent that is. It is the one place these are decided, so the report's
// check, the colours on screen, `expiring` and the JSON always agree.

// Thresholds of the expiry policy, in days until expire.
const (
	// ExpiryWarnDays: a secret expiring within this many days is a warning.
	ExpiryWarnDays = 30
	// ExpiryUrgentDays: within this many days the warning is urgent.
	ExpiryUrgentDays = 14
)

// Urgency is how soon a client secret must be replaced.
type Urgency int

// Urgencies from least to most pressing; unknown sorts apart.
const (
	UrgencyUnknown Urgency = iota // the expiry date is not known
	UrgencyOK                     // more than ExpiryWarnDays left
	UrgencySoon                   // ExpiryWarnDays or fewer left
	UrgencyUrgent                 // ExpiryUrgentDays or fewer left
	UrgencyExpired                // the expiry date has passed
)

// DaysUntil counts calendar days from now to at in now's time zone (the
// engineer's, since now comes from the local clock): a secret expiring
// later today has 0 days left, one that expired yesterday -1, and one
// expiring on 2027-06-18 has 200 days left on 2026-11-30.
func DaysUntil(now, at time.Time) int {
	loc := now.Location()
	day := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(day(at).Sub(day(now)).Hours() / 24)
}

// Expiry is what is known of a secret's end date at a moment: the date,
// the days left and the urgency, all nil/unknown together.
type Expiry struct {
	At      *time.Time
	Days    *int
	Urgency Urgency
}

// ExpiryAt judges an expiry date (nil: unknown) at now.
func ExpiryAt(now time.Time, at *time.Time) Expiry {
	if at == nil {
		return Expiry{Urgency: UrgencyUnknown}
	}
	d := DaysUntil(now, *at)
	e := Expiry{At: at, Days: &d}
	switch {
	case !now.Before(*at):
		e.Urgency = UrgencyExpired
	case d <= ExpiryUrgentDays:
		e.Urgency = UrgencyUrgent
	case d <= ExpiryWarnDays:
		e.Urgency = UrgencySoon
	default:
		e.Urgency = UrgencyOK
	}
	return e
}

// Status is the report status the urgency calls for: an expired secret
// fails, one within ExpiryWarnDays warns.
func (u Urgency) Status() Status {
	switch u {
	case UrgencyExpired:
		return StatusFail
	case UrgencySoon, UrgencyUrgent, UrgencyUnknown:
		return StatusWarn
	}
	return StatusPass
}
