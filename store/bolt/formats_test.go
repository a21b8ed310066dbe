package bolt

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The dictionaries are part of the file format: schema 1's packed values
// (legacy.go, still read to migrate) and schema 2's reports (codec.go)
// read wrong if a byte of them changes. A better dictionary is a new
// format byte beside the old one, never an edit.
func TestPackedFormatsFrozen(t *testing.T) {
	for name, c := range map[string]struct{ dict, sha string }{
		"dictionary1":      {dictionary1, "b1b576468a1a03fcce858f13967419bcf326875760223063d14adcf9f51b3ee8"},
		"reportDictionary": {reportDictionary, "1846326afa3024a8a7ec1a10b4c974da67c6e6f71606be09f5c1cb7f0902af23"},
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
	// A report compressed by this build (format 0x10) still inflates to
	// what it held: the encoder may change with Go's compress/flate, the
	// decoder must read what was written.
	const flated = "10c4d63d4fc3301006e0bf52b1315ce5f3476a7785818109312131f81375a9053163fe3b8a121076ac102350e7445164dfbdefb330e6bc47df8cc900f9235147da1d052b6429914ee26c26a61e173c77260b68d1510f527303dc0a07ca77010e5a1a6589434f4369d1a75799739418e1b9450dd4b1005c0b03d21ec62f91809a1a66b92bc97a13cf29f671779f5c45af767aba01b19f6f9696bd8b7df26e777b7a1bc7ee21bea7d3f96505b81d20cd4e7c015c459af1ba59a99761da967bfb8172cddd3bcffad70fff22e26a4b9d47f06ad25eefdb4272ff9795561dcb7f69afda21b594dad5f03c7c040000ffff"
	const report = `{"v":2,"status":"warn","at":"2026-03-14T09:26:53Z","elapsedNs":812000000,"cloud":"global","trigger":"validate all","by":"alice","clientId":"3f1c1d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f","secretHint":"Zq8","tenantId":"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d","tenantName":"Contoso Ltd","initialDomain":"contoso.onmicrosoft.com","defaultDomain":"contoso.com","appName":"Hosted Direct Routing","secretExpiresAt":"2026-06-12T09:26:53Z","daysUntilExpire":90,"roles":["Teams Administrator"],"permissions":["Organization.Read.All","User.Read.All"],"checks":[{"name":"Token","group":"credentials","status":"pass","detail":"Entra ID issued an app-only token for tenant 0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d: the secret works."},{"name":"Graph permissions","group":"readiness","status":"warn","detail":"Missing Microsoft Graph application permission(s): Application.Read.All (needed for: secret expiry and Entra roles). Granted: Organization.Read.All, User.Read.All.","fix":"Entra admin center > Identity > Applications > App registrations > Hosted Direct Routing > API permissions > Add a permission > Microsoft Graph > Application permissions > Application.Read.All > Add permissions, then Grant admin consent."}]}`
	stored, _ := hex.DecodeString(flated)
	if got, err := inflate(stored); err != nil || string(got) != report {
		t.Errorf("a stored report no longer inflates to what it held (%v):\n got %s\nwant %s", err, got, report)
	}
}
