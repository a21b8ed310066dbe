package bolt

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"
	"time"

	"onboard/tenant"
)

// The dictionaries are part of the file format: schema 1's packed values
// (legacy.go, still read to migrate) and schema 2's reports (codec.go)
// read wrong if a byte of them changes. A better dictionary is a new
// format byte beside the old one, never an edit.
func TestPackedFormatsFrozen(t *testing.T) {
	for name, c := range map[string]struct{ dict, sha string }{
		"dictionary1":      {dictionary1, "b1b576468a1a03fcce858f13967419bcf326875760223063d14adcf9f51b3ee8"},
		"reportDictionary": {reportDictionary, "8985dcc98bf5d4569ba7aa3e4ec1f98d3b73e2a511af5d89673bd5f979d54a8c"},
	} {
		if sum := sha256.Sum256([]byte(c.dict)); hex.EncodeToString(sum[:]) != c.sha {
			t.Errorf("%s changed (sha256 %x): every stored value compressed against it now reads wrong; restore it and put a new dictionary behind a new format byte", name, sum)
		}
	}
	// Values the first onboard packed, one per format, still unpack to
	// what they held.
	for _, c := range []struct{ packed, js string }{
		{ // format 1: a pending service (no GUIDs)
			packed: "01de010bd70600fb052a2d31cf0660436f6e746f73cd130f10d6062f313031c8060f029306df332d31345430393a32363a35330389060b23107d",
			js:     `{"v":1,"name":"pend-1","customer":"Contoso","license":"essentials-plus","users":10,"state":"pending-authentication","app":{"tenantId":"","clientId":""},"createdAt":"2026-03-14T09:26:53Z","updatedAt":"2026-03-14T09:26:53Z"}`,
		},
		{ // format 2: GUIDs folded, then format 1's LZ
			packed: "02bb090bd7065a636f6e2d31dc0673436f6e746f736fd3118a20526f7574696e67f20603240f00801403ed063b323530f00612633303e2030dc8140eeb06fa02ff0b5e4c1a2d3f4a5b8c7d9e0f1a2b3c4df804fb02ff3f1c1d2e8a4b4c5d9e6f7a8b9c0d1e2f8d07010c1a40760f029e07df392d33305430393a32363a3533049e0774332d3134543037240f01940702231638230f088a0703cd16078a070d3e0780073238313298070f0b89070f019102099a073a5a71389d070f01e20209ae07048b043f4c746400b90704dc020f0fc0070a860306cb076e486f73746564ea040f05e00749362d3132a6020de0072f39306ce2071061ce060f01e4070f0190050af50732416461ad010f07fe070ec21301cf0e0f098c0f3e676f74800f08ce0f02af020eeb1b0f15801305a314021100ac1923696eb41562494420e280bac51b00d50f07b3091174f8080cb6093f632d3102b909404944227d",
			js:     `{"v":1,"name":"con-1","fullName":"Contoso Direct Routing","customer":"Contoso","license":"pro","users":250,"m365Domain":"contoso.com","state":"active","app":{"tenantId":"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d","clientId":"3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f","adminUser":"admin@contoso.com","manualExpiry":"2026-09-30T09:26:53Z"},"createdAt":"2026-03-14T07:26:53Z","updatedAt":"2026-03-14T08:26:53Z","lastValidation":{"status":"warn","at":"2026-03-14T08:26:53Z","elapsedNs":812000000,"cloud":"global","clientId":"3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f","secretHint":"Zq8","tenantId":"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d","tenantName":"Contoso Ltd","initialDomain":"contoso.onmicrosoft.com","defaultDomain":"contoso.com","appName":"Hosted Direct Routing","secretExpiresAt":"2026-06-12T08:26:53Z","daysUntilExpire":90,"roles":["Teams Administrator"],"permissions":["Application.Read.All","Organization.Read.All","User.Read.All"],"admin":{"id":"a1","userPrincipalName":"admin@contoso.com","displayName":"Ada Admin","accountEnabled":true},"checks":[{"name":"token","status":"pass","detail":"got an app-only token"},{"name":"roles","status":"warn","detail":"Teams Administrator is assigned","fix":"assign it in Entra ID › Roles"}],"traceId":"t-1","correlationId":"c-1"},"sealedSecret":"AQID"}`,
		},
	} {
		packed, _ := hex.DecodeString(c.packed)
		got, err := unpackedV1(packed)
		if err != nil || string(got) != c.js {
			t.Errorf("a value packed in format %d no longer unpacks to what it held (%v):\n got %s\nwant %s", packed[0], err, got, c.js)
		}
	}
	// A report stored by this build (format 0x22) still reads as what it
	// held: the encoder may change with Go's compress/flate, the decoder
	// must read what was written.
	stored, _ := hex.DecodeString(storedReport)
	var s Store
	if got, err := s.decodeReport([]byte("con-1"), stored); err != nil || !reflect.DeepEqual(got, sampleReport()) {
		t.Errorf("a stored report no longer reads as what it held (%v):\n got %+v\nwant %+v", err, got, sampleReport())
	}
}

const storedReport = "22620105226343c7e5fe4387aece316ce8d9d8c6c606094e1ee410644d04b98ad15e4656afcbdb27765e7e55f71c5e397de6a8420b46ee381f295d7bafe89eda79fc52da36bedc48b589388eda831ba9b610f500672eb424c0c8d8d0d1fc66c9c5a53b0c19b73032300963090e6651ace1c18be2754606a64443418cf60aa7634a22c4344646197c6b33186fb04830b1fa3afbbb8631b182d3023752f2610125c5149296b01a2499a69a241b26ea1aa518a7e99a249a26e95a249ba7e85aa61aa419261a2519279ba4605956c72088918238e139021c8f8b19a9569c833a68907938b4121c9cdb11a9ba98e412fd2d2315da065853cca06c13303097e81a3227eb1a02020000ffff"

func sampleReport() tenant.ValidationReport {
	at := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	expires, days := at.AddDate(0, 0, 90), 90
	return tenant.ValidationReport{
		Status: tenant.StatusWarn, At: at, Elapsed: 812 * time.Millisecond, Cloud: "global",
		Trigger: tenant.TriggerValidateAll, By: "alice",
		ClientID: "3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", SecretHint: "Zq8",
		TenantID: "0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", TenantName: "Contoso Ltd",
		InitialDomain: "contoso.onmicrosoft.com", DefaultDomain: "contoso.com",
		AppName: "Hosted Direct Routing", SecretExpiresAt: &expires, DaysUntilExpire: &days,
		Roles: []string{"Teams Administrator"}, Permissions: []string{"Organization.Read.All", "User.Read.All"},
		Admin:           &tenant.AdminUser{ID: "a1", UserPrincipalName: "admin@contoso.com", DisplayName: "Ada Admin", AccountEnabled: true},
		VerifiedDomains: []string{}, SBCDomain: "contoso.sbc.provider.example",
		TeamsPhone: &tenant.LicenceCount{Enabled: 300, Consumed: 12, SKUs: []string{"MCOEV"}},
		Checks: []tenant.Check{
			{Name: "Token", Group: tenant.GroupCredentials, Status: tenant.StatusPass, Detail: "Entra ID issued an app-only token for tenant 0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d: the secret works."},
			{Name: "Graph permissions", Group: tenant.GroupReadiness, Status: tenant.StatusWarn,
				Detail: "Missing Microsoft Graph application permission(s): Application.Read.All (needed for: secret expiry and Entra roles). Granted: Organization.Read.All, User.Read.All.",
				Fix:    "Entra admin center > Identity > Applications > App registrations > Hosted Direct Routing > API permissions > Add a permission > Microsoft Graph > Application permissions > Application.Read.All > Add permissions, then Grant admin consent."},
		},
		TraceID: "t-1", CorrelationID: "c-1",
	}
}
