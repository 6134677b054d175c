package connpolicy

// PolicyKind names one document of a connection. For managed policies it is also the suffix of
// the IAM policy name: lakesail-<ID>-<kind>.
type PolicyKind string

const (
	// KindTrust is the connection role's trust policy.
	KindTrust PolicyKind = "Trust"
	// KindRoleBoundary is the permissions boundary of the connection role.
	KindRoleBoundary PolicyKind = "RoleBoundary"
	// KindWorkloadBoundary is the permissions boundary every role the connection creates carries.
	KindWorkloadBoundary PolicyKind = "WorkloadBoundary"
	// KindExplicitDeny is the guardrail attached to the connection role.
	KindExplicitDeny PolicyKind = "ExplicitDeny"

	KindEKS                                       PolicyKind = "PolicyEKS"
	KindAutoScaling                               PolicyKind = "PolicyAutoScaling"
	KindNetworkReadAndTag                         PolicyKind = "PolicyNetworkReadAndTag"
	KindNetworkCompute                            PolicyKind = "PolicyNetworkCompute"
	KindNetworkManage                             PolicyKind = "PolicyNetworkManage"
	KindIAMAndCloudwatch                          PolicyKind = "PolicyIAMAndCloudwatch"
	KindCloudFormationAndObservabilityAndIdentity PolicyKind = "PolicyCloudFormationAndObservabilityAndIdentity"

	// KindCallbackTrust is the trust policy of lakesail-<ID>-CallbackRole.
	KindCallbackTrust PolicyKind = "CallbackTrust"
	// KindCallbackPolicy is the inline policy of lakesail-<ID>-CallbackRole.
	KindCallbackPolicy PolicyKind = "CallbackPolicy"
)

// IAM size quotas, counted in characters excluding white space.
const (
	ManagedPolicySizeLimit = 6144
	TrustPolicySizeLimit   = 2048 // the default; an account can raise it to 4,096
	InlinePolicySizeLimit  = 10240
)

// ScopedPolicyKinds are the seven scoped managed policies attached to the connection role, in
// the order they are created and attached.
func ScopedPolicyKinds() []PolicyKind {
	return []PolicyKind{
		KindEKS,
		KindAutoScaling,
		KindNetworkReadAndTag,
		KindNetworkCompute,
		KindNetworkManage,
		KindIAMAndCloudwatch,
		KindCloudFormationAndObservabilityAndIdentity,
	}
}

// ManagedPolicyKinds are all ten customer-managed policies of a connection in creation order:
// the two boundaries, the explicit deny, then the seven scoped policies.
func ManagedPolicyKinds() []PolicyKind {
	return append([]PolicyKind{KindRoleBoundary, KindWorkloadBoundary, KindExplicitDeny}, ScopedPolicyKinds()...)
}

// DocumentKinds are every document of a bundle in a fixed order.
func DocumentKinds() []PolicyKind {
	return append(append([]PolicyKind{KindTrust}, ManagedPolicyKinds()...), KindCallbackTrust, KindCallbackPolicy)
}

// IsManaged reports whether the document is an IAM customer-managed policy.
func (k PolicyKind) IsManaged() bool {
	for _, m := range ManagedPolicyKinds() {
		if k == m {
			return true
		}
	}
	return false
}

// SizeLimit is the IAM quota that applies to the document.
func (k PolicyKind) SizeLimit() int {
	switch k {
	case KindTrust, KindCallbackTrust:
		return TrustPolicySizeLimit
	case KindCallbackPolicy:
		return InlinePolicySizeLimit
	}
	return ManagedPolicySizeLimit
}
