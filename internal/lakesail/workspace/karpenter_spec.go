package workspace

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// PurposeKarpenter is the workload role of the Karpenter controller (kube-system/karpenter): the
// workspace's node autoscaler, so it is the "autoscaling" role (the cluster autoscaler's role
// until bundle 7; an existing role of that name is brought to Karpenter's trust and policy by the
// usual repair). It exists only while the spec turns Karpenter on.
const PurposeKarpenter = PurposeAutoscaling

// Karpenter defaults: what a workspace gets when its spec says nothing else.
const DefaultKarpenterMaxVCPUs = 256

// MaxKarpenterVCPUs is the largest vCPU limit a spec may set.
const MaxKarpenterVCPUs = 100000

// DefaultKarpenterInstanceFamilies are general-purpose and memory-optimized x86 families with
// current generations, the shapes Spark executors use.
func DefaultKarpenterInstanceFamilies() []string { return []string{"m6i", "m7i", "r6i", "r7i"} }

// KarpenterSpec is the AWS side of the Karpenter node autoscaler of a workspace. LakeSail's
// control plane installs the controller in the cluster (the endpoint is private); the workspace
// makes what it runs with: the controller's workload role (IRSA or Pod Identity, like the other
// workload roles, bounded by WorkloadBoundary), the node role with its instance profile and an
// EC2_LINUX access entry, the discovery tags on the private subnets and the network's security
// group, and an SSM parameter with the settings the installer needs (KarpenterParameterName).
//
// There is no interruption queue: RoleBoundary admits no SQS, so Spot interruptions and
// scheduled maintenance reach Karpenter only as node failures.
type KarpenterSpec struct {
	Enabled bool
	// MaxVCPUs is the NodePool's CPU limit: the vCPUs Karpenter may run at once in the
	// workspace. IAM cannot count vCPUs, so this is enforced by Karpenter, not by AWS.
	MaxVCPUs int
	// InstanceFamilies are the EC2 families Karpenter may launch ("m7i", "r6i", ...). Enforced
	// twice: the NodePool's requirements, and the controller role's policy (ec2:InstanceType).
	InstanceFamilies []string
}

var instanceFamilyPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)

// validateKarpenter checks the Karpenter block; nothing when it is off.
func (s Spec) validateKarpenter(bad func(field, format string, args ...any)) {
	k := s.Karpenter
	if !k.Enabled {
		return
	}
	if k.MaxVCPUs < 1 || k.MaxVCPUs > MaxKarpenterVCPUs {
		bad("karpenter.max_vcpus", "must be between 1 and %d, got %d", MaxKarpenterVCPUs, k.MaxVCPUs)
	}
	if len(k.InstanceFamilies) == 0 {
		bad("karpenter.instance_families", "needs at least one instance family (for example %q)", "m7i")
	}
	seen := map[string]bool{}
	for _, f := range k.InstanceFamilies {
		if !instanceFamilyPattern.MatchString(f) || !strings.ContainsAny(f, "0123456789") {
			bad("karpenter.instance_families", "%q is not an EC2 instance family (a type without its size: %q, not %q)", f, "m7i", "m7i.large")
		}
		if seen[f] {
			bad("karpenter.instance_families", "%q is listed twice", f)
		}
		seen[f] = true
	}
}

// KarpenterNodeRoleName is the role of the nodes Karpenter launches (its name ends in -node, so
// the connection may pass it to EC2 like the system node role).
func (s Spec) KarpenterNodeRoleName() string { return s.ClusterName() + "-karpenter-node" }

// KarpenterInstanceProfileName is the instance profile holding KarpenterNodeRoleName; the
// installer sets it as the EC2NodeClass's instanceProfile, so Karpenter never manages profiles.
func (s Spec) KarpenterInstanceProfileName() string { return s.KarpenterNodeRoleName() }

// KarpenterParameterName is the SSM parameter holding the installer's settings (JSON).
func (s Spec) KarpenterParameterName() string {
	return s.policySpec().SSMParameterPath() + s.WorkspaceID + "/karpenter"
}

// KarpenterDiscoveryTag is the tag key the private subnets and the network's security group carry
// (value "shared") for the cluster: the installer's subnetSelectorTerms and
// securityGroupSelectorTerms select on it. One key per cluster, so workspaces sharing a network
// do not contend for one tag.
func (s Spec) KarpenterDiscoveryTag() string { return s.clusterSubnetTag() }

// karpenterInstanceTypePatterns are the ec2:InstanceType patterns of the instance families.
func (s Spec) karpenterInstanceTypePatterns() []string {
	out := make([]string, 0, len(s.Karpenter.InstanceFamilies))
	for _, f := range s.Karpenter.InstanceFamilies {
		out = append(out, f+".*")
	}
	slices.Sort(out)
	return out
}

// karpenterLimitCPU is the NodePool's limits.cpu.
func (s Spec) karpenterLimitCPU() string { return strconv.Itoa(s.Karpenter.MaxVCPUs) }

// KarpenterState is what a read found of the workspace's Karpenter objects (nil on Workspace when
// Karpenter is off and none are left). A field is empty when its object is gone or drifted, so a
// caller comparing it with the spec's names sees a change to apply. The controller's role is
// Workspace.WorkloadRoleARNs[PurposeKarpenter], read like the other workload roles. With
// Karpenter off, a read that finds the discovery tag still on the security group (teardown
// removes it last) reports leftovers as a state with Discovery only, and drift.
type KarpenterState struct {
	// NodeRoleARN is empty when the role is missing, lost WorkloadBoundary, or its trust or
	// policies changed.
	NodeRoleARN string
	// InstanceProfileName is empty when the profile is missing or does not hold the node role.
	InstanceProfileName string
	InstanceProfileARN  string
	// AccessEntry is false when the node role's EC2_LINUX access entry is missing.
	AccessEntry bool
	// Discovery is false when a private subnet or the security group lost the discovery tag.
	Discovery bool
	// ParameterName is empty when the settings parameter is missing or says something else.
	ParameterName string
	// Leftover says, with Karpenter off, that something of it is left (the discovery tag on the
	// security group, or the autoscaling role): an update removes it.
	Leftover bool
}
