package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2Service is EC2 (ec2query), the networking part a LakeSail network needs. Each ec2_*.go file
// declares its operations next to their handlers, as ec2Specs.
func Service() *core.Service {
	s := &core.Service{Name: "ec2", Protocol: core.EC2Protocol{}, Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/", Version: "2016-11-15", Impl: ec2Peer{}}
	for _, group := range [][]ec2Spec{
		ec2AZSpecs(), ec2VpcSpecs(), ec2SubnetSpecs(), ec2IGWSpecs(), ec2AddressSpecs(), ec2NATSpecs(),
		ec2RouteTableSpecs(), ec2RouteSpecs(), ec2SecurityGroupSpecs(), ec2SGRuleSpecs(), ec2EndpointSpecs(),
		ec2TagSpecs(), ec2NetworkACLSpecs(), ec2PrefixListSpecs(), ec2NetworkExtraSpecs(), ec2LaunchTemplateSpecs(), ec2InstanceSpecs(), ec2VolumeSpecs(),
		ec2FleetSpecs(), ec2CatalogSpecs(),
	} {
		for _, sp := range group {
			s.Add(sp.op())
		}
	}
	return s
}

// ec2Target is one resource an EC2 action is evaluated on, with that resource's condition keys:
// EC2 authorizes multi-resource actions (CreateSubnet on the new subnet and on its VPC) per resource.
type ec2Target struct {
	arn string
	ctx map[string][]string
}

// ec2Spec declares one EC2 operation: the resources its IAM action is evaluated on (the first is
// the one acted on or created; nil means "*"), the resource type it can tag on create, and its handler.
type ec2Spec struct {
	name    string
	targets func(c *core.Req) []ec2Target
	creates string                         // TagSpecifications resource type of a create ("vpc"): tags need ec2:CreateTags too
	also    func(c *core.Req) []core.Check // further checks (RunInstances: ec2:CreateTags on each type it tags)
	handle  func(c *core.Req) (any, error)
}

// op turns the spec into an Operation: the first target is the operation's resource and context,
// the others and the implied ec2:CreateTags become Also checks.
func (sp ec2Spec) op() *core.Operation {
	op := &core.Operation{Name: sp.name, Action: "ec2:" + sp.name, Handle: ec2Handle(sp.handle)}
	if sp.targets == nil {
		op.Context = ec2RegionContext
		return op
	}
	targets := func(c *core.Req) []ec2Target {
		if ts := sp.targets(c); len(ts) > 0 {
			return ts
		}
		return []ec2Target{{arn: "*", ctx: ec2RegionContext(c)}}
	}
	op.Resources = func(c *core.Req) []string { return []string{targets(c)[0].arn} }
	op.Context = func(c *core.Req) map[string][]string { return targets(c)[0].ctx }
	op.Also = func(c *core.Req) []core.Check {
		ts := targets(c)
		var checks []core.Check
		arns := make([]string, 0, len(ts))
		for i, t := range ts {
			arns = append(arns, t.arn)
			if i > 0 {
				checks = append(checks, core.Check{Action: op.Action, Resources: []string{t.arn}, Context: t.ctx})
			}
		}
		if sp.creates != "" {
			if tags := ec2SpecTags(c, sp.creates); len(tags) > 0 {
				ctx := core.MergeContext(core.RequestTagContext(tags), ec2RegionContext(c), map[string][]string{"ec2:CreateAction": {sp.name}})
				checks = append(checks, core.Check{Action: "ec2:CreateTags", Resources: []string{ts[0].arn}, Context: ctx})
			}
		}
		if sp.also != nil {
			checks = append(checks, sp.also(c)...)
		}
		c.SetResources(arns...) // the call log names every resource the action was evaluated on
		return checks
	}
	return op
}

// ec2Handle runs a handler with EC2's DryRun semantics: an authorized dry run fails with DryRunOperation.
func ec2Handle(h func(c *core.Req) (any, error)) func(c *core.Req) (any, error) {
	return func(c *core.Req) (any, error) {
		if c.ParamBool("DryRun") {
			return nil, core.NewError("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.")
		}
		return h(c)
	}
}

// ec2ARN is the ARN of an EC2 resource in the caller's account and region ("vpc", "vpc-0123...").
func ec2ARN(c *core.Req, typ, id string) string {
	return "arn:aws:ec2:" + c.Region + ":" + c.Account.Id + ":" + typ + "/" + id
}

// ec2RegionContext is ec2:Region, which every EC2 resource type carries.
func ec2RegionContext(c *core.Req) map[string][]string {
	return map[string][]string{"ec2:Region": {c.Region}}
}

// ec2New is the target of a create: the new resource (type/*) with the request's tags and keys.
func ec2New(c *core.Req, typ string, extra map[string][]string) ec2Target {
	return ec2Target{
		arn: ec2ARN(c, typ, "*"),
		ctx: core.MergeContext(ec2RegionContext(c), core.RequestTagContext(ec2SpecTags(c, typ)), extra),
	}
}

// ec2Existing is the target of an action on the resource typ/id: its ARN and resource tags, plus
// the keys its type carries (ec2:Vpc, ec2:AvailabilityZone, ...); an unknown id gets just its ARN.
// ec2EachExisting is the targets of a call authorized on each existing object of kind typ that
// the list parameter param names (DeleteVpcEndpoints' VpcEndpointId.N, TerminateInstances'
// InstanceId.N, ...).
func ec2EachExisting(typ, param string) func(c *core.Req) []ec2Target {
	return func(c *core.Req) []ec2Target {
		var ts []ec2Target
		for _, id := range ec2List(c, param) {
			ts = append(ts, ec2Existing(c, typ, id))
		}
		return ts
	}
}

func ec2Existing(c *core.Req, typ, id string) ec2Target {
	s := ec2Of(c)
	obj := s.object(id)
	if obj == nil || obj.kind() != typ {
		return ec2Target{arn: ec2ARN(c, typ, id), ctx: ec2RegionContext(c)}
	}
	ctx := core.MergeContext(ec2RegionContext(c), core.ResourceTagContext(obj.meta().tags, "ec2"), obj.authKeys(c, s))
	return ec2Target{arn: ec2ARN(c, typ, id), ctx: ctx}
}

// ec2On is targets for the resources named by (type, parameter) pairs: ec2On("vpc", "VpcId").
// The first is the resource acted on (even when its parameter is missing); later ones that were
// not sent are skipped.
func ec2On(pairs ...string) func(c *core.Req) []ec2Target {
	return func(c *core.Req) []ec2Target {
		var out []ec2Target
		for i := 0; i+1 < len(pairs); i += 2 {
			if id := c.Param(pairs[i+1]); id != "" || i == 0 {
				out = append(out, ec2Existing(c, pairs[i], id))
			}
		}
		return out
	}
}

// ec2VpcKey is ec2:Vpc (the VPC's ARN) for resources that live in a VPC.
func ec2VpcKey(c *core.Req, vpc string) map[string][]string {
	if vpc == "" {
		return nil
	}
	return map[string][]string{"ec2:Vpc": {ec2ARN(c, "vpc", vpc)}}
}
