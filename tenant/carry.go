package tenant

// CarryFacts keeps what an earlier report of the same secret knew and this
// one could not read: one Graph blip must not turn a known expiry date into
// "unknown". The same secret means the same Application ID and secret hint
// — never across a secret replacement. The expiry keeps the time it was
// read (ExpiryReadAt), so the screens can say how old it is. The verdict
// and the checks are left as they are: they say what happened this time.
func CarryFacts(prev, cur *ValidationReport) {
	if prev == nil || cur == nil || prev.ClientID != cur.ClientID || prev.SecretHint == "" || prev.SecretHint != cur.SecretHint {
		return
	}
	if cur.SecretExpiresAt == nil && prev.SecretExpiresAt != nil {
		at := *prev.SecretExpiresAt
		cur.SecretExpiresAt = &at
		read := prev.At
		if prev.ExpiryReadAt != nil {
			read = *prev.ExpiryReadAt
		}
		cur.ExpiryReadAt = &read
		d := DaysUntil(cur.At, at)
		cur.DaysUntilExpire = &d
	}
	if cur.TenantName == "" {
		cur.TenantName = prev.TenantName
	}
	if cur.InitialDomain == "" {
		cur.InitialDomain = prev.InitialDomain
	}
	if cur.DefaultDomain == "" {
		cur.DefaultDomain = prev.DefaultDomain
	}
	if cur.AppName == "" {
		cur.AppName = prev.AppName
	}
}
