// Package connection is the connection's lifecycle over the library's core: the cross-account
// role with its trust policy, RoleBoundary, WorkloadBoundary, the explicit deny and the scoped
// managed policies (documents from connpolicy); create (RoleBoundary first, as a lock), read with
// drift, update, verify, and destroy with the revocation sweep.
package connection
