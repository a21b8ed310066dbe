// Package store keeps onboard's records — customers, services with their App
// registration, and every service's validation history — in one bbolt file
// (SPEC §6), and owns the sealing of client secrets at rest (SPEC §4).
//
// It owns:
//   - the file: created 0600 under directories created 0700, opened with a
//     lock timeout so a second onboard process is told the database is in
//     use instead of hanging (ErrInUse);
//   - the uniqueness rules only it can judge: short names and customer
//     names are unique ignoring case (tenant.NameKey), checked inside the
//     write transaction that creates them, so two racing writers cannot both
//     win;
//   - the schema: a version key in the meta bucket and a version field in
//     every JSON value; a file written by a newer onboard is refused
//     (ErrNewerSchema) rather than misread;
//   - the key and the seal: AES-256-GCM with the service's name as
//     additional data, the key taken from Options.Key, ONBOARD_KEY or a key
//     file beside the database. A secret never reaches bbolt unsealed and a
//     service's JSON never holds it.
//
// Layout (buckets are namespaces, keys are tenant.NameKey of a name, so a
// look-up by name is one B+tree get):
//
//	meta       "schema" → schema version (8 bytes, big-endian)
//	customers  NameKey(customer) → customer JSON
//	services   NameKey(service)  → service JSON, packed (+ sealed secret, + newest report)
//	owners     NameKey(customer) 0x00 NameKey(service) → nothing (services of a customer)
//	history    NameKey(service) 0x00 big-endian sequence → older report JSON, packed
//
// Each report is stored once: the newest is the service's LastValidation on
// its record (lists need no second look-up); RecordValidation moves the one
// it replaces into the history range.
//
// Listing 100,000 services is almost all decoding, so service records and
// reports are packed against a fixed dictionary (pack.go: about a quarter
// of the JSON, unpacked by a copy loop) and read on a reflection-free fast
// path (fastjson.go) that hands anything unexpected to encoding/json, which
// stays the reference; decoding is spread over the CPUs.
//
// The store imports tenant and bbolt only. It must never import wizard or
// cmd, and never touches the network.
package store
