package ec2

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// EC2 Fleet, as a node autoscaler (Karpenter) uses it: CreateFleet of type instant from launch
// templates, with overrides per instance type, subnet and zone; DescribeFleets; DeleteFleets.
// Fleets of type maintain and request are not emulated.
//
// Authorization (the Service Authorization Reference, internal/authref ec2.go, and what AWS
// reports for instant fleets):
//
//   - ec2:CreateFleet is evaluated, before anything launches, on the resources the SAR lists for
//     it: the new fleet (aws:RequestTag/*, aws:TagKeys of its tags), and for every launch the
//     fleet may make (each template config with each of its overrides) the new instance and
//     volume (the tags they would get: the template's TagSpecifications with the request's on
//     top), the image, the launch template and the subnet (with their resource tags). A denial
//     fails the call with UnauthorizedOperation, as AWS answers "not authorized to perform:
//     ec2:CreateFleet on resource: ...:launch-template/..." (kubernetes-sigs/karpenter#2813).
//     The SAR row lists neither security-group nor network-interface for CreateFleet.
//   - ec2:CreateTags with ec2:CreateAction=CreateFleet on each resource type the call tags at
//     creation (fleet, instance, volume, network-interface), with the tags as aws:RequestTag/*:
//     the SAR lists ec2:CreateTags as CreateFleet's dependent action, and tag-on-create
//     policies (Karpenter's AllowScopedResourceCreationTagging) name CreateAction CreateFleet.
//   - Each launch is then a RunInstances EC2 makes as the caller: ec2:RunInstances on the
//     launch's resources as RunInstances is authorized (ec2Launch.targets: template, subnet,
//     security groups, image, the new instance, volume and network interface, with
//     ec2:LaunchTemplate and ec2:IsLaunchTemplateResource), and iam:PassRole of the instance
//     profile's role to ec2.amazonaws.com (the SAR's dependent actions of RunInstances). AWS
//     reports a denial there not as the call's error but as an error of the fleet, with the
//     launch it concerns: Karpenter logs "with fleet error(s), UnauthorizedOperation: ... is not
//     authorized to perform: ec2:RunInstances on resource: ...:launch-template/lt-..."
//     (aws/karpenter-provider-aws#1488, #7370). The EC2 Fleet user guide ("EC2 Fleet
//     prerequisites", "Permissions for EC2 Fleet users") asks for ec2:* and iam:PassRole; an
//     instant fleet needs no service-linked role, so the launch is the caller's own.
//
// DescribeFleets and DescribeInstanceTypeOfferings/DescribeSpotPriceHistory (ec2_catalog.go)
// are List actions on "*"; DeleteFleets is evaluated on each fleet (fleet*, aws:ResourceTag/*).

// ec2Fleet is an EC2 Fleet of type instant: what was asked and what it launched.
type ec2Fleet struct {
	ec2Meta
	fleetType   string // "instant"
	state       string // "active" | "deleted"
	clientToken string
	created     time.Time
	configs     []ec2FleetConfig
	total       int
	onDemand    int
	spot        int
	defaultType string // "on-demand" | "spot"
	instances   []ec2FleetInstanceXML
	errors      []ec2FleetErrorXML
}

func (*ec2Fleet) kind() string { return "fleet" }

// authKeys: a fleet has no keys of its own beyond its tags.
func (*ec2Fleet) authKeys(*core.Req, *ec2State) map[string][]string { return nil }

func (f *ec2Fleet) instanceIDs() []string {
	var ids []string
	for _, set := range f.instances {
		ids = append(ids, set.InstanceIDs...)
	}
	return ids
}

func ec2FleetSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "CreateFleet", targets: func(c *core.Req) []ec2Target { return ec2ParseFleet(c).targets(c) },
			also: func(c *core.Req) []core.Check { return ec2ParseFleet(c).tagChecks(c) }, handle: ec2CreateFleet},
		{name: "DescribeFleets", handle: ec2DescribeFleets},
		{name: "DeleteFleets", targets: ec2EachExisting("fleet", "FleetId"), handle: ec2DeleteFleets},
	}
}

// ec2IAM is what EC2 asks of IAM; the iam service's Impl answers it.
type ec2IAM interface {
	// InstanceProfile is the caller's instance profile named by name or ARN; ok is false when
	// there is none.
	InstanceProfile(c *core.Req, nameOrARN string) (ec2InstanceProfile, bool)
}

// ec2InstanceProfile is an instance profile as EC2 sees it. It must spell iam's
// ec2InstanceProfile exactly.
type ec2InstanceProfile = struct {
	ARN, ID string
	RoleARN string // "" when the profile holds no role
}

func ec2IAMOf(c *core.Req) ec2IAM {
	v, ok := core.Peer[ec2IAM](c, "iam")
	if !ok {
		panic("awsemu: EC2 needs the iam service")
	}
	return v
}

// ec2FleetOverride is one LaunchTemplateConfigs.N.Overrides.M (all empty: the template as it is).
type ec2FleetOverride struct {
	InstanceType, SubnetID, Zone, ImageID string
	MaxPrice, Weight, Priority            string
	ProfileARN, ProfileName               string
}

// ec2FleetConfig is one LaunchTemplateConfigs.N: a template and its overrides.
type ec2FleetConfig struct {
	ltID, ltName, version string
	overrides             []ec2FleetOverride
}

// ec2FleetRequest is a CreateFleet request as read from its parameters.
type ec2FleetRequest struct {
	typ         string
	configs     []ec2FleetConfig
	total       int
	totalErr    bool
	onDemand    int
	spot        int
	defaultType string
	tags        map[string][]core.Tag // TagSpecification by resource type
	tagErr      *core.APIError
}

// ec2FleetTagTypes are the resource types CreateFleet's TagSpecifications may name.
var ec2FleetTagTypes = []string{"fleet", "instance", "volume", "network-interface", "spot-instances-request"}

func ec2ParseFleet(c *core.Req) *ec2FleetRequest {
	r := &ec2FleetRequest{typ: c.Param("Type"), tags: map[string][]core.Tag{}, defaultType: c.Param("TargetCapacitySpecification.DefaultTargetCapacityType")}
	if r.typ == "" {
		r.typ = "maintain" // the API's default
	}
	for _, m := range ec2Members(c, "LaunchTemplateConfigs") {
		cfg := ec2FleetConfig{ltID: c.Param(m + ".LaunchTemplateSpecification.LaunchTemplateId"),
			ltName: c.Param(m + ".LaunchTemplateSpecification.LaunchTemplateName"), version: c.Param(m + ".LaunchTemplateSpecification.Version")}
		for _, o := range ec2Members(c, m+".Overrides") {
			cfg.overrides = append(cfg.overrides, ec2FleetOverride{InstanceType: c.Param(o + ".InstanceType"), SubnetID: c.Param(o + ".SubnetId"),
				Zone: c.Param(o + ".AvailabilityZone"), ImageID: c.Param(o + ".ImageId"), MaxPrice: c.Param(o + ".MaxPrice"),
				Weight: c.Param(o + ".WeightedCapacity"), Priority: c.Param(o + ".Priority"),
				ProfileARN: c.Param(o + ".IamInstanceProfile.Arn"), ProfileName: c.Param(o + ".IamInstanceProfile.Name")})
		}
		if len(cfg.overrides) == 0 {
			cfg.overrides = []ec2FleetOverride{{}}
		}
		r.configs = append(r.configs, cfg)
	}
	atoi := func(name string) (int, bool) {
		v := c.Param(name)
		if v == "" {
			return 0, true
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 0
	}
	var ok1, ok2, ok3 bool
	r.total, ok1 = atoi("TargetCapacitySpecification.TotalTargetCapacity")
	r.onDemand, ok2 = atoi("TargetCapacitySpecification.OnDemandTargetCapacity")
	r.spot, ok3 = atoi("TargetCapacitySpecification.SpotTargetCapacity")
	r.totalErr = !ok1 || !ok2 || !ok3
	for _, m := range ec2Members(c, "TagSpecification") {
		rt := ec2Field(c, m, "ResourceType")
		known := false
		for _, typ := range ec2FleetTagTypes {
			known = known || rt == typ
		}
		if !known && r.tagErr == nil {
			r.tagErr = ec2Invalid("'%s' is not a valid taggable resource type for this operation.", rt)
		}
	}
	for _, typ := range ec2FleetTagTypes {
		tags, err := ec2MergeTags(nil, ec2SpecTags(c, typ))
		if err != nil && r.tagErr == nil {
			r.tagErr = err
		}
		if len(tags) > 0 {
			r.tags[typ] = tags
		}
	}
	return r
}

// launch resolves one override of a config as the RunInstances request it amounts to: the
// template version with the override's instance type, subnet, image and instance profile, and
// the request's tags for the instance, its volume and its interface.
func (r *ec2FleetRequest) launch(c *core.Req, cfg ec2FleetConfig, ov ec2FleetOverride) (*ec2Launch, *core.Req) {
	ltName := cfg.ltName
	if cfg.ltID != "" {
		ltName = "" // resolved configs know both; a request names one
	}
	p := map[string]string{"LaunchTemplate.LaunchTemplateId": cfg.ltID, "LaunchTemplate.LaunchTemplateName": ltName,
		"LaunchTemplate.Version": cfg.version, "InstanceType": ov.InstanceType, "SubnetId": ov.SubnetID, "ImageId": ov.ImageID,
		"IamInstanceProfile.Arn": ov.ProfileARN, "IamInstanceProfile.Name": ov.ProfileName}
	n := 0
	for _, typ := range []string{"instance", "volume", "network-interface"} {
		if len(r.tags[typ]) == 0 {
			continue
		}
		n++
		m := "TagSpecification." + strconv.Itoa(n)
		p[m+".ResourceType"] = typ
		for j, t := range r.tags[typ] {
			p[m+".Tag."+strconv.Itoa(j+1)+".Key"] = t.Key
			p[m+".Tag."+strconv.Itoa(j+1)+".Value"] = t.Value
		}
	}
	cc := ec2Params(c, p)
	return ec2ResolveLaunch(cc), cc
}

// ec2CreateFleetTypes are the resource types the SAR lists for ec2:CreateFleet that a launch
// resolves (placement groups are not emulated).
var ec2CreateFleetTypes = map[string]bool{"instance": true, "volume": true, "image": true, "launch-template": true, "subnet": true}

// targets: ec2:CreateFleet on the new fleet, then on the SAR's resources of every launch.
func (r *ec2FleetRequest) targets(c *core.Req) []ec2Target {
	ts := []ec2Target{{arn: ec2ARN(c, "fleet", "*"), ctx: core.MergeContext(ec2RegionContext(c), core.RequestTagContext(r.tags["fleet"]))}}
	seen := map[string]bool{}
	s := ec2Of(c)
	for _, cfg := range r.configs {
		for _, ov := range cfg.overrides {
			l, cc := r.launch(c, cfg, ov)
			for _, t := range l.targets(cc) {
				typ := ec2ARNType(t.arn)
				if !ec2CreateFleetTypes[typ] {
					continue
				}
				if typ == "subnet" && s.subnets[l.subnet] == nil {
					continue // reported as the launch's error (InvalidSubnetID.NotFound)
				}
				key := t.arn + "|" + ec2ContextKey(t.ctx)
				if !seen[key] {
					seen[key] = true
					ts = append(ts, t)
				}
			}
		}
	}
	return ts
}

// tagChecks: ec2:CreateTags with ec2:CreateAction=CreateFleet for each type tagged at creation:
// the fleet by the request, the instance, volume and interface by the request and the templates.
func (r *ec2FleetRequest) tagChecks(c *core.Req) []core.Check {
	byType := map[string][][]core.Tag{}
	if len(r.tags["fleet"]) > 0 {
		byType["fleet"] = [][]core.Tag{r.tags["fleet"]}
	}
	seen := map[string]bool{}
	for _, cfg := range r.configs {
		for _, ov := range cfg.overrides {
			l, _ := r.launch(c, cfg, ov)
			for _, typ := range []string{"instance", "volume", "network-interface"} {
				if tags := l.tags[typ]; len(tags) > 0 {
					key := typ + "|" + ec2ContextKey(core.RequestTagContext(tags))
					if !seen[key] {
						seen[key] = true
						byType[typ] = append(byType[typ], tags)
					}
				}
			}
		}
	}
	var checks []core.Check
	for _, typ := range []string{"fleet", "instance", "volume", "network-interface"} {
		for _, tags := range byType[typ] {
			ctx := core.MergeContext(core.RequestTagContext(tags), ec2RegionContext(c), map[string][]string{"ec2:CreateAction": {"CreateFleet"}})
			checks = append(checks, core.Check{Action: "ec2:CreateTags", Resources: []string{ec2ARN(c, typ, "*")}, Context: ctx})
		}
	}
	return checks
}

// ec2ARNType is the resource type of an EC2 ARN ("subnet" of arn:aws:ec2:r:a:subnet/subnet-1).
func ec2ARNType(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	typ, _, _ := strings.Cut(parts[5], "/")
	return typ
}

// ec2ContextKey is a stable rendering of a condition context, to tell checks apart.
func ec2ContextKey(ctx map[string][]string) string {
	var b strings.Builder
	for _, k := range core.SortedKeys(ctx) {
		b.WriteString(k + "=" + strings.Join(ctx[k], ",") + ";")
	}
	return b.String()
}

// ec2FleetID is a fleet id as EC2 makes them: fleet- and a UUID.
func ec2FleetID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return "fleet-" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func ec2CreateFleet(c *core.Req) (any, error) {
	r := ec2ParseFleet(c)
	if r.typ != "instant" {
		return nil, core.NewError("Unsupported", 400, "The emulator serves EC2 Fleets of type instant only; type %s is not emulated.", r.typ)
	}
	if len(r.configs) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter LaunchTemplateConfigs")
	}
	if c.Param("TargetCapacitySpecification.TotalTargetCapacity") == "" {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter TargetCapacitySpecification.TotalTargetCapacity")
	}
	if r.totalErr || r.total < 1 {
		return nil, ec2Invalid("The target capacity must be a positive integer.")
	}
	if r.onDemand+r.spot > r.total {
		return nil, core.NewError("InvalidFleetConfiguration", 400, "The sum of OnDemandTargetCapacity and SpotTargetCapacity exceeds TotalTargetCapacity.")
	}
	switch r.defaultType {
	case "":
		r.defaultType = "on-demand"
	case "on-demand", "spot":
	default:
		return nil, ec2Invalid("Value (%s) for parameter defaultTargetCapacityType is invalid.", r.defaultType)
	}
	if r.tagErr != nil {
		return nil, r.tagErr
	}
	if r.total > 20 {
		return nil, core.NewError("InstanceLimitExceeded", 400, "You have requested more instances (%d) than your current instance limit of 20 allows.", r.total)
	}
	s := ec2Of(c)
	if tok := c.Param("ClientToken"); tok != "" {
		if f, ok := s.compute[s.tokens["fleet:"+tok]].(*ec2Fleet); ok {
			return ec2CreateFleetResult{FleetID: f.id, Errors: ec2Set[ec2FleetErrorXML](f.errors), Instances: ec2Set[ec2FleetInstanceXML](f.instances)}, nil
		}
	}
	// Every template must exist, at the version asked for: EC2 refuses the request otherwise.
	for i := range r.configs {
		cfg := &r.configs[i]
		cc := ec2Params(c, map[string]string{"LaunchTemplateId": cfg.ltID, "LaunchTemplateName": cfg.ltName})
		lt, err := s.launchTemplate(cc, "")
		if err != nil {
			return nil, err
		}
		v, err := lt.version(cfg.version)
		if err != nil {
			return nil, err
		}
		cfg.ltID, cfg.ltName, cfg.version = lt.id, lt.name, strconv.Itoa(v.number)
	}
	f := &ec2Fleet{ec2Meta: ec2Meta{id: ec2FleetID(), tags: r.tags["fleet"]}, fleetType: r.typ, state: "active", clientToken: c.Param("ClientToken"),
		created: c.Now, configs: r.configs, total: r.total, onDemand: r.onDemand, spot: r.spot, defaultType: r.defaultType}
	s.seq++
	f.seq = s.seq
	// Instant fleets fill their capacity from the overrides in priority order (then as given):
	// each launch that fails is an error of the fleet and the next override is tried.
	type choice struct {
		cfg ec2FleetConfig
		ov  ec2FleetOverride
		pri float64
		n   int
	}
	var choices []choice
	for _, cfg := range r.configs {
		for _, ov := range cfg.overrides {
			pri := 1e9
			if p, err := strconv.ParseFloat(ov.Priority, 64); err == nil {
				pri = p
			}
			choices = append(choices, choice{cfg: cfg, ov: ov, pri: pri, n: len(choices)})
		}
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].pri < choices[j].pri })
	remaining := r.total
	for _, ch := range choices {
		if remaining <= 0 {
			break
		}
		weight := 1.0
		if w, err := strconv.ParseFloat(ch.ov.Weight, 64); err == nil && w > 0 {
			weight = w
		}
		count := int((float64(remaining) + weight - 1e-9) / weight)
		if count < 1 {
			count = 1
		}
		lto := ec2FleetLTO(ch.cfg, ch.ov)
		ids, instType, err := s.fleetLaunch(c, r, f, ch.cfg, ch.ov, count)
		if err != nil {
			f.errors = append(f.errors, ec2FleetErrorXML{LTO: lto, Lifecycle: r.defaultType, ErrorCode: err.Code, ErrorMessage: err.Message})
			continue
		}
		f.instances = append(f.instances, ec2FleetInstanceXML{LTO: lto, Lifecycle: r.defaultType, InstanceIDs: ids, InstanceType: instType})
		remaining -= int(float64(count) * weight)
	}
	s.compute[f.id] = f
	if f.clientToken != "" {
		s.tokens["fleet:"+f.clientToken] = f.id
	}
	return ec2CreateFleetResult{FleetID: f.id, Errors: ec2Set[ec2FleetErrorXML](f.errors), Instances: ec2Set[ec2FleetInstanceXML](f.instances)}, nil
}

// fleetLaunch makes count instances of one override as the RunInstances EC2 makes for the
// fleet: the caller must be allowed ec2:RunInstances on its resources and iam:PassRole of its
// instance profile's role; what fails is the launch's error, not the call's.
func (s *ec2State) fleetLaunch(c *core.Req, r *ec2FleetRequest, f *ec2Fleet, cfg ec2FleetConfig, ov ec2FleetOverride, count int) ([]string, string, *core.APIError) {
	l, cc := r.launch(c, cfg, ov)
	if l.ltErr != nil {
		return nil, "", l.ltErr
	}
	if l.tagErr != nil {
		return nil, "", l.tagErr
	}
	if l.image == "" {
		return nil, "", core.NewError("MissingParameter", 400, "The request must contain the parameter ImageId")
	}
	if !strings.HasPrefix(l.image, "ami-") {
		return nil, "", core.NewError("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", l.image)
	}
	if l.instTyp == "" {
		return nil, "", core.NewError("MissingParameter", 400, "The request must contain the parameter InstanceType")
	}
	if l.key != "" {
		return nil, "", core.NewError("InvalidKeyPair.NotFound", 400, "The key pair '%s' does not exist", l.key)
	}
	if l.subnet == "" {
		return nil, "", core.NewError("VPCIdNotSpecified", 400, "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
	}
	sn, err := s.subnet(l.subnet)
	if err != nil {
		return nil, "", err
	}
	if ov.Zone != "" && ov.Zone != sn.az.name {
		return nil, "", ec2Invalid("The subnet '%s' is not in the Availability Zone '%s'.", sn.id, ov.Zone)
	}
	if len(l.groupNames) > 0 {
		return nil, "", core.NewError("InvalidGroup.NotFound", 400, "The security group '%s' does not exist in VPC '%s'", l.groupNames[0], sn.vpc)
	}
	for _, g := range l.groups {
		sg := s.sgs[g]
		if sg == nil {
			return nil, "", ec2NotFound("security-group", g)
		}
		if sg.vpc != sn.vpc {
			return nil, "", ec2Invalid("Security group %s and subnet %s belong to different networks.", g, sn.id)
		}
	}
	// The caller's RunInstances, as RunInstances itself is authorized.
	checks := make([]core.Check, 0, 8)
	for _, t := range l.targets(cc) {
		checks = append(checks, core.Check{Action: "ec2:RunInstances", Resources: []string{t.arn}, Context: t.ctx})
	}
	// And iam:PassRole of the instance profile's role, as for RunInstances itself.
	profile, pass, perr := l.instanceProfile(c)
	if perr != nil {
		return nil, "", perr
	}
	checks = append(checks, pass...)
	c.ReportChecks(checks)
	for _, ch := range checks {
		for _, res := range ch.Resources {
			if d := c.Evaluate(c.Caller, ch.Action, res, ch.Context); d.Decision != iampolicy.Allowed {
				return nil, "", core.AccessDenied("ec2", c.Caller.ARN, ch.Action, res, &d)
			}
		}
	}
	tags := map[string][]core.Tag{}
	for typ, t := range l.tags {
		tags[typ] = t
	}
	// EC2 marks what a fleet launches with the fleet's id.
	tags["instance"] = append(append([]core.Tag(nil), tags["instance"]...), core.Tag{Key: "aws:ec2:fleet-id", Value: f.id})
	reservation := ec2NewID("r")
	var ids []string
	for i := 0; i < count; i++ {
		in := s.launch(c, l, sn, reservation, tags, ec2LaunchDefaults{httpTokens: "optional", hopLimit: 1, volumeSize: 8, volumeType: "gp2"})
		in.profileARN, in.profileID = profile.ARN, profile.ID
		ids = append(ids, in.id)
	}
	return ids, l.instTyp, nil
}

// ec2FleetLTO is the launchTemplateAndOverrides a fleet reports for one override.
func ec2FleetLTO(cfg ec2FleetConfig, ov ec2FleetOverride) ec2FleetLTOXML {
	out := ec2FleetLTOXML{Spec: ec2FleetLTSpecXML{ID: cfg.ltID, Name: cfg.ltName, Version: cfg.version}}
	if ov != (ec2FleetOverride{}) {
		out.Overrides = &ec2FleetOverridesXML{InstanceType: ov.InstanceType, SubnetID: ov.SubnetID, Zone: ov.Zone, ImageID: ov.ImageID,
			MaxPrice: ov.MaxPrice, Weight: ov.Weight, Priority: ov.Priority}
	}
	return out
}

type ec2FleetLTSpecXML struct {
	ID      string `xml:"launchTemplateId,omitempty"`
	Name    string `xml:"launchTemplateName,omitempty"`
	Version string `xml:"version,omitempty"`
}

type ec2FleetOverridesXML struct {
	InstanceType string `xml:"instanceType,omitempty"`
	MaxPrice     string `xml:"maxPrice,omitempty"`
	SubnetID     string `xml:"subnetId,omitempty"`
	Zone         string `xml:"availabilityZone,omitempty"`
	Weight       string `xml:"weightedCapacity,omitempty"`
	Priority     string `xml:"priority,omitempty"`
	ImageID      string `xml:"imageId,omitempty"`
}

type ec2FleetLTOXML struct {
	Spec      ec2FleetLTSpecXML     `xml:"launchTemplateSpecification"`
	Overrides *ec2FleetOverridesXML `xml:"overrides,omitempty"`
}

type ec2FleetInstanceXML struct {
	LTO          ec2FleetLTOXML `xml:"launchTemplateAndOverrides"`
	Lifecycle    string         `xml:"lifecycle"`
	InstanceIDs  ec2Set[string] `xml:"instanceIds"`
	InstanceType string         `xml:"instanceType"`
}

type ec2FleetErrorXML struct {
	LTO          ec2FleetLTOXML `xml:"launchTemplateAndOverrides"`
	Lifecycle    string         `xml:"lifecycle"`
	ErrorCode    string         `xml:"errorCode"`
	ErrorMessage string         `xml:"errorMessage"`
}

type ec2CreateFleetResult struct {
	FleetID   string                      `xml:"fleetId"`
	Errors    ec2Set[ec2FleetErrorXML]    `xml:"errorSet"`
	Instances ec2Set[ec2FleetInstanceXML] `xml:"fleetInstanceSet"`
}

type ec2FleetConfigXML struct {
	Spec      ec2FleetLTSpecXML            `xml:"launchTemplateSpecification"`
	Overrides ec2Set[ec2FleetOverridesXML] `xml:"overrides"`
}

type ec2FleetTargetXML struct {
	Total       int    `xml:"totalTargetCapacity"`
	OnDemand    int    `xml:"onDemandTargetCapacity"`
	Spot        int    `xml:"spotTargetCapacity"`
	DefaultType string `xml:"defaultTargetCapacityType"`
}

type ec2FleetDataXML struct {
	FleetID           string                      `xml:"fleetId"`
	FleetState        string                      `xml:"fleetState"`
	ActivityStatus    string                      `xml:"activityStatus"`
	ClientToken       string                      `xml:"clientToken,omitempty"`
	CreateTime        ec2Time                     `xml:"createTime"`
	Type              string                      `xml:"type"`
	Fulfilled         float64                     `xml:"fulfilledCapacity"`
	FulfilledOnDemand float64                     `xml:"fulfilledOnDemandCapacity"`
	Configs           ec2Set[ec2FleetConfigXML]   `xml:"launchTemplateConfigs"`
	Target            ec2FleetTargetXML           `xml:"targetCapacitySpecification"`
	Instances         ec2Set[ec2FleetInstanceXML] `xml:"fleetInstanceSet"`
	Errors            ec2Set[ec2FleetErrorXML]    `xml:"errorSet"`
	TagSet            ec2Set[ec2TagXML]           `xml:"tagSet"`
}

func (s *ec2State) fleetXML(f *ec2Fleet) ec2FleetDataXML {
	x := ec2FleetDataXML{FleetID: f.id, FleetState: f.state, ActivityStatus: "fulfilled", ClientToken: f.clientToken, CreateTime: ec2Time(f.created),
		Type: f.fleetType, Configs: ec2Set[ec2FleetConfigXML]{}, Target: ec2FleetTargetXML{Total: f.total, OnDemand: f.onDemand, Spot: f.spot, DefaultType: f.defaultType},
		Instances: ec2Set[ec2FleetInstanceXML]{}, Errors: ec2Set[ec2FleetErrorXML](f.errors), TagSet: ec2TagSet(f.tags)}
	if x.Errors == nil {
		x.Errors = ec2Set[ec2FleetErrorXML]{}
	}
	for _, cfg := range f.configs {
		cx := ec2FleetConfigXML{Spec: ec2FleetLTSpecXML{ID: cfg.ltID, Name: cfg.ltName, Version: cfg.version}, Overrides: ec2Set[ec2FleetOverridesXML]{}}
		for _, ov := range cfg.overrides {
			if ov != (ec2FleetOverride{}) {
				cx.Overrides = append(cx.Overrides, *ec2FleetLTO(cfg, ov).Overrides)
			}
		}
		x.Configs = append(x.Configs, cx)
	}
	// The instances still running; an instant fleet's capacity is what it launched.
	for _, set := range f.instances {
		kept := set
		kept.InstanceIDs = nil
		for _, id := range set.InstanceIDs {
			if in, ok := s.compute[id].(*ec2Instance); ok && in.state != "terminated" {
				kept.InstanceIDs = append(kept.InstanceIDs, id)
			}
		}
		if len(kept.InstanceIDs) > 0 {
			x.Instances = append(x.Instances, kept)
		}
	}
	for _, set := range f.instances {
		x.Fulfilled += float64(len(set.InstanceIDs))
		if set.Lifecycle == "on-demand" {
			x.FulfilledOnDemand += float64(len(set.InstanceIDs))
		}
	}
	if len(f.errors) > 0 && x.Fulfilled < float64(f.total) {
		x.ActivityStatus = "error"
	}
	return x
}

func (s *ec2State) fleets() []*ec2Fleet {
	var out []*ec2Fleet
	for _, obj := range s.compute {
		if f, ok := obj.(*ec2Fleet); ok {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func ec2CheckFleetID(id string) *core.APIError {
	if !strings.HasPrefix(id, "fleet-") {
		return core.NewError("InvalidFleetId.Malformed", 400, "Invalid id: \"%s\" (expecting \"fleet-...\")", id)
	}
	return nil
}

// ec2DescribeFleets: "If a fleet is of type instant, you must specify the fleet ID in the
// request, otherwise the fleet does not appear in the response" (API reference).
func ec2DescribeFleets(c *core.Req) (any, error) {
	s := ec2Of(c)
	ids := ec2List(c, "FleetId")
	var all []*ec2Fleet
	if len(ids) == 0 {
		for _, f := range s.fleets() {
			if f.fleetType != "instant" {
				all = append(all, f)
			}
		}
	}
	for _, id := range ids {
		if err := ec2CheckFleetID(id); err != nil {
			return nil, err
		}
		f, ok := s.compute[id].(*ec2Fleet)
		if !ok {
			return nil, ec2NotFound("fleet", id)
		}
		all = append(all, f)
	}
	known := []string{"activity-status", "fleet-state", "type"}
	all, err := ec2Select(c, all, known, func(f *ec2Fleet) ec2Fields {
		return func(name string) []string {
			switch name {
			case "activity-status":
				return []string{s.fleetXML(f).ActivityStatus}
			case "fleet-state":
				return []string{f.state}
			case "type":
				return []string{f.fleetType}
			}
			return nil
		}
	}, func(f *ec2Fleet) []core.Tag { return f.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Fleets    ec2Set[ec2FleetDataXML] `xml:"fleetSet"`
		NextToken string                  `xml:"nextToken,omitempty"`
	}{Fleets: ec2Set[ec2FleetDataXML]{}, NextToken: next}
	for _, f := range page {
		out.Fleets = append(out.Fleets, s.fleetXML(f))
	}
	return out, nil
}

// ec2DeleteFleets: "For instant fleets, EC2 Fleet must terminate the instances when the fleet
// is deleted ... A deleted instant fleet with running instances is not supported", and the
// TerminateInstances parameter "For instant fleets, you cannot specify NoTerminateInstances"
// (API reference). At most 25 instant fleets per request.
func ec2DeleteFleets(c *core.Req) (any, error) {
	ids := ec2List(c, "FleetId")
	if len(ids) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter FleetId")
	}
	if !c.HasParam("TerminateInstances") {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter TerminateInstances")
	}
	if len(ids) > 25 {
		return nil, ec2Invalid("You can delete up to 25 instant fleets in a single request.")
	}
	terminate := c.ParamBool("TerminateInstances")
	s := ec2Of(c)
	for _, id := range ids {
		if f, ok := s.compute[id].(*ec2Fleet); ok && f.fleetType == "instant" && !terminate {
			return nil, core.NewError("InvalidParameterCombination", 400, "NoTerminateInstances is not supported for EC2 Fleets of type instant.")
		}
	}
	type success struct {
		FleetID  string `xml:"fleetId"`
		Current  string `xml:"currentFleetState"`
		Previous string `xml:"previousFleetState"`
	}
	type failure struct {
		FleetID string `xml:"fleetId"`
		Error   struct {
			Code    string `xml:"code"`
			Message string `xml:"message"`
		} `xml:"error"`
	}
	out := struct {
		Successful   ec2Set[success] `xml:"successfulFleetDeletionSet"`
		Unsuccessful ec2Set[failure] `xml:"unsuccessfulFleetDeletionSet"`
	}{Successful: ec2Set[success]{}, Unsuccessful: ec2Set[failure]{}}
	for _, id := range ids {
		f, ok := s.compute[id].(*ec2Fleet)
		if !ok || f.state != "active" {
			var fl failure
			fl.FleetID = id
			switch {
			case ec2CheckFleetID(id) != nil:
				fl.Error.Code, fl.Error.Message = "fleetIdMalformed", "The fleet ID '"+id+"' is malformed"
			case !ok:
				fl.Error.Code, fl.Error.Message = "fleetIdDoesNotExist", "The fleet ID '"+id+"' does not exist"
			default:
				fl.Error.Code, fl.Error.Message = "fleetNotInDeletableState", "The fleet '"+id+"' is already deleted"
			}
			out.Unsuccessful = append(out.Unsuccessful, fl)
			continue
		}
		for _, iid := range f.instanceIDs() {
			if in, ok := s.compute[iid].(*ec2Instance); ok {
				s.terminate(in, c.Now)
			}
		}
		f.state = "deleted"
		out.Successful = append(out.Successful, success{FleetID: id, Current: "deleted_terminating", Previous: "active"})
	}
	return out, nil
}
