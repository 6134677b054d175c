package lakesail

import "strings"

// Errors the connection, network and workspace operations share.

// DeleteBlockedError says an IAM object of the connection cannot be deleted because identities
// still use it, and names them. A destroy never detaches or deletes what the connection did not
// make, so the account has to act on them first.
type DeleteBlockedError struct {
	// Object is what could not be deleted, e.g. "IAM policy lakesail-AB12CD34EF-PolicyEKS".
	Object string
	// BlockedBy names each blocking identity and how it uses Object, e.g.
	// "role ops-admin (attached)", "role ci (permissions boundary)".
	BlockedBy []string
	// Fix says what to do.
	Fix string
	// Err is AWS's refusal (DeleteConflict), or nil when destroy refused before changing anything.
	Err error
}

// ConflictError says an object the library would create already exists outside its records.
type ConflictError struct {
	What string
	Err  error
}

func (e *DeleteBlockedError) Error() string {
	var b strings.Builder
	b.WriteString(e.Object + " cannot be deleted: ")
	if len(e.BlockedBy) == 0 {
		b.WriteString("AWS reports it is still in use but lists nothing that uses it (a change may still be propagating)")
	} else {
		b.WriteString("it is still used by " + strings.Join(e.BlockedBy, ", "))
	}
	if e.Fix != "" {
		b.WriteString("; " + e.Fix)
	}
	if e.Err != nil {
		b.WriteString(" (" + e.Err.Error() + ")")
	}
	return b.String()
}

func (e *ConflictError) Error() string {
	return e.What + " already exists; import it or choose another name: " + e.Err.Error()
}

func (e *ConflictError) Unwrap() error { return e.Err }

func (e *DeleteBlockedError) Unwrap() error { return e.Err }
