package awsemu

// EC2's own error codes and messages, as the EC2 API reference spells them.

func ec2Invalid(format string, args ...any) *APIError {
	return apiError("InvalidParameterValue", 400, format, args...)
}

func ec2Dependency(format string, args ...any) *APIError {
	return apiError("DependencyViolation", 400, format, args...)
}

// ec2NotFound is the not-found error for an id of typ, in the code and words EC2 uses for it.
func ec2NotFound(typ, id string) *APIError {
	switch typ {
	case "vpc":
		return apiError("InvalidVpcID.NotFound", 400, "The vpc ID '%s' does not exist", id)
	case "subnet":
		return apiError("InvalidSubnetID.NotFound", 400, "The subnet ID '%s' does not exist", id)
	case "internet-gateway":
		return apiError("InvalidInternetGatewayID.NotFound", 400, "The internetGateway ID '%s' does not exist", id)
	case "elastic-ip":
		return apiError("InvalidAllocationID.NotFound", 400, "The allocation ID '%s' does not exist", id)
	case "natgateway":
		return apiError("NatGatewayNotFound", 400, "The Nat Gateway %s was not found", id)
	case "route-table":
		return apiError("InvalidRouteTableID.NotFound", 400, "The routeTable ID '%s' does not exist", id)
	case "security-group":
		return apiError("InvalidGroup.NotFound", 400, "The security group '%s' does not exist", id)
	case "vpc-endpoint":
		return apiError("InvalidVpcEndpointId.NotFound", 400, "The Vpc Endpoint Id '%s' does not exist", id)
	case "network-acl":
		return apiError("InvalidNetworkAclID.NotFound", 400, "The networkAcl ID '%s' does not exist", id)
	case "security-group-rule":
		return apiError("InvalidSecurityGroupRuleId.NotFound", 400, "The security group rule ID '%s' does not exist", id)
	case "launch-template":
		return apiError("InvalidLaunchTemplateId.NotFound", 400, "The specified launch template, with template ID %s, does not exist.", id)
	case "instance":
		return apiError("InvalidInstanceID.NotFound", 400, "The instance ID '%s' does not exist", id)
	case "route-table-association":
		return apiError("InvalidAssociationID.NotFound", 400, "The association ID '%s' does not exist", id)
	}
	return apiError("InvalidID", 400, "The ID '%s' is not valid", id)
}
