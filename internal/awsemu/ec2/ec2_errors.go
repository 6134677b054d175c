package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// EC2's own error codes and messages, as the EC2 API reference spells them.

func ec2Invalid(format string, args ...any) *core.APIError {
	return core.NewError("InvalidParameterValue", 400, format, args...)
}

func ec2Dependency(format string, args ...any) *core.APIError {
	return core.NewError("DependencyViolation", 400, format, args...)
}

// ec2NotFound is the not-found error for an id of typ, in the code and words EC2 uses for it.
func ec2NotFound(typ, id string) *core.APIError {
	switch typ {
	case "vpc":
		return core.NewError("InvalidVpcID.NotFound", 400, "The vpc ID '%s' does not exist", id)
	case "subnet":
		return core.NewError("InvalidSubnetID.NotFound", 400, "The subnet ID '%s' does not exist", id)
	case "internet-gateway":
		return core.NewError("InvalidInternetGatewayID.NotFound", 400, "The internetGateway ID '%s' does not exist", id)
	case "elastic-ip":
		return core.NewError("InvalidAllocationID.NotFound", 400, "The allocation ID '%s' does not exist", id)
	case "natgateway":
		return core.NewError("NatGatewayNotFound", 400, "The Nat Gateway %s was not found", id)
	case "route-table":
		return core.NewError("InvalidRouteTableID.NotFound", 400, "The routeTable ID '%s' does not exist", id)
	case "security-group":
		return core.NewError("InvalidGroup.NotFound", 400, "The security group '%s' does not exist", id)
	case "vpc-endpoint":
		return core.NewError("InvalidVpcEndpointId.NotFound", 400, "The Vpc Endpoint Id '%s' does not exist", id)
	case "network-acl":
		return core.NewError("InvalidNetworkAclID.NotFound", 400, "The networkAcl ID '%s' does not exist", id)
	case "security-group-rule":
		return core.NewError("InvalidSecurityGroupRuleId.NotFound", 400, "The security group rule ID '%s' does not exist", id)
	case "launch-template":
		return core.NewError("InvalidLaunchTemplateId.NotFound", 400, "The specified launch template, with template ID %s, does not exist.", id)
	case "instance":
		return core.NewError("InvalidInstanceID.NotFound", 400, "The instance ID '%s' does not exist", id)
	case "volume":
		return core.NewError("InvalidVolume.NotFound", 400, "The volume '%s' does not exist.", id)
	case "network-interface":
		return core.NewError("InvalidNetworkInterfaceID.NotFound", 400, "The networkInterface ID '%s' does not exist", id)
	case "fleet":
		return core.NewError("InvalidFleetId.NotFound", 400, "The fleet ID '%s' does not exist", id)
	case "route-table-association":
		return core.NewError("InvalidAssociationID.NotFound", 400, "The association ID '%s' does not exist", id)
	}
	return core.NewError("InvalidID", 400, "The ID '%s' is not valid", id)
}
