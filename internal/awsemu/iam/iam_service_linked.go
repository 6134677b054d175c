package iam

import (
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func iamServiceLinkedRoleOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateServiceLinkedRole", Action: "iam:CreateServiceLinkedRole", Resources: newServiceLinkedRoleResource, Context: serviceNameContext, Handle: iamCreateServiceLinkedRole},
		{Name: "DeleteServiceLinkedRole", Action: "iam:DeleteServiceLinkedRole", Resources: roleResource, Context: roleTags, Handle: iamDeleteServiceLinkedRole},
		{Name: "GetServiceLinkedRoleDeletionStatus", Action: "iam:GetServiceLinkedRoleDeletionStatus", Resources: deletionTaskRole, Handle: iamGetServiceLinkedRoleDeletionStatus},
	}
}

// serviceLinkedRoleNames maps service principals to the role names AWS gives their
// service-linked roles.
var serviceLinkedRoleNames = map[string]string{
	"eks.amazonaws.com":                  "AWSServiceRoleForAmazonEKS",
	"eks-nodegroup.amazonaws.com":        "AWSServiceRoleForAmazonEKSNodegroup",
	"eks-fargate.amazonaws.com":          "AWSServiceRoleForAmazonEKSForFargate",
	"autoscaling.amazonaws.com":          "AWSServiceRoleForAutoScaling",
	"elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
	"spot.amazonaws.com":                 "AWSServiceRoleForEC2Spot",
	"ecs.amazonaws.com":                  "AWSServiceRoleForECS",
	"rds.amazonaws.com":                  "AWSServiceRoleForRDS",
}

// serviceLinkedRolePath is the path AWS puts service-linked roles under.
func serviceLinkedRolePath(service string) string { return "/aws-service-role/" + service + "/" }

func serviceLinkedRoleName(c *core.Req) string {
	name := serviceLinkedRoleNames[c.Param("AWSServiceName")]
	if name != "" && c.Param("CustomSuffix") != "" {
		name += "_" + c.Param("CustomSuffix")
	}
	return name
}

func newServiceLinkedRoleResource(c *core.Req) []string {
	svc := c.Param("AWSServiceName")
	return []string{roleARN(c.Account.Id, serviceLinkedRolePath(svc), serviceLinkedRoleName(c))}
}

// serviceNameContext is iam:AWSServiceName.
func serviceNameContext(c *core.Req) map[string][]string {
	return map[string][]string{"iam:AWSServiceName": {c.Param("AWSServiceName")}}
}

func iamCreateServiceLinkedRole(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "AWSServiceName"); err != nil {
		return nil, err
	}
	svc := c.Param("AWSServiceName")
	name := serviceLinkedRoleName(c)
	if name == "" {
		return nil, invalidInput("Invalid ServiceName: %s", svc)
	}
	desc := c.Param("Description")
	if err := checkDescription(desc); err != nil {
		return nil, err
	}
	if Of(c.Account).Role(name) != nil {
		return nil, invalidInput("Service role name %s has been taken in this account, please try a different suffix.", name)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"sts:AssumeRole"}]}`
	doc, err := core.ParsePolicy(trust)
	if err != nil {
		return nil, err
	}
	r := &Role{
		Name: name, Id: core.NewID("AROA", 17), path: serviceLinkedRolePath(svc), description: desc,
		trustText: trust, Trust: doc, MaxSession: minSessionDuration, inline: map[string]*inlinePolicy{},
		Created: c.Now, serviceLinked: true,
	}
	Of(c.Account).roles[strings.ToLower(name)] = r
	x := xmlRoleOf(c.Account.Id, r, true)
	x.RoleLastUsed = nil
	return roleResult{x}, nil
}

type deletionTaskResult struct{ DeletionTaskId string }

// iamDeleteServiceLinkedRole deletes at once; the task id names the role so the status can be read.
func iamDeleteServiceLinkedRole(c *core.Req) (any, error) {
	r, err := existingRole(c)
	if err != nil {
		return nil, err
	}
	if !r.serviceLinked {
		return nil, invalidInput("Role %s is not a service-linked role.", r.Name)
	}
	delete(Of(c.Account).roles, strings.ToLower(r.Name))
	return deletionTaskResult{DeletionTaskId: "task" + r.path + r.Name + "/" + core.NewID("", 8)}, nil
}

func deletionTaskRole(c *core.Req) []string {
	id := strings.TrimPrefix(c.Param("DeletionTaskId"), "task")
	if i := strings.LastIndex(id, "/"); i > 0 {
		return []string{"arn:aws:iam::" + c.Account.Id + ":role" + id[:i]}
	}
	return []string{"*"}
}

type deletionStatusResult struct{ Status string }

func iamGetServiceLinkedRoleDeletionStatus(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "DeletionTaskId"); err != nil {
		return nil, err
	}
	return deletionStatusResult{Status: "SUCCEEDED"}, nil
}
