package usecase

import (
	"context"

	"onboard/tenant"
)

// What a backend may offer beyond Store: a shared database's change feed,
// key rotation, a consistency check, a backup, and the two ways of writing
// a whole inventory (re-sealed from another store, or restored as is).
// Each is an optional interface: a caller asks with a type assertion
// (`if w, ok := st.(usecase.Watcher); ok`), so a backend without it is
// simply without the feature.

// Watcher is a shared database's change feed (store/postgres, through
// LISTEN/NOTIFY): the Services screen and a service's page refresh when a
// teammate changes something. bbolt has none: one process holds the file.
type Watcher interface {
	// Changes delivers a Change for every write committed by anyone
	// (this process included), until ctx is done; the channel is then
	// closed. When the connection was lost and is back, a Change with
	// no names is sent: anything may have changed meanwhile.
	Changes(ctx context.Context) (<-chan Change, error)
}

// Change names what a committed write touched: a service (with its
// customer), or a customer alone. Both empty: refresh everything.
type Change struct {
	Customer string
	Service  string
}

// All reports whether the change asks for a refresh of everything.
func (c Change) All() bool { return c.Customer == "" && c.Service == "" }

// Rekeyer re-seals every client secret with the keyring's current key
// (`onboard key rotate`). The store must be opened with a keyring whose
// current key is the new one and whose older keys open the secrets.
type Rekeyer interface {
	// Rekey re-seals, one transaction per batch, every secret not sealed
	// with the current key. The new key is recorded as in use before the
	// first batch, so while it runs and after an interruption both keys
	// are accepted at open; a re-run finishes the job. Once no secret is
	// sealed with another key, the database records the current key as
	// the only one in use, and the old one may be destroyed.
	Rekey(ctx context.Context, opts RekeyOptions) (RekeyResult, error)
}

// RekeyOptions tune Rekey.
type RekeyOptions struct {
	// BatchSize is how many secrets one transaction re-seals (0:
	// DefaultRekeyBatch; see Batch).
	BatchSize int
	// AfterBatch, when set, is called after each committed batch with the
	// number re-sealed so far; an error stops the rotation there (what
	// was committed stays). Progress output, and tests that interrupt a
	// rotation, use it.
	AfterBatch func(resealed int) error
}

// DefaultRekeyBatch is how many secrets one transaction of a rotation
// re-seals when the options do not say.
const DefaultRekeyBatch = 200

// Batch is the batch size a backend uses.
func (o RekeyOptions) Batch() int {
	if o.BatchSize <= 0 {
		return DefaultRekeyBatch
	}
	return o.BatchSize
}

// RekeyResult says what a rotation did.
type RekeyResult struct {
	// Resealed is how many secrets this run re-sealed.
	Resealed int
	// Unreadable names the secrets none of the keys given could open:
	// they keep their old seal, and the old key stays recorded.
	Unreadable []Unreadable
	// KeyIDs are the key IDs the database records as in use afterwards:
	// the current key's alone once the rotation is complete.
	KeyIDs []string
	// Retired are the key IDs no longer in use: those keys may be
	// destroyed.
	Retired []string
}

// Complete reports whether every secret is sealed with the current key.
func (r RekeyResult) Complete() bool { return len(r.Unreadable) == 0 && len(r.KeyIDs) <= 1 }

// Checker reads a whole database (`onboard db check`): every record
// decoded, every secret unsealed, and the backend's own consistency check
// (bbolt's page check). A damaged record is a Problem naming it, never a
// reason to stop reading the others.
type Checker interface {
	Check(ctx context.Context) (CheckResult, error)
}

// CheckResult is what a check read and found.
type CheckResult struct {
	Customers, Services, Reports, AuditEntries int
	// Problems is empty for a healthy database.
	Problems []Problem
}

// OK reports whether the check found no problem.
func (r CheckResult) OK() bool { return len(r.Problems) == 0 }

// Problem is one thing wrong, naming the record ("service CON-01",
// "validation report 12 of service CON-01", "page 42").
type Problem struct {
	Record string
	Err    error
}

func (p Problem) String() string { return p.Record + ": " + p.Err.Error() }

// Backuper writes an offline copy of the database to a new file
// (`onboard db backup FILE`): a bbolt file, created 0600, that onboard
// opens with the same key (the key is not in it: keep it apart). bbolt
// copies from a read transaction while others keep working; PostgreSQL
// writes the same content into a new bbolt file.
type Backuper interface {
	Backup(ctx context.Context, path string) (BackupResult, error)
}

// BackupResult says what a backup holds.
type BackupResult struct {
	Path                                       string
	Bytes                                      int64
	Customers, Services, Reports, AuditEntries int
}

// Importer writes services copied from another store (`onboard db copy`):
// each with its plain secret (sealed again by the importing store with its
// own key) and its whole history, in few transactions. CopyInventory
// needs it of the target.
type Importer interface {
	// ImportServices saves new services with their histories. The result
	// has one error per entry (a taken name: ErrExists; a missing
	// customer: ErrNotFound), nil where it was saved; the others are kept.
	ImportServices(ctx context.Context, batch []Imported) []error
}

// Imported is one service to import: Service with its plain secret and
// LastValidation, History every report newest first (LastValidation one
// of them).
type Imported struct {
	Service tenant.Service
	History []tenant.ValidationReport
}

// Inventory is a whole database as it is stored, secrets still sealed:
// what a backup carries from one backend to another.
type Inventory interface {
	// ReadInventory calls the visitor's functions with every record, from
	// one consistent read: customers first, then services (each with its
	// whole history), then the audit trail, oldest first. An error from a
	// visitor function stops the read and is returned.
	ReadInventory(ctx context.Context, v InventoryVisitor) error
}

// InventoryVisitor receives an inventory's records.
type InventoryVisitor struct {
	// KeyIDs is called first with the key IDs the database records.
	KeyIDs    func(ids []string) error
	Customer  func(tenant.Customer) error
	Service   func(SealedService) error
	AuditItem func(AuditEntry) error
}

// SealedService is a service as stored: its secret sealed, its history
// newest first, LastValidation (when set) equal to one of them.
type SealedService struct {
	// Service has no secret (App.Secret is zero).
	Service tenant.Service
	// Sealed is the sealed secret (nil: none), Hint its masked form.
	Sealed []byte
	Hint   string
	// History is every report, newest first; Last is the index of the
	// last validation in it (-1: none).
	History []tenant.ValidationReport
	Last    int
}
