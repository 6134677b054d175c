// Package envelope holds the tests that prove the security envelope of a LakeSail connection
// (issue #9): the connection role and every workload role it creates (bounded by
// WorkloadBoundary) can neither take over, change, tag, untag, re-policy nor delete anything
// the connection did not create, in any order of calls, and cannot widen access to the data
// of what it did create.
//
// The tests run the real library against the in-process AWS emulator (internal/awsemu), which
// authorizes every call of a role session against the role's policies and boundary as AWS's
// Service Authorization Reference says. Each test builds one account: a connection made with
// the customer's credentials, a network and a workspace built through the connection role, and,
// made by the customer, one resource of every type the customer owns (untagged) and one that
// belongs to another connection (tagged LakeSail-Connection=<other id>, named
// lakesail-<other id>-…). Then, as the connection role and as each workload role, it tries
// every mutating action on those resources, directly and after first trying to tag the resource
// with LakeSail-Connection=<our id>; every one must be refused, except the two residuals IAM
// cannot refuse (adding tags to an existing OIDC provider or certificate: see residuals), which
// are asserted to be allowed so that the guide is corrected if that changes. Positive controls show the same
// principals can still do what the product needs on the connection's own resources, so a test
// cannot pass because everything is denied.
//
// Workload roles are tested at the limit of what their boundary allows: before acting as one,
// the connection role gives it an inline policy allowing every action (which its policies let it
// do to the roles it created), so what is refused is refused by WorkloadBoundary itself. A role
// whose trust admits only a service (the EKS cluster role, the node role) is made assumable by
// the account's root for the test by adding a statement to its trust policy; its permissions are
// unchanged.
//
// The package has only tests.
package envelope
